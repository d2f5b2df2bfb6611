/** Where one push goes: a device registration's token on one platform, app and environment. */
export interface PushTarget {
  readonly registrationId: string;
  readonly platform: 'ios' | 'android';
  /** APNs device token (hex) or FCM registration token. */
  readonly token: string;
  /** iOS bundle id (the APNs topic) or Android application id. */
  readonly appId: string;
  readonly environment: 'production' | 'sandbox';
}

/** What to show (or, for `badge`, only update) on the device; platform-neutral. */
export interface PushNotification {
  /**
   * `alert`: a visible notification (APNs push type `alert`, FCM `notification`).
   * `badge`: a silent badge update (APNs push type `background` with `content-available`, priority 5; FCM data-only).
   */
  readonly kind: 'alert' | 'badge';
  readonly title?: string;
  readonly body?: string;
  /** Unread count to show on the app icon; absent leaves the badge alone. */
  readonly badge?: number;
  /** Sound name; absent for a silent alert. */
  readonly sound?: string;
  /** Same id, one notification shown (APNs `apns-collapse-id`, at most 64 bytes; FCM `collapse_key`). Per mailbox. */
  readonly collapseId: string;
  /** Groups notifications of one mailbox (APNs `thread-id`, FCM `tag`). */
  readonly threadId: string;
  /** After this the provider stops trying to deliver (APNs `apns-expiration`, FCM `android.ttl`). */
  readonly expiresAt: Date;
  /** Custom key/values for the app; strings only (FCM demands it). */
  readonly data: Readonly<Record<string, string>>;
}

export interface PushRequest {
  readonly target: PushTarget;
  readonly notification: PushNotification;
}

/**
 * What to do after a failed send, from the classified error tables of APNs and FCM:
 * - `prune`: the token is dead (APNs 410 / 400 BadDeviceToken, FCM UNREGISTERED / SENDER_ID_MISMATCH): mark
 *   the registration invalid, never retry.
 * - `retry`: transient (429, 5xx, connection lost): retry with backoff, honouring `retryAfterMs`.
 * - `credential`: the credential was refused (APNs 403, FCM THIRD_PARTY_AUTH_ERROR / 401): open the
 *   credential's circuit; the push is retried later.
 * - `reject`: the request itself is wrong (payload too large, bad topic, ...): retrying cannot help;
 *   dead-letter it.
 */
export type FailureDisposition = 'prune' | 'retry' | 'credential' | 'reject';

export type PushOutcome =
  | {
      readonly status: 'sent';
      /** APNs `apns-id` or FCM message name. */
      readonly providerMessageId: string | undefined;
    }
  | {
      readonly status: 'failed';
      readonly disposition: FailureDisposition;
      /** Provider status and reason, e.g. `410 Unregistered`, `404 UNREGISTERED`, `connection: GOAWAY`. */
      readonly reason: string;
      readonly httpStatus: number | undefined;
      /** From `Retry-After`, when the provider sent one. */
      readonly retryAfterMs: number | undefined;
      /** APNs 410: when APNs last confirmed the token invalid; a registration refreshed later is kept. */
      readonly tokenInvalidSince: Date | undefined;
    };

/**
 * Sends pushes to one provider with one credential. Adapters keep their connections open for the life of the
 * provider (APNs: one long-lived HTTP/2 client; FCM: one HTTP/2 session) and never throw for a failed push:
 * every request gets an outcome, in request order.
 */
export abstract class PushProvider {
  abstract readonly platform: 'ios' | 'android';
  abstract send(requests: readonly PushRequest[]): Promise<readonly PushOutcome[]>;
  /** Closes connections; sends in flight finish or fail first. */
  abstract close(): Promise<void>;
}
