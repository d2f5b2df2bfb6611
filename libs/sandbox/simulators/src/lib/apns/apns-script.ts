/** HTTP statuses APNs answers with, each with the reasons Apple documents for it (protocols.md section 4). */
export const APNS_ERROR_REASONS = {
  400: [
    'BadCollapseId',
    'BadDeviceToken',
    'BadExpirationDate',
    'BadMessageId',
    'BadPriority',
    'BadTopic',
    'DeviceTokenNotForTopic',
    'DuplicateHeaders',
    'IdleTimeout',
    'InvalidPushType',
    'MissingDeviceToken',
    'MissingTopic',
    'PayloadEmpty',
    'TopicDisallowed',
  ],
  403: [
    'BadCertificate',
    'BadCertificateEnvironment',
    'ExpiredProviderToken',
    'Forbidden',
    'InvalidProviderToken',
    'MissingProviderToken',
    'UnrelatedKeyIdInToken',
  ],
  404: ['BadPath'],
  405: ['MethodNotAllowed'],
  410: ['Unregistered', 'ExpiredToken'],
  413: ['PayloadTooLarge'],
  429: ['TooManyProviderTokenUpdates', 'TooManyRequests'],
  500: ['InternalServerError'],
  503: ['ServiceUnavailable', 'Shutdown'],
} as const;

export type ApnsErrorStatus = keyof typeof APNS_ERROR_REASONS;

/** A scripted error answer, given to requests that would otherwise have succeeded. */
export interface ApnsErrorScript {
  readonly status: ApnsErrorStatus;
  /** Sent as `{"reason": ...}`; any string, so that undocumented reasons can be tried too. */
  readonly reason: string;
  /** Milliseconds since the epoch; sent for 410 only (default: now). */
  readonly timestamp?: number;
  /** Sent as the `retry-after` header (seconds). */
  readonly retryAfterSeconds?: number;
  /** How many requests get it; unlimited when omitted. */
  readonly times?: number;
}

/** An HTTP/2 GOAWAY on the request's connection instead of an answer. */
export interface ApnsGoawayScript {
  readonly goaway: true;
  /** Sent as the GOAWAY's debug data, `{"reason": ...}` (default `Shutdown`). */
  readonly reason?: string;
  readonly times?: number;
}

export type ApnsScript = ApnsErrorScript | ApnsGoawayScript;
