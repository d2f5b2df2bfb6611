import { randomUUID } from 'node:crypto';

/** A Graph response before it is written: the same value answers a direct request and a `$batch` step. */
export interface GraphAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON-serialisable; `undefined` for 204. */
  readonly body?: unknown;
}

/** Graph's error shape: `{ error: { code, message, innerError } }`. */
export function graphError(
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): GraphAnswer {
  const innerError = { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID() };
  return { status, headers, body: { error: { code, message, innerError } } };
}

export function ok(body: unknown, status = 200): GraphAnswer {
  return { status, body };
}

/** Keeps only the `$select`ed properties (plus `id` and OData annotations, as Graph does). */
export function selectProperties(item: object, select: string | null): Record<string, unknown> {
  if (select === null || select.trim() === '') return { ...item };
  const wanted = new Set(select.split(',').map((name) => name.trim().toLowerCase()));
  return Object.fromEntries(
    Object.entries(item).filter(([key]) => key === 'id' || key.startsWith('@odata.') || wanted.has(key.toLowerCase())),
  );
}
