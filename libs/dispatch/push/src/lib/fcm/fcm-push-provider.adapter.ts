import { Logger, type LoggerService } from '@nestjs/common';
import { classifyFcmFailure, parseFcmErrorBody } from '../errors/fcm-failure.classifier';
import { connectionLost, failedOutcome, type FailedPushOutcome } from '../errors/failed-outcome';
import type { FcmCredential, PushEndpoints } from '../port/push-credential';
import { PushProvider, type PushOutcome, type PushRequest } from '../port/push-provider.port';
import { redactToken } from '../support/redact-token';
import { InFlight } from '../support/in-flight';
import { Semaphore } from '../support/semaphore';
import { FcmAccessTokenError, FcmAccessTokenSource } from './fcm-access-token.source';
import { FcmHttp2Client, type Http2Response } from './fcm-http2.client';
import { buildFcmMessage, type FcmSendBody } from './fcm-message.builder';

export interface FcmPushProviderOptions {
  readonly credential: FcmCredential;
  readonly endpoint: PushEndpoints['fcm'];
  readonly logger?: LoggerService;
  /** Requests (HTTP/2 streams) in flight at once; more wait their turn. Default 100. */
  readonly maxConcurrentRequests?: number;
  /** How long one request may wait for its answer before it fails with a `retry` outcome. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Wall clock (ms) for TTLs and Retry-After dates; injected by tests. */
  readonly now?: () => number;
}

const FCM_ORIGIN = 'https://fcm.googleapis.com';

/**
 * FCM HTTP v1 over our own HTTP/2 client (see docs/adr, "FCM over our own HTTP/2 client"): one session to FCM,
 * re-opened after GOAWAY or a failure, at most `maxConcurrentRequests` streams at once, and OAuth access tokens
 * from `FcmAccessTokenSource`. The same code runs against Google and against the simulator; only the endpoint
 * URLs and the trusted CA differ.
 */
export class FcmPushProvider extends PushProvider {
  readonly platform = 'android';
  private readonly tokens: FcmAccessTokenSource;
  private readonly http: FcmHttp2Client;
  private readonly path: string;
  private readonly logger: LoggerService;
  private readonly limiter: Semaphore;
  private readonly now: () => number;
  private readonly inFlight = new InFlight();
  private closing: Promise<void> | undefined;

  constructor(options: FcmPushProviderOptions) {
    super();
    const { credential, endpoint } = options;
    this.logger = options.logger ?? new Logger(FcmPushProvider.name);
    this.now = options.now ?? Date.now;
    this.limiter = new Semaphore(options.maxConcurrentRequests ?? 100);
    this.path = `/v1/projects/${encodeURIComponent(credential.projectId)}/messages:send`;
    this.tokens = new FcmAccessTokenSource({
      credential,
      tokenUrl: endpoint.tokenUrl,
      caPem: endpoint.caPem,
      logger: this.logger,
      now: this.now,
    });
    this.http = new FcmHttp2Client({
      origin: new URL(endpoint.endpoint ?? FCM_ORIGIN).origin,
      caPem: endpoint.caPem,
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      logger: this.logger,
    });
  }

  send(requests: readonly PushRequest[]): Promise<readonly PushOutcome[]> {
    return this.inFlight.track(this.sendAll(requests));
  }

  /** Lets the sends in flight finish, then closes the HTTP/2 session. Later sends get a `retry` outcome. */
  close(): Promise<void> {
    this.closing ??= this.inFlight.drained().then(() => this.http.close());
    return this.closing;
  }

  private async sendAll(requests: readonly PushRequest[]): Promise<readonly PushOutcome[]> {
    const now = new Date(this.now());
    return Promise.all(
      requests.map(async (request) => {
        const body = buildFcmMessage(request, now);
        return 'rejected' in body ? body.rejected : this.sendOne(body.built);
      }),
    );
  }

  private async sendOne(body: FcmSendBody): Promise<PushOutcome> {
    return this.limiter.run(async () => {
      let attempt = await this.post(body);
      if (attempt.accessTokenRefused) {
        // The access token was refused before its time (revoked, clock skew); it is forgotten: one more try.
        attempt = await this.post(body);
      }
      if (attempt.outcome.status === 'failed') this.log(body, attempt.outcome);
      return attempt.outcome;
    });
  }

  private async post(body: FcmSendBody): Promise<{ outcome: PushOutcome; accessTokenRefused?: boolean }> {
    if (this.closing) return { outcome: connectionLost('provider closed') };
    let accessToken: string;
    try {
      accessToken = await this.tokens.getAccessToken();
    } catch (error) {
      return { outcome: accessTokenFailure(error) };
    }
    let response: Http2Response;
    try {
      response = await this.http.post(
        this.path,
        { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=utf-8' },
        body.json,
      );
    } catch (error) {
      // Only Http2ConnectionLostError is expected here; anything else still means no answer came.
      return { outcome: connectionLost((error as Error).message) };
    }
    if (response.status === 200) return { outcome: { status: 'sent', providerMessageId: messageName(response.body) } };
    const { errorCode, message } = parseFcmErrorBody(response.body);
    const retryAfter = response.headers['retry-after'];
    const outcome = classifyFcmFailure(
      {
        status: response.status,
        errorCode,
        message,
        retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
      },
      new Date(this.now()),
    );
    if (errorCode !== 'UNAUTHENTICATED') return { outcome };
    this.tokens.invalidate(accessToken);
    return { outcome, accessTokenRefused: true };
  }

  private log(body: FcmSendBody, outcome: FailedPushOutcome): void {
    if (outcome.disposition === 'credential') this.logger.warn(`FCM refused the credential: ${outcome.reason}`);
    else this.logger.debug?.(`FCM push to ${redactToken(body.token)} failed: ${outcome.reason}`);
  }
}

/** No token, no send: a refused service account opens the credential's circuit; an unreachable endpoint retries. */
function accessTokenFailure(error: unknown): FailedPushOutcome {
  const transient = !(error instanceof FcmAccessTokenError) || error.transient;
  return failedOutcome({
    disposition: transient ? 'retry' : 'credential',
    reason: `oauth: ${(error as Error).message}`,
  });
}

function messageName(body: string): string | undefined {
  try {
    const { name } = JSON.parse(body) as { name?: unknown };
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}
