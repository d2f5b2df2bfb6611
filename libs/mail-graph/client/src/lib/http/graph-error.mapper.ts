import { AuthError, ServerError } from '@azure/msal-node';
import { GraphRequestError, type GraphErrorKind } from '../graph-mail-api.port';

/** Graph's messages are short; anything longer is not Graph's and is cut. */
const MAX_DETAIL_CHARS = 300;
/** MSAL error codes that mean the identity platform could not be reached, not that it refused. */
const UNREACHABLE_CODES = new Set(['network_error', 'endpoints_resolution_error', 'openid_config_error']);

/** The port's kind for an HTTP status; 503 with `Retry-After` is throttling, as Graph documents it. */
export function kindOfStatus(status: number, retryAfterMs: number | undefined): GraphErrorKind {
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) return 'throttled';
  if (status === 404) return 'not-found';
  if (status === 410) return 'gone';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408 || status >= 500) return 'unavailable';
  return 'invalid';
}

/** `code` and `message` of Graph's `{ error: { code, message } }`; nothing for any other body. */
export function graphErrorDetail(body: unknown): { readonly code?: string; readonly message?: string } {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message: clip(message) } : {}),
  };
}

/**
 * The error for a Graph answer that is not a success: `request` names it (method and path, never the query, which
 * may hold delta tokens), then the status and Graph's code and message.
 */
export function errorFromResponse(
  request: string,
  status: number,
  body: unknown,
  retryAfterMs: number | undefined,
): GraphRequestError {
  const { code, message } = graphErrorDetail(body);
  const detail = code === undefined ? '' : ` ${code}${message === undefined ? '' : `: ${message}`}`;
  return new GraphRequestError(
    kindOfStatus(status, retryAfterMs),
    `${request} answered ${status}${detail}`,
    status,
    code,
    retryAfterMs,
  );
}

/** No answer at all (refused connection, TLS failure, timeout): worth retrying. */
export function errorFromNetwork(request: string, cause: unknown): GraphRequestError {
  return new GraphRequestError('unavailable', `${request} failed: ${describe(cause)}`, undefined, undefined, undefined);
}

/**
 * Why MSAL could not give a token, for connection `connectionId`: refused (`auth`: fix the credential), or the
 * identity platform unreachable or failing (`unavailable`, also while MSAL holds back after its 429 or 5xx).
 */
export function errorFromTokenFailure(
  connectionId: string,
  error: unknown,
  /** What the network client saw last, for MSAL errors that hide their cause. */
  networkFailure?: string,
): GraphRequestError {
  if (error instanceof GraphRequestError) return error;
  const what = `token request for connection ${connectionId}`;
  if (error instanceof ServerError) {
    const status = typeof error.status === 'number' ? error.status : undefined;
    const kind: GraphErrorKind =
      status === undefined || status >= 500 ? 'unavailable' : status === 429 ? 'throttled' : 'auth';
    const detail = `${error.errorCode}: ${aadDescription(error.errorMessage)}`;
    return new GraphRequestError(
      kind,
      `${what} refused (${status ?? 'held back'}): ${detail}`,
      status,
      error.errorCode,
      undefined,
    );
  }
  if (error instanceof AuthError) {
    const unreachable = UNREACHABLE_CODES.has(error.errorCode);
    // MSAL's own text for these is a link to its error list; what the network said is more use.
    const detail = unreachable && networkFailure !== undefined ? networkFailure : clip(error.errorMessage);
    return new GraphRequestError(
      unreachable ? 'unavailable' : 'auth',
      `${what} failed: ${error.errorCode}: ${detail}`,
      undefined,
      error.errorCode,
      undefined,
    );
  }
  return new GraphRequestError('unavailable', `${what} failed: ${describe(error)}`, undefined, undefined, undefined);
}

/** MSAL's `Error(s): ... - Description: AADSTS...: text - Correlation ID: ...` → the AADSTS line. */
function aadDescription(errorMessage: string): string {
  const match = /Description: (.*?)(?: - Correlation ID:|$)/s.exec(errorMessage);
  return clip((match?.[1] ?? errorMessage).split(/\r?\n/)[0] ?? '');
}

/**
 * An error's message and its chain of causes (`fetch failed` alone says nothing). Errors are recognised by shape:
 * Node's own (TLS, sockets) come from another realm under Jest, where `instanceof Error` does not hold.
 */
export function describe(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined && current !== null; depth += 1) {
    const { message, code, cause } = current as { message?: unknown; code?: unknown; cause?: unknown };
    if (typeof message !== 'string') {
      parts.push(String(current));
      break;
    }
    parts.push(typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message);
    current = cause;
  }
  return clip(parts.filter((part) => part !== '').join(': ') || 'unknown error');
}

function clip(text: string): string {
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}
