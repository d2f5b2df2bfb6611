import type { PushEnvironment } from '@mailpush/persistence';
import {
  PushProvider,
  type ApnsCredential,
  type FailureDisposition,
  type FcmCredential,
  type PushCredential,
  type PushEndpoints,
  type PushOutcome,
  type PushRequest,
} from '@mailpush/push';
import { PushProviderFactory, type ApnsKeyInput } from '../lib/providers/push-provider-factory.port';

/** A request as the fake provider received it, with the credential and environment it was sent with. */
export interface RecordedPush extends PushRequest {
  readonly credential: PushCredential;
  readonly environment: PushEnvironment;
}

export function sent(providerMessageId = 'fake-id'): PushOutcome {
  return { status: 'sent', providerMessageId };
}

export function failed(
  disposition: FailureDisposition,
  reason: string,
  extra: { httpStatus?: number; retryAfterMs?: number; tokenInvalidSince?: Date } = {},
): PushOutcome {
  return {
    status: 'failed',
    disposition,
    reason,
    httpStatus: extra.httpStatus,
    retryAfterMs: extra.retryAfterMs,
    tokenInvalidSince: extra.tokenInvalidSince,
  };
}

class FakePushProvider extends PushProvider {
  closed = false;

  constructor(
    readonly platform: 'ios' | 'android',
    private readonly factory: FakePushProviderFactory,
    private readonly credential: PushCredential,
    private readonly environment: PushEnvironment,
  ) {
    super();
  }

  send(requests: readonly PushRequest[]): Promise<readonly PushOutcome[]> {
    return Promise.resolve(requests.map((request) => this.factory.answer(request, this.credential, this.environment)));
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/**
 * Providers that record every request and answer as scripted per token (first the queued answers, then the
 * standing one, then `sent`). Credentials are taken as given, so tests need no real keys.
 */
export class FakePushProviderFactory extends PushProviderFactory {
  readonly requests: RecordedPush[] = [];
  readonly providers: FakePushProvider[] = [];
  private readonly queued = new Map<string, PushOutcome[]>();
  private readonly standing = new Map<string, PushOutcome>();
  private readonly byTeam = new Map<string, PushOutcome>();
  private sequence = 0;

  apnsCredential(key: ApnsKeyInput): Promise<ApnsCredential> {
    return Promise.resolve({ kind: 'apns', keyPem: key.keyPem, keyId: key.keyId, teamId: key.teamId });
  }

  fcmCredential(serviceAccount: unknown): Promise<FcmCredential> {
    const account = (typeof serviceAccount === 'string' ? JSON.parse(serviceAccount) : serviceAccount) as Record<
      string,
      string
    >;
    return Promise.resolve({
      kind: 'fcm',
      projectId: account['project_id'] ?? 'fake-project',
      clientEmail: account['client_email'] ?? 'fake@example.com',
      privateKeyPem: account['private_key'] ?? 'fake',
      privateKeyId: undefined,
      tokenUri: 'https://oauth2.example.com/token',
    });
  }

  create(credential: PushCredential, environment: PushEnvironment, _endpoints: PushEndpoints): PushProvider {
    const provider = new FakePushProvider(
      credential.kind === 'apns' ? 'ios' : 'android',
      this,
      credential,
      environment,
    );
    this.providers.push(provider);
    return provider;
  }

  /** The next answers for a token, in order. */
  answerNext(token: string, ...outcomes: PushOutcome[]): void {
    this.queued.set(token, [...(this.queued.get(token) ?? []), ...outcomes]);
  }

  /** The answer for a token whenever nothing is queued for it. */
  answerAlways(token: string, outcome: PushOutcome): void {
    this.standing.set(token, outcome);
  }

  /** The answer for every push sent with an APNs key of this team (a refused credential). */
  answerForTeam(teamId: string, outcome: PushOutcome): void {
    this.byTeam.set(teamId, outcome);
  }

  requestsFor(token: string): RecordedPush[] {
    return this.requests.filter((r) => r.target.token === token);
  }

  answer(request: PushRequest, credential: PushCredential, environment: PushEnvironment): PushOutcome {
    this.requests.push({ ...request, credential, environment });
    const token = request.target.token;
    const next = this.queued.get(token)?.shift();
    if (next !== undefined) return next;
    const team = credential.kind === 'apns' ? this.byTeam.get(credential.teamId) : undefined;
    return team ?? this.standing.get(token) ?? sent(`fake-${++this.sequence}`);
  }
}
