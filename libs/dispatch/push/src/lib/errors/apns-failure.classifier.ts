import { parseRetryAfter } from './retry-after';
import { connectionLost, failedOutcome, type FailedPushOutcome } from './failed-outcome';

/** What APNs answered (or did not answer) to one request. */
export interface ApnsFailure {
  /** HTTP status; `undefined` when no response arrived (connection refused or lost, GOAWAY, timeout). */
  readonly status: number | undefined;
  /** APNs `reason` from the error body, or what went wrong with the connection when there was no response. */
  readonly reason: string | undefined;
  /** 410 only: when APNs last confirmed the token invalid, in milliseconds since the epoch. */
  readonly timestamp?: number | string | undefined;
  /** The raw `Retry-After` header, if any (APNs does not document one; honoured when present). */
  readonly retryAfter?: string | undefined;
  /** The APNs environment the request went to; named in `BadDeviceToken` reasons (a token of the other one fails so). */
  readonly environment?: 'production' | 'sandbox' | undefined;
}

/** 400 reasons that mean the token will never work for this app: prune it. */
const DEAD_TOKEN_REASONS = new Set(['BadDeviceToken', 'DeviceTokenNotForTopic', 'TopicDisallowed']);
/** 400 reasons that come from the connection, not the request. */
const TRANSIENT_400_REASONS = new Set(['IdleTimeout']);

/**
 * The classified APNs error table (Apple, "Handling notification responses from APNs"): a failed APNs response,
 * or the lack of one, as the neutral outcome the dispatcher acts on. Unknown reasons fall back on the status.
 */
export function classifyApnsFailure(failure: ApnsFailure, now = new Date()): FailedPushOutcome {
  const { status, reason } = failure;
  if (status === undefined) return connectionLost(reason ?? 'no response');
  const common = {
    reason: reason ? `${status} ${reason}` : String(status),
    httpStatus: status,
    retryAfterMs: parseRetryAfter(failure.retryAfter, now),
  };
  if (status === 410) {
    return failedOutcome({ ...common, disposition: 'prune', tokenInvalidSince: timestampOf(failure.timestamp) });
  }
  if (status === 400 && reason !== undefined && DEAD_TOKEN_REASONS.has(reason)) {
    const where = reason === 'BadDeviceToken' && failure.environment ? ` (sent to APNs ${failure.environment})` : '';
    return failedOutcome({ ...common, reason: `${common.reason}${where}`, disposition: 'prune' });
  }
  if (status === 400 && reason !== undefined && TRANSIENT_400_REASONS.has(reason)) {
    return failedOutcome({ ...common, disposition: 'retry' });
  }
  if (status === 401 || status === 403) return failedOutcome({ ...common, disposition: 'credential' });
  if (status === 408 || status === 429 || status >= 500) return failedOutcome({ ...common, disposition: 'retry' });
  // 400 (request errors), 404 BadPath, 405 MethodNotAllowed, 413 PayloadTooLarge and anything unknown: the request
  // itself is wrong, and sending it again cannot help.
  return failedOutcome({ ...common, disposition: 'reject' });
}

/** APNs sends milliseconds since the epoch (a number; some clients hand it over as a string). */
function timestampOf(value: number | string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : undefined;
}
