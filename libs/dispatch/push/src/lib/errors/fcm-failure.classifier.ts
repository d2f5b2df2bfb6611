import { parseRetryAfter } from './retry-after';
import { connectionLost, failedOutcome, type FailedPushOutcome } from './failed-outcome';

/** What FCM answered (or did not answer) to one `messages:send`. */
export interface FcmFailure {
  /** HTTP status; `undefined` when no response arrived (connection lost, GOAWAY, timeout). */
  readonly status: number | undefined;
  /** The `FcmError` detail's `errorCode`, else the Google RPC `status` (e.g. `UNAUTHENTICATED`). */
  readonly errorCode?: string | undefined;
  /** The error `message`, or what went wrong with the connection when there was no response. */
  readonly message?: string | undefined;
  /** The raw `Retry-After` header, if any. */
  readonly retryAfter?: string | undefined;
}

/**
 * `INVALID_ARGUMENT` also covers a malformed registration token; FCM then says so in the message
 * ("The registration token is not a valid FCM registration token").
 */
const INVALID_TOKEN_MESSAGE = /registration token is not a valid/i;

/**
 * The classified FCM HTTP v1 error table (Firebase, "ErrorCode"): a failed `messages:send`, or the lack of a
 * response, as the neutral outcome the dispatcher acts on. Unknown codes fall back on the HTTP status.
 */
export function classifyFcmFailure(failure: FcmFailure, now = new Date()): FailedPushOutcome {
  const { status, errorCode } = failure;
  if (status === undefined) return connectionLost(failure.message ?? 'no response');
  const common = {
    reason: errorCode ? `${status} ${errorCode}` : String(status),
    httpStatus: status,
    retryAfterMs: parseRetryAfter(failure.retryAfter, now),
  };
  switch (errorCode ?? '') {
    case 'UNREGISTERED':
    case 'SENDER_ID_MISMATCH':
      return failedOutcome({ ...common, disposition: 'prune' });
    case 'INVALID_ARGUMENT':
      return INVALID_TOKEN_MESSAGE.test(failure.message ?? '')
        ? failedOutcome({ ...common, reason: `${common.reason} (invalid registration token)`, disposition: 'prune' })
        : failedOutcome({ ...common, disposition: 'reject' });
    case 'QUOTA_EXCEEDED':
    case 'RESOURCE_EXHAUSTED':
    case 'UNAVAILABLE':
    case 'INTERNAL':
      return failedOutcome({ ...common, disposition: 'retry' });
    case 'THIRD_PARTY_AUTH_ERROR':
    case 'APNS_AUTH_ERROR':
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return failedOutcome({ ...common, disposition: 'credential' });
    default:
      return failedOutcome({ ...common, disposition: dispositionOfStatus(status) });
  }
}

/**
 * For `UNSPECIFIED_ERROR` and codes this table does not know. A bare 404 is rejected, not pruned: without
 * `UNREGISTERED` it more likely means a wrong project than a dead token, and pruning cannot be undone.
 */
function dispositionOfStatus(status: number): FailedPushOutcome['disposition'] {
  if (status === 401 || status === 403) return 'credential';
  if (status === 408 || status === 429 || status >= 500) return 'retry';
  return 'reject';
}

/** The parts of a Google API error body that classify it; tolerant of bodies that are not JSON (a proxy's HTML). */
export function parseFcmErrorBody(body: string): { errorCode: string | undefined; message: string | undefined } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { errorCode: undefined, message: body.slice(0, 200) || undefined };
  }
  const error = field(parsed, 'error');
  const details = field(error, 'details');
  const fcmError = Array.isArray(details)
    ? (details as unknown[]).find((detail) =>
        String(field(detail, '@type')).endsWith('google.firebase.fcm.v1.FcmError'),
      )
    : undefined;
  return {
    errorCode: stringField(fcmError, 'errorCode') ?? stringField(error, 'status'),
    message: stringField(error, 'message'),
  };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === 'string' && found !== '' ? found : undefined;
}
