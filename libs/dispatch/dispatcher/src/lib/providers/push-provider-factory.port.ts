import type { PushEnvironment } from '@mailpush/persistence';
import type { ApnsCredential, FcmCredential, PushCredential, PushEndpoints, PushProvider } from '@mailpush/push';

/** An APNs token-auth key as stored or configured. */
export interface ApnsKeyInput {
  readonly keyPem: string;
  readonly keyId: string;
  readonly teamId: string;
}

/**
 * Builds push providers and validates the credentials they use. The port between the dispatcher and the
 * APNs/FCM adapters of `@mailpush/push`; tests put a scripted fake behind it.
 */
export abstract class PushProviderFactory {
  /** Validates an APNs key; throws naming the bad field. */
  abstract apnsCredential(key: ApnsKeyInput): Promise<ApnsCredential>;
  /** Validates a Google service account (object or JSON text); throws naming the bad field. */
  abstract fcmCredential(serviceAccount: unknown): Promise<FcmCredential>;
  /** A long-lived provider for one credential in one environment; the caller closes it. */
  abstract create(credential: PushCredential, environment: PushEnvironment, endpoints: PushEndpoints): PushProvider;
}
