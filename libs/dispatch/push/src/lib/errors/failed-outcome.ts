import type { FailureDisposition, PushOutcome } from '../port/push-provider.port';

/** The failed branch of `PushOutcome`: what the classifiers return. */
export type FailedPushOutcome = Extract<PushOutcome, { status: 'failed' }>;

export interface FailedOutcomeFields {
  readonly disposition: FailureDisposition;
  readonly reason: string;
  readonly httpStatus?: number | undefined;
  readonly retryAfterMs?: number | undefined;
  readonly tokenInvalidSince?: Date | undefined;
}

/** A failed outcome with every optional field present (as `undefined` when unknown), so outcomes compare equal. */
export function failedOutcome(fields: FailedOutcomeFields): FailedPushOutcome {
  return {
    status: 'failed',
    disposition: fields.disposition,
    reason: fields.reason,
    httpStatus: fields.httpStatus,
    retryAfterMs: fields.retryAfterMs,
    tokenInvalidSince: fields.tokenInvalidSince,
  };
}

/** The request never reached the provider because it cannot be sent as it is (payload too large, bad token, ...). */
export function rejectedLocally(reason: string): FailedPushOutcome {
  return failedOutcome({ disposition: 'reject', reason: `local: ${reason}` });
}

/** No response arrived: the connection was lost, refused, timed out or closed by GOAWAY. Always worth retrying. */
export function connectionLost(detail: string): FailedPushOutcome {
  return failedOutcome({ disposition: 'retry', reason: `connection: ${detail}` });
}
