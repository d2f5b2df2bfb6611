/** FCM `errorCode`s (google.firebase.fcm.v1.FcmError) with the HTTP status and Google status FCM sends them with. */
export const FCM_ERRORS = {
  UNREGISTERED: { httpStatus: 404, status: 'NOT_FOUND', message: 'Requested entity was not found.' },
  INVALID_ARGUMENT: {
    httpStatus: 400,
    status: 'INVALID_ARGUMENT',
    message: 'The registration token is not a valid FCM registration token',
  },
  SENDER_ID_MISMATCH: { httpStatus: 403, status: 'PERMISSION_DENIED', message: 'SenderId mismatch' },
  QUOTA_EXCEEDED: {
    httpStatus: 429,
    status: 'RESOURCE_EXHAUSTED',
    message: 'Quota exceeded for quota metric "Send requests" of service "fcm.googleapis.com".',
  },
  UNAVAILABLE: { httpStatus: 503, status: 'UNAVAILABLE', message: 'The service is currently unavailable.' },
  INTERNAL: { httpStatus: 500, status: 'INTERNAL', message: 'Internal error encountered.' },
  THIRD_PARTY_AUTH_ERROR: {
    httpStatus: 401,
    status: 'UNAUTHENTICATED',
    message: 'Auth error from APNS or Web Push Service',
  },
} as const;

export type FcmErrorCode = keyof typeof FCM_ERRORS;

/** A scripted FCM error, given to sends that would otherwise have succeeded. */
export interface FcmErrorScript {
  readonly errorCode: FcmErrorCode;
  /** Sent as the `retry-after` header (seconds). */
  readonly retryAfterSeconds?: number;
  /** Replaces FCM's usual message for the code. */
  readonly message?: string;
  /** How many requests get it; unlimited when omitted. */
  readonly times?: number;
}

/** HTTP/2: a GOAWAY on the request's connection instead of an answer. HTTP/1.1: the connection is dropped. */
export interface FcmGoawayScript {
  readonly goaway: true;
  readonly times?: number;
}

export type FcmScript = FcmErrorScript | FcmGoawayScript;
