import type { Dispatcher } from 'undici';
import { EwsError } from '../ews-api.port';

/** One request as undici is given it: the path on an origin the dispatcher already knows. */
export interface WireRequest {
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly signal: AbortSignal;
  /** 0 for a streaming body: its silence is the caller's watchdog's business. */
  readonly bodyTimeout: number;
}

/** A response whose body must be read to the end (or the stream aborted) before `done` is called. */
export interface WireResponse {
  readonly response: Dispatcher.ResponseData;
  /** `reusable`: the body was read to its end, so the socket (and its NTLM sign-in) may serve another request. */
  done(reusable: boolean): void;
}

/** `method url` without the query, for messages. */
export function describeRequest(method: string, url: URL): string {
  return `${method} ${url.origin}${url.pathname}`;
}

/** A failure of undici (refused connection, TLS, reset, abort) as an `EwsError`. */
export function transportError(what: string, cause: unknown): EwsError {
  if (cause instanceof EwsError) return cause;
  return new EwsError('unavailable', `${what} failed: ${describeCause(cause)}`, { cause });
}

/** A short text for an error and its causes (undici hides the socket error in `cause`). */
export function describeCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.filter((part) => part !== '').join(': ') || 'unknown error';
}

/** Lower-case names, every value an array (`set-cookie` repeats). */
export function responseHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, readonly string[]> {
  const result: Record<string, readonly string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value : [value];
  }
  return result;
}
