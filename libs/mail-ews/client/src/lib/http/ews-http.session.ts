import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { Agent } from 'undici';
import { EwsError, type EwsConnection } from '../ews-api.port';
import { MsalNetworkClient } from './msal-network.client';
import { NtlmConnection } from './ntlm.connection';
import { ntlmCredentials } from './ntlm-credentials';
import { NtlmPool } from './ntlm.pool';
import { OAuthTokenSource } from './oauth-token.source';
import type { WireRequest, WireResponse } from './wire-request';

export interface EwsHttpSessionSettings {
  /** Signed-in NTLM sockets kept per origin (streams aside). */
  readonly ntlmConnectionsPerOrigin: number;
  /** NTLM workstation name; `undefined`: the host name. */
  readonly workstation: string | undefined;
  readonly tokenTimeoutMs: number;
}

/**
 * What one mail connection needs for HTTP, built once and kept: the secure context (Node's roots plus `caPem`;
 * building it per request would parse ~145 roots on every handshake), an undici Agent for Basic, OAuth and
 * unauthenticated calls, NTLM pools per origin, and the OAuth token source.
 */
export class EwsHttpSession {
  private readonly secureContext: SecureContext | undefined;
  private readonly agent: Agent;
  private readonly pools = new Map<string, NtlmPool>();
  private readonly tokens: OAuthTokenSource | undefined;

  constructor(
    readonly connection: EwsConnection,
    /** Identifies the connection's settings: a changed connection gets a new session. */
    readonly fingerprint: string,
    private readonly settings: EwsHttpSessionSettings,
  ) {
    this.secureContext =
      connection.caPem === undefined ? undefined : createSecureContext({ ca: [...rootCertificates, connection.caPem] });
    this.agent = new Agent(this.secureContext === undefined ? {} : { connect: { secureContext: this.secureContext } });
    const { auth } = connection;
    this.tokens =
      auth.kind === 'oauth'
        ? new OAuthTokenSource(connection.id, auth, new MsalNetworkClient(this.agent, settings.tokenTimeoutMs))
        : undefined;
  }

  /**
   * Sends one request, signed in as the connection when `authenticate`. An authenticated request that still
   * ends in 401 (after the NTLM handshake, after one OAuth refresh) is an `EwsError` of kind `auth`.
   * `dedicated`: a long-lived request, which gets an NTLM socket of its own.
   */
  async dispatch(
    url: URL,
    request: WireRequest,
    authenticate: boolean,
    dedicated: boolean,
    what: string,
  ): Promise<WireResponse> {
    const { auth } = this.connection;
    if (!authenticate) return this.viaAgent(url, request);
    switch (auth.kind) {
      case 'basic': {
        const credentials = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
        return this.refuse401(await this.viaAgent(url, withAuthorization(request, `Basic ${credentials}`)), what);
      }
      case 'oauth':
        return this.viaOAuth(url, request, what);
      case 'ntlm':
        return this.viaNtlm(url, request, dedicated, what);
    }
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all([...pools.map((pool) => pool.close()), this.agent.destroy().catch(() => undefined)]);
  }

  private async viaAgent(url: URL, request: WireRequest): Promise<WireResponse> {
    const response = await this.agent.request({ origin: url.origin, ...request });
    return { response, done: () => undefined };
  }

  private async viaOAuth(url: URL, request: WireRequest, what: string): Promise<WireResponse> {
    const tokens = this.tokens;
    if (tokens === undefined) throw new EwsError('auth', `${what}: connection ${this.connection.id} has no OAuth`);
    const first = await tokens.token();
    const answer = await this.viaAgent(url, withAuthorization(request, `Bearer ${first}`));
    if (answer.response.statusCode !== 401) return answer;
    await answer.response.body.dump();
    const second = await tokens.token(first);
    return this.refuse401(await this.viaAgent(url, withAuthorization(request, `Bearer ${second}`)), what);
  }

  private async viaNtlm(url: URL, request: WireRequest, dedicated: boolean, what: string): Promise<WireResponse> {
    const pool = this.pool(url.origin);
    const connection = dedicated ? pool.dedicated() : await pool.acquire(request.signal);
    const done = (reusable: boolean): void => {
      if (dedicated) pool.drop(connection);
      else pool.release(connection, reusable);
    };
    try {
      return { response: await connection.request(request, what), done };
    } catch (error) {
      done(false);
      throw error;
    }
  }

  private pool(origin: string): NtlmPool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      const { auth } = this.connection;
      if (auth.kind !== 'ntlm') throw new Error('NTLM pool for a connection without NTLM');
      const credentials = ntlmCredentials(auth.username, auth.password);
      pool = new NtlmPool(
        () => new NtlmConnection(origin, this.secureContext, credentials, this.settings.workstation),
        this.settings.ntlmConnectionsPerOrigin,
      );
      this.pools.set(origin, pool);
    }
    return pool;
  }

  private async refuse401(answer: WireResponse, what: string): Promise<WireResponse> {
    if (answer.response.statusCode !== 401) return answer;
    await answer.response.body.dump();
    answer.done(true);
    throw new EwsError('auth', `${what}: ${this.connection.auth.kind} sign-in refused (401)`, { httpStatus: 401 });
  }
}

function withAuthorization(request: WireRequest, authorization: string): WireRequest {
  return { ...request, headers: { ...request.headers, authorization } };
}
