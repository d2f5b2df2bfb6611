import { ConfidentialClientApplication, ServerError } from '@azure/msal-node';
import { EwsError, type EwsAuth } from '../ews-api.port';
import type { MsalNetworkClient } from './msal-network.client';

type OAuth = Extract<EwsAuth, { kind: 'oauth' }>;

/** EWS app-only scope (`full_access_as_app`). */
export const DEFAULT_EWS_SCOPE = 'https://outlook.office365.com/.default';

/**
 * App-only tokens for one connection from MSAL (cached until 5 minutes before expiry). Concurrent callers share
 * one token request; after a 401 one forced refresh is shared by every caller that held the refused token.
 */
export class OAuthTokenSource {
  private readonly app: ConfidentialClientApplication;
  private readonly scope: string;
  private acquiring: Promise<string> | undefined;
  private refreshing: Promise<string> | undefined;
  private latest: string | undefined;

  constructor(
    private readonly connectionId: string,
    auth: OAuth,
    private readonly networkClient: MsalNetworkClient,
  ) {
    let host: URL | undefined;
    try {
      host = new URL(auth.authorityHost);
    } catch {
      host = undefined;
    }
    if (host?.protocol !== 'https:') {
      throw new EwsError('auth', `connection ${connectionId}: authorityHost must be an https URL`);
    }
    this.scope = auth.scope ?? DEFAULT_EWS_SCOPE;
    this.app = new ConfidentialClientApplication({
      auth: {
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        authority: `${host.origin}${host.pathname.replace(/\/+$/, '')}/${encodeURIComponent(auth.tenantId)}`,
        // Trusted as it is: no instance discovery at login.microsoftonline.com.
        knownAuthorities: [host.host],
      },
      system: { networkClient },
    });
  }

  /** A bearer token; `refused`: the token EWS has just answered 401 to, replaced past MSAL's cache. */
  token(refused?: string): Promise<string> {
    if (refused !== undefined && refused === this.latest) {
      this.refreshing ??= this.shared(this.acquire(true), () => (this.refreshing = undefined));
      return this.refreshing;
    }
    if (this.refreshing !== undefined) return this.refreshing;
    this.acquiring ??= this.shared(this.acquire(false), () => (this.acquiring = undefined));
    return this.acquiring;
  }

  private shared(promise: Promise<string>, clear: () => void): Promise<string> {
    promise.then(clear, clear);
    return promise;
  }

  private async acquire(skipCache: boolean): Promise<string> {
    const what = `token request for connection ${this.connectionId}`;
    let accessToken: string | undefined;
    try {
      const result = await this.app.acquireTokenByClientCredential({ scopes: [this.scope], skipCache });
      accessToken = result?.accessToken;
    } catch (error) {
      if (
        error instanceof ServerError &&
        typeof error.status === 'number' &&
        error.status < 500 &&
        error.status !== 429
      ) {
        throw new EwsError('auth', `${what} refused (${error.status}): ${error.errorCode}`, {
          httpStatus: error.status,
          cause: error,
        });
      }
      const reason = this.networkClient.lastFailure ?? (error instanceof Error ? error.message : String(error));
      throw new EwsError('unavailable', `${what} failed: ${reason}`, { cause: error });
    }
    if (accessToken === undefined || accessToken === '') throw new EwsError('auth', `${what} gave no access token`);
    this.latest = accessToken;
    return accessToken;
  }
}
