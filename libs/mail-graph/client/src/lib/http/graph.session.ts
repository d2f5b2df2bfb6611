import { createSecureContext, rootCertificates } from 'node:tls';
import {
  AuthenticationHandler,
  AuthenticationHandlerOptions,
  Client,
  ResponseType,
  TelemetryHandler,
  type FetchOptions,
  type GraphRequest,
} from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import { MsalTokenSource } from '../auth/msal-token.source';
import { UndiciNetworkClient } from '../auth/undici-network.client';
import { GraphRequestError, type GraphConnection } from '../graph-mail-api.port';
import { errorFromNetwork } from './graph-error.mapper';
import { FetchHandler } from './fetch.handler';

/** One Graph request: a path under the version (`/users/...`), or an absolute link Graph gave. */
export interface GraphCall {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Graph's answer, whatever its status. */
export interface GraphReply {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON; the text when it is not JSON; `undefined` when empty. */
  readonly body: unknown;
}

export interface GraphSessionSettings {
  readonly requestTimeoutMs: number;
}

/** Every request carries the token it was given; the handler's own provider is never asked. */
const NO_DEFAULT_TOKEN = {
  getAccessToken: (): Promise<string> => Promise.reject(new Error('a Graph request was sent without its token')),
};

/**
 * What one connection needs to talk to Graph, built once and kept: an undici Agent (its connections, and the
 * connection's CA trusted besides Node's roots) shared by MSAL and graph-client, MSAL's token source, and a
 * graph-client `Client` whose middleware is authentication, telemetry and fetch only: retries, throttling and
 * redirects are the adapter's, so that they follow mailpush's rules (attempt limits, per-mailbox slots).
 */
export class GraphSession {
  readonly origin: string;
  readonly tokens: MsalTokenSource;
  private readonly agent: Agent;
  private readonly client: Client;

  constructor(
    readonly connection: GraphConnection,
    /** Identifies the connection's settings: a changed row gets a new session. */
    readonly fingerprint: string,
    private readonly settings: GraphSessionSettings,
  ) {
    this.agent = new Agent(
      // One secure context for every connection: given as `ca`, Node would parse the ~145 roots on each handshake.
      connection.caPem === undefined
        ? {}
        : { connect: { secureContext: createSecureContext({ ca: [...rootCertificates, connection.caPem] }) } },
    );
    this.tokens = new MsalTokenSource(connection, new UndiciNetworkClient(this.agent, settings.requestTimeoutMs));
    const baseUrl = new URL(connection.baseUrl);
    this.origin = baseUrl.origin;
    this.client = Client.initWithMiddleware({
      middleware: [new AuthenticationHandler(NO_DEFAULT_TOKEN), new TelemetryHandler(), new FetchHandler()],
      baseUrl: connection.baseUrl.replace(/\/+$/, ''),
      defaultVersion: 'v1.0',
      // Without its host here graph-client silently sends no Authorization header (graph.microsoft.com aside).
      customHosts: new Set([baseUrl.hostname]),
      // A redirect is answered, not followed: the token must not travel to wherever Graph points.
      fetchOptions: { dispatcher: this.agent, redirect: 'manual' } as FetchOptions,
    });
  }

  /** Sends `call` with `token`; resolves with any status, rejects (`unavailable`) only when no answer came. */
  async send(call: GraphCall, token: string, request: string): Promise<GraphReply> {
    let response: Response;
    try {
      let graphRequest: GraphRequest = this.client
        .api(call.path)
        .responseType(ResponseType.RAW)
        .middlewareOptions([new AuthenticationHandlerOptions({ getAccessToken: () => Promise.resolve(token) })])
        .option('signal', AbortSignal.timeout(this.settings.requestTimeoutMs));
      if (call.headers !== undefined) graphRequest = graphRequest.headers(call.headers);
      response = (await this.dispatch(graphRequest, call)) as Response;
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: parseBody(text) };
    } catch (error) {
      if (error instanceof GraphRequestError) throw error;
      throw errorFromNetwork(request, error);
    }
  }

  /** Lets requests in flight finish, then closes the connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private dispatch(request: GraphRequest, call: GraphCall): Promise<unknown> {
    switch (call.method) {
      case 'GET':
        return request.get();
      case 'POST':
        return request.post(call.body);
      case 'PATCH':
        return request.patch(call.body);
      case 'DELETE':
        return request.delete();
    }
  }
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
