import type { EwsConnection } from '../ews-api.port';

export interface EwsHttpRequest {
  readonly url: string;
  /** Default `POST`. */
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Send the connection's credentials (NTLM, Basic or OAuth). Default true; never on plain `http:` URLs. */
  readonly authenticate?: boolean;
  /** Default false: a 3xx is returned as it is (Autodiscover validates redirects itself). */
  readonly followRedirects?: false;
  readonly signal?: AbortSignal;
  /** Milliseconds until the whole response must have arrived; default 100 s. */
  readonly timeoutMs?: number;
}

export interface EwsHttpResponse {
  readonly status: number;
  /** Lower-case header names; `set-cookie` may repeat, so values are arrays. */
  readonly headers: Readonly<Record<string, readonly string[]>>;
  readonly body: string;
}

/** A response whose body is read as it arrives (`GetStreamingEvents`). */
export interface EwsHttpStreamingResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, readonly string[]>>;
  /** The body as it arrives, UTF-8 text chunks split anywhere. */
  readonly body: AsyncIterable<string>;
  /** Ends the request now; the body iterable then ends. */
  abort(): void;
}

/**
 * HTTP for EWS and Autodiscover with the connection's authentication: NTLM (a handshake per TCP connection,
 * kept alive and reused), Basic, or an OAuth bearer token (client credentials, cached). Knows nothing of SOAP.
 */
export abstract class EwsHttp {
  abstract send(connection: EwsConnection, request: EwsHttpRequest): Promise<EwsHttpResponse>;

  /** Like `send`, with the body streamed; resolves once the status and headers arrived. */
  abstract open(connection: EwsConnection, request: EwsHttpRequest): Promise<EwsHttpStreamingResponse>;

  /** Closes every pooled connection. */
  abstract close(): Promise<void>;
}
