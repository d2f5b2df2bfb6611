import { randomUUID } from 'node:crypto';
import { Logger, type LoggerService } from '@nestjs/common';
import { Notification, Provider, type ProviderOptions, type ResponseFailure } from '@parse/node-apn';
import { classifyApnsFailure, type ApnsFailure } from '../errors/apns-failure.classifier';
import { rejectedLocally } from '../errors/failed-outcome';
import type { ApnsCredential, PushEndpoints } from '../port/push-credential';
import { PushProvider, type PushOutcome, type PushRequest } from '../port/push-provider.port';
import { redactToken } from '../support/redact-token';
import { InFlight } from '../support/in-flight';
import { Semaphore } from '../support/semaphore';
import { buildApnsRequest, type ApnsRequest } from './apns-request.builder';

export interface ApnsPushProviderOptions {
  readonly credential: ApnsCredential;
  readonly environment: 'production' | 'sandbox';
  readonly endpoint: PushEndpoints['apns'];
  readonly logger?: LoggerService;
  /** Requests in flight at once; more wait their turn (nghttp2 queues past APNs' stream limit). Default 1000. */
  readonly maxConcurrentRequests?: number;
  /** How long one request may wait for its answer before it fails with a `retry` outcome. Default 10 s. */
  readonly requestTimeoutMs?: number;
}

const APPLE_HOSTS = { production: 'api.push.apple.com', sandbox: 'api.sandbox.push.apple.com' } as const;

/**
 * APNs with token (.p8) authentication through @parse/node-apn: one long-lived `Provider` (one HTTP/2 session,
 * re-opened by node-apn after GOAWAY or a lost connection) per instance, shared by every app (topic) of the team.
 *
 * The provider JWT is node-apn's: signed once, sent on every request, and re-signed on the first request after it
 * is 55 minutes old (`isExpired(3300)` in node-apn's client), inside Apple's window of 20 to 60 minutes. It is also
 * re-signed when APNs answers 403 `ExpiredProviderToken` (once per token generation), and that request is sent
 * again once here. node-apn's own retries are switched off (`connectionRetryLimit: 0`): they resend at once, even
 * on 429, whereas the dispatcher retries with backoff.
 *
 * Limitation: node-apn reads `Retry-After` under the wrong case for HTTP/2 and drops it, so `retryAfterMs` is
 * always unknown for APNs (Apple documents no `Retry-After`; the dispatcher's backoff applies).
 */
export class ApnsPushProvider extends PushProvider {
  readonly platform = 'ios';
  private readonly provider: Provider;
  private readonly environment: 'production' | 'sandbox';
  private readonly logger: LoggerService;
  private readonly limiter: Semaphore;
  private readonly inFlight = new InFlight();
  private closing: Promise<void> | undefined;

  constructor(options: ApnsPushProviderOptions) {
    super();
    this.environment = options.environment;
    this.logger = options.logger ?? new Logger(ApnsPushProvider.name);
    this.limiter = new Semaphore(options.maxConcurrentRequests ?? 1000);
    this.provider = new Provider(providerOptions(options));
  }

  send(requests: readonly PushRequest[]): Promise<readonly PushOutcome[]> {
    return this.inFlight.track(Promise.all(requests.map((request) => this.sendOne(request))));
  }

  /** Lets the sends in flight finish, then closes the HTTP/2 session. Later sends get a `retry` outcome. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    await this.inFlight.drained();
    await new Promise<void>((resolve) => {
      void this.provider.shutdown(resolve);
    });
  }

  private async sendOne(request: PushRequest): Promise<PushOutcome> {
    if (request.target.environment !== this.environment) {
      // Sent to the wrong environment, a good token fails as BadDeviceToken and would be pruned.
      return rejectedLocally(
        `target environment ${request.target.environment} is not this provider's (${this.environment})`,
      );
    }
    const result = buildApnsRequest(request, randomUUID());
    if ('rejected' in result) return result.rejected;
    return this.limiter.run(async () => {
      let answer = await this.write(result.built);
      if ('failure' in answer && answer.failure.status === 403 && answer.failure.reason === 'ExpiredProviderToken') {
        answer = await this.write(result.built);
      }
      if ('sent' in answer) return { status: 'sent', providerMessageId: answer.sent };
      const outcome = classifyApnsFailure(answer.failure);
      if (outcome.disposition === 'credential') {
        this.logger.warn(`APNs refused the provider token for ${result.built.topic}: ${outcome.reason}`);
      } else {
        this.logger.debug?.(`APNs push to ${redactToken(result.built.token)} failed: ${outcome.reason}`);
      }
      return outcome;
    });
  }

  private async write(request: ApnsRequest): Promise<{ sent: string } | { failure: ApnsFailure }> {
    if (this.closing) return { failure: { status: undefined, reason: 'provider closed' } };
    const { sent, failed } = await this.provider.send(notificationOf(request), request.token);
    if (sent.length > 0) return { sent: request.id };
    return { failure: failureOf(failed[0], this.environment) };
  }
}

function providerOptions({ credential, environment, endpoint, requestTimeoutMs }: ApnsPushProviderOptions) {
  const options: ProviderOptions = {
    // A Buffer, not a string: node-apn reads a string that does not look like PEM as a file path.
    token: { key: Buffer.from(credential.keyPem, 'utf8'), keyId: credential.keyId, teamId: credential.teamId },
    production: environment === 'production',
    address: endpoint.host ?? APPLE_HOSTS[environment],
    port: endpoint.port ?? 443,
    connectionRetryLimit: 0,
    requestTimeout: requestTimeoutMs ?? 10_000,
    heartBeat: 60_000,
  };
  // node-apn turns an explicit `ca: undefined` into `[undefined]`, which breaks TLS: set it only when there is one.
  if (endpoint.caPem) options.ca = [Buffer.from(endpoint.caPem, 'utf8')];
  return options;
}

function notificationOf(request: ApnsRequest): Notification {
  const notification = new Notification();
  notification.rawPayload = request.payload;
  notification.id = request.id;
  notification.topic = request.topic;
  notification.pushType = request.pushType;
  notification.priority = request.priority;
  notification.collapseId = request.collapseId;
  notification.expiry = request.expiration;
  return notification;
}

/**
 * node-apn's failure shapes: `{ status, response: { reason, timestamp } }` for an APNs error body; `{ status,
 * error }` for 403 ExpiredProviderToken (the reason is the error's message) and 500 InternalServerError (the
 * reason is lost); `{ error }` (or an error's own properties, like `code`) when no response arrived.
 */
function failureOf(failed: ResponseFailure | undefined, environment: 'production' | 'sandbox'): ApnsFailure {
  const raw = (failed ?? {}) as Partial<ResponseFailure> & { code?: unknown };
  const status = typeof raw.status === 'number' ? raw.status : undefined;
  const message = raw.error?.message ?? (typeof raw.code === 'string' ? raw.code : undefined);
  if (status === undefined) return { status, reason: message ?? 'no response', environment };
  const reason =
    raw.response?.reason ??
    // node-apn swaps the body of a 500 InternalServerError (and only that one) for its own error.
    (status === 500 ? 'InternalServerError' : message && /^[A-Za-z]+$/.test(message) ? message : undefined);
  return { status, reason, timestamp: raw.response?.timestamp, environment };
}
