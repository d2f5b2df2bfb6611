import type { DeadLetter } from '../port/event-bus.port';

/** Message headers: string keys, values as AMQP carries them (strings and numbers here). */
export type MessageHeaders = Readonly<Record<string, unknown>>;

/** Failed tries so far; absent on the first delivery. */
export const ATTEMPT_HEADER = 'x-mailpush-attempt';
export const FIRST_FAILED_AT_HEADER = 'x-mailpush-first-failed-at';
export const LAST_ERROR_HEADER = 'x-mailpush-last-error';
export const FAILURE_REASON_HEADER = 'x-mailpush-failure-reason';
export const ATTEMPTS_HEADER = 'x-mailpush-attempts';
export const ORIGINAL_TYPE_HEADER = 'x-mailpush-original-type';
export const DEAD_LETTERED_AT_HEADER = 'x-mailpush-dead-lettered-at';
export const GROUP_HEADER = 'x-mailpush-group';
export const REPLAYED_AT_HEADER = 'x-mailpush-replayed-at';

const FAILURE_HEADERS = [
  ATTEMPT_HEADER,
  FIRST_FAILED_AT_HEADER,
  LAST_ERROR_HEADER,
  FAILURE_REASON_HEADER,
  ATTEMPTS_HEADER,
  ORIGINAL_TYPE_HEADER,
  DEAD_LETTERED_AT_HEADER,
  GROUP_HEADER,
];

/** Headers the broker manages; copying them into a new message would misreport its history. */
const BROKER_HEADERS = /^x-(death|delivery-count|first-death-.*|last-death-.*)$/;

/** AMQP header tables are limited to 64 KiB in all; an error message has no business being longer than this. */
const MAX_REASON_LENGTH = 1000;

export function truncateReason(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : `${reason.slice(0, MAX_REASON_LENGTH - 1)}…`;
}

export function readString(headers: MessageHeaders, name: string): string | undefined {
  const value = headers[name];
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

export function readCount(headers: MessageHeaders, name: string): number {
  const value = headers[name];
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(n) && n > 0 ? n : 0;
}

function withoutBrokerHeaders(headers: MessageHeaders): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!BROKER_HEADERS.test(name)) copy[name] = value;
  }
  return copy;
}

/** Headers of the copy that waits in a retry queue: the original's, plus the failure count and last error. */
export function retryHeaders(
  headers: MessageHeaders,
  failures: number,
  reason: string,
  now: Date,
): Record<string, unknown> {
  return {
    ...withoutBrokerHeaders(headers),
    [ATTEMPT_HEADER]: failures,
    [FIRST_FAILED_AT_HEADER]: readString(headers, FIRST_FAILED_AT_HEADER) ?? now.toISOString(),
    [LAST_ERROR_HEADER]: truncateReason(reason),
  };
}

/** Headers of a dead letter: why, after how many tries, what it was and when it first and last failed. */
export function deadLetterHeaders(
  headers: MessageHeaders,
  details: { readonly group: string; readonly type: string; readonly attempts: number; readonly reason: string },
  now: Date,
): Record<string, unknown> {
  return {
    ...withoutBrokerHeaders(headers),
    [FAILURE_REASON_HEADER]: truncateReason(details.reason),
    [ATTEMPTS_HEADER]: details.attempts,
    [ORIGINAL_TYPE_HEADER]: details.type,
    [FIRST_FAILED_AT_HEADER]: readString(headers, FIRST_FAILED_AT_HEADER) ?? now.toISOString(),
    [DEAD_LETTERED_AT_HEADER]: now.toISOString(),
    [GROUP_HEADER]: details.group,
  };
}

/** Headers of a replayed dead letter: the original's (trace context included), failure history dropped. */
export function replayHeaders(headers: MessageHeaders, now: Date): Record<string, unknown> {
  const copy = withoutBrokerHeaders(headers);
  for (const name of FAILURE_HEADERS) delete copy[name];
  copy[REPLAYED_AT_HEADER] = now.toISOString();
  return copy;
}

interface DeathRecord {
  readonly reason?: unknown;
  readonly queue?: unknown;
}

/** Reads a stored dead letter back. Also understands ones the broker dead-lettered itself (delivery limit). */
export function readDeadLetter(group: string, body: Buffer, headers: MessageHeaders): DeadLetter {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON: the reason header says so; id and payload stay empty.
  }
  const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const deaths = Array.isArray(headers['x-death']) ? (headers['x-death'] as DeathRecord[]) : [];
  const brokerDeath = deaths.find((d) => d.reason === 'delivery_limit' || d.reason === 'rejected');
  const brokerReason =
    brokerDeath === undefined
      ? undefined
      : `dead-lettered by the broker (${String(brokerDeath.reason)} on ${String(brokerDeath.queue)}): the consumer ` +
        'lost its connection before acknowledging too many times';
  return {
    id: str(parsed['id']) ?? '',
    type: readString(headers, ORIGINAL_TYPE_HEADER) ?? str(parsed['type']) ?? 'unknown',
    version: typeof parsed['version'] === 'number' ? parsed['version'] : undefined,
    group,
    reason: readString(headers, FAILURE_REASON_HEADER) ?? brokerReason ?? 'unknown',
    attempts: readCount(headers, ATTEMPTS_HEADER) || readCount(headers, 'x-delivery-count'),
    firstFailedAt: readString(headers, FIRST_FAILED_AT_HEADER),
    deadLetteredAt: readString(headers, DEAD_LETTERED_AT_HEADER),
    occurredAt: str(parsed['occurredAt']),
    payload: parsed['payload'],
  };
}
