import { Logger, type LoggerService } from '@nestjs/common';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';
import type { FcmCredential } from '../port/push-credential';
import { postForm, type FormResponse } from './post-form';

export interface FcmAccessTokenSourceOptions {
  readonly credential: FcmCredential;
  /** Overrides the service account's `token_uri` (simulators, proxies). */
  readonly tokenUrl?: string | undefined;
  /** Extra trusted CA (PEM) for the token endpoint. */
  readonly caPem?: string | undefined;
  readonly logger?: LoggerService;
  /** Wall clock in milliseconds; injected by tests that move time. */
  readonly now?: () => number;
  /** Attempts per token request when the endpoint fails transiently (network, 408, 429, 5xx). Default 3. */
  readonly maxAttempts?: number;
  /** First retry delay; doubles per attempt, with jitter. Default 500 ms. */
  readonly retryDelayMs?: number;
  readonly requestTimeoutMs?: number;
}

/** Why no access token could be had. `transient`: the endpoint failed; otherwise it refused the credential. */
export class FcmAccessTokenError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'FcmAccessTokenError';
  }
}

export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ASSERTION_LIFETIME_S = 3600;
/** A token is replaced this long before Google says it expires, so no request carries one that dies on the way. */
const REFRESH_MARGIN_MS = 5 * 60_000;

interface CachedToken {
  readonly value: string;
  readonly refreshAt: number;
}

/**
 * OAuth 2.0 access tokens for FCM HTTP v1 from a service account: the JWT bearer grant (RFC 7523) that Google's
 * libraries use, signed RS256 with the account's key and posted to its `token_uri` (or `tokenUrl`), so that the
 * simulator and production run the same code. The token is cached until 5 minutes before it expires; concurrent
 * callers share one request (single flight); transient failures are retried with backoff.
 */
export class FcmAccessTokenSource {
  private readonly tokenUrl: string;
  private readonly logger: LoggerService;
  private readonly now: () => number;
  private key: Promise<CryptoKey> | undefined;
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: FcmAccessTokenSourceOptions) {
    this.tokenUrl = options.tokenUrl ?? options.credential.tokenUri;
    this.logger = options.logger ?? new Logger(FcmAccessTokenSource.name);
    this.now = options.now ?? Date.now;
  }

  async getAccessToken(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.value;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets `token` (FCM said UNAUTHENTICATED with it), so that the next call fetches a new one. */
  invalidate(token: string): void {
    if (this.cached?.value === token) this.cached = undefined;
  }

  private async fetchToken(): Promise<string> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    for (let attempt = 1; ; attempt += 1) {
      try {
        const token = await this.requestToken();
        this.cached = token;
        return token.value;
      } catch (error) {
        const transient = !(error instanceof FcmAccessTokenError) || error.transient;
        if (!transient || attempt >= maxAttempts) throw asTokenError(error);
        const delayMs = (this.options.retryDelayMs ?? 500) * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
        this.logger.warn(`FCM token request failed (attempt ${attempt}), retrying: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async requestToken(): Promise<CachedToken> {
    const issuedAt = this.now();
    const response = await postForm(
      this.tokenUrl,
      { grant_type: JWT_BEARER_GRANT, assertion: await this.assertion(issuedAt) },
      { caPem: this.options.caPem, timeoutMs: this.options.requestTimeoutMs ?? 10_000 },
    );
    if (response.status !== 200) throw refused(response);
    const { accessToken, expiresInS } = parseTokenResponse(response.body);
    // A token shorter-lived than twice the margin (never so from Google) is used for half its life.
    const usableMs = Math.max(expiresInS * 1000 - REFRESH_MARGIN_MS, (expiresInS * 1000) / 2);
    return { value: accessToken, refreshAt: issuedAt + usableMs };
  }

  private async assertion(issuedAtMs: number): Promise<string> {
    const { credential } = this.options;
    this.key ??= importPKCS8(credential.privateKeyPem, 'RS256').catch((error: unknown) => {
      throw new FcmAccessTokenError(`private_key is not an RS256 key: ${(error as Error).message}`, false);
    });
    const iat = Math.floor(issuedAtMs / 1000);
    return new SignJWT({ scope: FCM_SCOPE })
      .setProtectedHeader({
        alg: 'RS256',
        typ: 'JWT',
        ...(credential.privateKeyId ? { kid: credential.privateKeyId } : {}),
      })
      .setIssuer(credential.clientEmail)
      .setAudience(this.tokenUrl)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_LIFETIME_S)
      .sign(await this.key);
  }
}

function refused(response: FormResponse): FcmAccessTokenError {
  const transient = response.status === 408 || response.status === 429 || response.status >= 500;
  let detail = '';
  try {
    const body = JSON.parse(response.body) as { error?: unknown; error_description?: unknown };
    detail = [body.error, body.error_description].filter((part) => typeof part === 'string').join(': ');
  } catch {
    detail = response.body.slice(0, 200);
  }
  return new FcmAccessTokenError(
    `token endpoint answered ${response.status}${detail ? ` (${detail})` : ''}`,
    transient,
  );
}

function parseTokenResponse(body: string): { accessToken: string; expiresInS: number } {
  let parsed: { access_token?: unknown; expires_in?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    throw new FcmAccessTokenError('token endpoint answered 200 with a body that is not JSON', true);
  }
  const expiresInS = Number(parsed.expires_in);
  if (typeof parsed.access_token !== 'string' || parsed.access_token === '' || !(expiresInS > 0)) {
    throw new FcmAccessTokenError('token endpoint answered 200 without access_token and expires_in', true);
  }
  return { accessToken: parsed.access_token, expiresInS };
}

function asTokenError(error: unknown): FcmAccessTokenError {
  if (error instanceof FcmAccessTokenError) return error;
  return new FcmAccessTokenError(`token endpoint unreachable: ${(error as Error).message}`, true);
}
