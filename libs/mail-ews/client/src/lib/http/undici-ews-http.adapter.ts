import { createHash } from 'node:crypto';
import { EwsError, type EwsConnection } from '../ews-api.port';
import { EwsHttp, type EwsHttpRequest, type EwsHttpResponse, type EwsHttpStreamingResponse } from './ews-http.port';
import { EwsHttpSession } from './ews-http.session';
import { describeRequest, responseHeaders, transportError, type WireRequest, type WireResponse } from './wire-request';

export interface UndiciEwsHttpSettings {
  /** Default for `EwsHttpRequest.timeoutMs`: 100 s. */
  readonly timeoutMs?: number;
  /** Signed-in NTLM sockets kept per connection and origin (streams aside); default 8. */
  readonly ntlmConnectionsPerOrigin?: number;
  /** NTLM workstation name; default the host name. */
  readonly workstation?: string;
}

const DEFAULT_TIMEOUT_MS = 100_000;

/**
 * `EwsHttp` over undici. Per connection id one session (secure context, Agent, NTLM pools, OAuth tokens), rebuilt
 * when the connection's auth or CA changes. Credentials never go to a plain `http:` URL.
 *
 * `timeoutMs` bounds the whole exchange for `send`, and the wait for the status and headers for `open` (a stream's
 * body lasts as long as the server keeps it; the caller watches its silence).
 */
export class UndiciEwsHttp extends EwsHttp {
  private readonly sessions = new Map<string, EwsHttpSession>();
  private closed = false;

  constructor(private readonly settings: UndiciEwsHttpSettings = {}) {
    super();
  }

  async send(connection: EwsConnection, request: EwsHttpRequest): Promise<EwsHttpResponse> {
    const { exchange, answer } = this.start(connection, request, false);
    try {
      const { response, done } = await answer;
      let body: string;
      try {
        body = await response.body.text();
      } catch (error) {
        done(false);
        throw error;
      }
      done(true);
      return { status: response.statusCode, headers: responseHeaders(response.headers), body };
    } catch (error) {
      throw exchange.failure(error);
    } finally {
      exchange.finish();
    }
  }

  async open(connection: EwsConnection, request: EwsHttpRequest): Promise<EwsHttpStreamingResponse> {
    const started = this.start(connection, request, true);
    const { exchange } = started;
    let answer: WireResponse;
    try {
      answer = await started.answer;
    } catch (error) {
      exchange.finish();
      throw exchange.failure(error);
    }
    // The headers are in: from here on only the caller (or `abort`) ends the stream.
    exchange.stopTimer();
    return {
      status: answer.response.statusCode,
      headers: responseHeaders(answer.response.headers),
      body: decodeBody(answer, exchange),
      abort: () => exchange.abort(),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((session) => session.close()));
  }

  private start(
    connection: EwsConnection,
    request: EwsHttpRequest,
    streaming: boolean,
  ): { exchange: Exchange; answer: Promise<WireResponse> } {
    const method = request.method ?? 'POST';
    const url = parseUrl(request.url);
    const what = describeRequest(method, url);
    const authenticate = request.authenticate ?? true;
    if (authenticate && url.protocol !== 'https:') {
      throw new EwsError('invalid-request', `${what}: credentials are only sent over https`);
    }
    if (this.closed) throw new EwsError('unavailable', `${what}: the EWS HTTP client is closed`);
    const exchange = new Exchange(
      what,
      request.timeoutMs ?? this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      request.signal,
    );
    const wire: WireRequest = {
      path: `${url.pathname}${url.search}`,
      method,
      headers: { ...request.headers },
      body: request.body,
      signal: exchange.signal,
      bodyTimeout: streaming ? 0 : exchange.timeoutMs,
    };
    let session: EwsHttpSession;
    try {
      session = this.session(connection);
    } catch (error) {
      exchange.finish();
      throw error;
    }
    return { exchange, answer: session.dispatch(url, wire, authenticate, streaming, what) };
  }

  private session(connection: EwsConnection): EwsHttpSession {
    const fingerprint = fingerprintOf(connection);
    const existing = this.sessions.get(connection.id);
    if (existing?.fingerprint === fingerprint) return existing;
    if (existing !== undefined) void existing.close();
    const session = new EwsHttpSession(connection, fingerprint, {
      ntlmConnectionsPerOrigin: this.settings.ntlmConnectionsPerOrigin ?? 8,
      workstation: this.settings.workstation,
      tokenTimeoutMs: this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    this.sessions.set(connection.id, session);
    return session;
  }
}

/** One request's abort plumbing: the caller's signal, the timeout and `abort()` end it through one controller. */
class Exchange {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private timedOut = false;
  private abortedByUs = false;
  private readonly onCallerAbort = (): void => this.controller.abort(this.callerSignal?.reason);

  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    if (callerSignal?.aborted === true) this.controller.abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Ended by `abort()` of the streaming response: its body then just ends. */
  get abortedLocally(): boolean {
    return this.abortedByUs;
  }

  abort(): void {
    this.abortedByUs = true;
    this.controller.abort(new Error('closed by the caller'));
  }

  stopTimer(): void {
    clearTimeout(this.timer);
  }

  finish(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  /** Any failure as an `EwsError`, saying whether it was the timeout or the caller that ended it. */
  failure(error: unknown): EwsError {
    if (error instanceof EwsError) return error;
    if (this.timedOut) {
      return new EwsError('unavailable', `${this.what} timed out after ${this.timeoutMs} ms`, { cause: error });
    }
    if (this.callerSignal?.aborted === true || this.abortedByUs) {
      return new EwsError('unavailable', `${this.what} was aborted`, { cause: error });
    }
    return transportError(this.what, error);
  }
}

/** The streamed body as UTF-8 text; a multibyte character split across chunks is held until it is whole. */
async function* decodeBody(answer: WireResponse, exchange: Exchange): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  let complete = false;
  try {
    for await (const chunk of answer.response.body as AsyncIterable<Buffer>) {
      const text = decoder.decode(chunk, { stream: true });
      if (text !== '') yield text;
    }
    const tail = decoder.decode();
    if (tail !== '') yield tail;
    complete = true;
  } catch (error) {
    if (!exchange.abortedLocally) throw exchange.failure(error);
  } finally {
    // Stopped early (`break`, `abort()`, an error): the request must not linger.
    if (!complete) exchange.abort();
    answer.done(complete);
    exchange.finish();
  }
}

function parseUrl(value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new EwsError('invalid-request', `not an http(s) URL: ${value}`);
  }
  return url;
}

/** Changes whenever anything that shapes the session changes; hashed, so no secret is kept in clear as a key. */
function fingerprintOf(connection: EwsConnection): string {
  return createHash('sha256')
    .update(JSON.stringify({ auth: connection.auth, caPem: connection.caPem ?? null }))
    .digest('hex');
}
