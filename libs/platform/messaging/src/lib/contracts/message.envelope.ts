import { randomUUID } from 'node:crypto';
import type { MessageContract } from './message.contract';

/**
 * What travels on the bus, as JSON: the message id (the idempotency key consumers de-duplicate on), the
 * contract's type and version, when the fact happened, and the payload.
 */
export interface MessageEnvelope<T = unknown> {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  /** ISO 8601, UTC. */
  readonly occurredAt: string;
  readonly payload: T;
}

export interface EnvelopeOptions {
  /** Message id; a stable one (e.g. mailbox + item + change kind) makes republishing idempotent. Default: a UUID. */
  readonly id?: string;
  /** When the fact happened. Default: now. */
  readonly occurredAt?: Date;
}

/** AMQP carries the message id as a short string. */
const MAX_ID_BYTES = 255;

/**
 * Validates the payload as the consumer will see it (after a JSON round trip, so a `Date` or `undefined`
 * that would not survive is caught here) and serialises the envelope.
 */
export function encodeEnvelope<T>(
  contract: MessageContract<T>,
  payload: T,
  options: EnvelopeOptions = {},
): { readonly envelope: MessageEnvelope<T>; readonly body: Buffer } {
  const id = options.id ?? randomUUID();
  if (id.length === 0 || Buffer.byteLength(id) > MAX_ID_BYTES) {
    throw new Error(`message id must be 1-${MAX_ID_BYTES} bytes (got ${Buffer.byteLength(id)})`);
  }
  const occurredAt = (options.occurredAt ?? new Date()).toISOString();
  const payloadJson = JSON.stringify(payload) as string | undefined;
  if (payloadJson === undefined) {
    throw new Error(`${contract.type}: the payload is not JSON-serialisable`);
  }
  contract.parse(JSON.parse(payloadJson));
  const head = JSON.stringify({ id, type: contract.type, version: contract.version, occurredAt });
  const body = Buffer.from(`${head.slice(0, -1)},"payload":${payloadJson}}`);
  return { envelope: { id, type: contract.type, version: contract.version, occurredAt, payload }, body };
}

/** Parses a message body into an envelope; throws with the reason when it is not one. */
export function decodeEnvelope(body: Buffer): MessageEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new Error(`body is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('body is not a JSON object');
  }
  const record = value as Record<string, unknown>;
  const { id, type, version, occurredAt } = record;
  if (typeof id !== 'string' || id.length === 0) throw new Error('envelope has no id');
  if (typeof type !== 'string' || type.length === 0) throw new Error('envelope has no type');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new Error('envelope has no valid version');
  }
  if (typeof occurredAt !== 'string' || Number.isNaN(Date.parse(occurredAt))) {
    throw new Error('envelope has no valid occurredAt');
  }
  if (!('payload' in record)) throw new Error('envelope has no payload');
  return { id, type, version, occurredAt, payload: record['payload'] };
}
