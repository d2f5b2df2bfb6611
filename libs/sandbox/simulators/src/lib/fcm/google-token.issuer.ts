import { randomBytes, type KeyObject } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
/** Scopes that allow `messages:send`. */
export const FCM_SCOPES: readonly string[] = [
  'https://www.googleapis.com/auth/firebase.messaging',
  'https://www.googleapis.com/auth/cloud-platform',
];
const ACCESS_TOKEN_SECONDS = 3599;
const MAX_ASSERTION_SECONDS = 3600;
/** Clock skew Google tolerates between the caller and itself. */
const SKEW_SECONDS = 300;
const TIME_ERROR =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

export interface ServiceAccountKey {
  readonly clientEmail: string;
  readonly projectId: string;
  readonly privateKeyId: string;
  readonly publicKey: KeyObject;
}

export interface IssuedAccessToken {
  readonly clientEmail: string;
  readonly projectId: string;
  readonly scopes: readonly string[];
  readonly expiresAtSeconds: number;
}

export type TokenExchange =
  | {
      readonly ok: true;
      readonly clientEmail: string;
      readonly scopes: readonly string[];
      readonly body: { access_token: string; expires_in: number; token_type: 'Bearer' };
    }
  | {
      readonly ok: false;
      readonly clientEmail: string;
      readonly scopes: readonly string[];
      readonly body: { error: string; error_description: string };
    };

/**
 * Google's OAuth 2.0 token endpoint for service accounts (RFC 7523 JWT bearer grant): verifies the RS256
 * assertion against the registered account's public key and hands out opaque access tokens.
 */
export class GoogleTokenIssuer {
  private readonly accounts = new Map<string, ServiceAccountKey>();
  private readonly tokens = new Map<string, IssuedAccessToken>();

  /** `tokenUrl` is the simulator's own endpoint; Google's real URL is accepted as `aud` too. */
  constructor(private readonly tokenUrl: string) {}

  register(account: ServiceAccountKey): void {
    this.accounts.set(account.clientEmail, account);
  }

  /** The token endpoint's answer for a form (or JSON) body with `grant_type` and `assertion`. */
  async exchange(params: Readonly<Record<string, string | undefined>>, nowSeconds: number): Promise<TokenExchange> {
    const grantType = params['grant_type'];
    const assertion = params['assertion'];
    if (grantType === undefined) return failure('', [], 'invalid_request', 'Missing required parameter: grant_type');
    if (grantType !== JWT_BEARER_GRANT) {
      return failure('', [], 'unsupported_grant_type', `Invalid grant_type: ${grantType}`);
    }
    if (assertion === undefined || assertion.length === 0) {
      return failure('', [], 'invalid_request', 'Missing required parameter: assertion');
    }

    let header: ReturnType<typeof decodeProtectedHeader>;
    let claims: ReturnType<typeof decodeJwt>;
    try {
      header = decodeProtectedHeader(assertion);
      claims = decodeJwt(assertion);
    } catch {
      return failure('', [], 'invalid_grant', 'Invalid JWT: could not be decoded.');
    }
    const clientEmail = typeof claims.iss === 'string' ? claims.iss : '';
    const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(/\s+/).filter(Boolean) : [];
    const fail = (error: string, description: string): TokenExchange =>
      failure(clientEmail, scopes, error, description);

    const account = this.accounts.get(clientEmail);
    if (account === undefined) return fail('invalid_grant', 'Invalid grant: account not found');
    if (header.alg !== 'RS256') return fail('invalid_grant', 'Invalid JWT Signature.');
    if (header.kid !== undefined && header.kid !== account.privateKeyId) {
      return fail('invalid_grant', 'Invalid JWT Signature.');
    }
    try {
      // Signature only: the time claims get Google's own messages below.
      await compactVerify(assertion, account.publicKey, { algorithms: ['RS256'] });
    } catch {
      return fail('invalid_grant', 'Invalid JWT Signature.');
    }
    const { iat, exp, aud } = claims;
    if (typeof iat !== 'number' || typeof exp !== 'number') return fail('invalid_grant', TIME_ERROR);
    if (exp - iat > MAX_ASSERTION_SECONDS || exp <= iat) return fail('invalid_grant', TIME_ERROR);
    if (iat > nowSeconds + SKEW_SECONDS || exp < nowSeconds - SKEW_SECONDS) return fail('invalid_grant', TIME_ERROR);
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.some((value) => value === this.tokenUrl || value === GOOGLE_TOKEN_URL)) {
      return fail('invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${this.tokenUrl}`);
    }
    if (scopes.length === 0) return fail('invalid_scope', 'Invalid OAuth scope or ID token audience provided.');

    const accessToken = `ya29.sandbox-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(accessToken, {
      clientEmail,
      projectId: account.projectId,
      scopes,
      expiresAtSeconds: nowSeconds + ACCESS_TOKEN_SECONDS,
    });
    return {
      ok: true,
      clientEmail,
      scopes,
      body: { access_token: accessToken, expires_in: ACCESS_TOKEN_SECONDS, token_type: 'Bearer' },
    };
  }

  /** The grant behind an access token; `expired` when it outlived its hour, `undefined` when never issued. */
  lookup(accessToken: string, nowSeconds: number): IssuedAccessToken | 'expired' | undefined {
    const issued = this.tokens.get(accessToken);
    if (issued === undefined) return undefined;
    return issued.expiresAtSeconds <= nowSeconds ? 'expired' : issued;
  }

  /** Makes every access token issued so far unusable (as if an hour had passed). */
  expireAccessTokens(): void {
    for (const [token, issued] of this.tokens) this.tokens.set(token, { ...issued, expiresAtSeconds: 0 });
  }
}

function failure(clientEmail: string, scopes: readonly string[], error: string, description: string): TokenExchange {
  return { ok: false, clientEmail, scopes, body: { error, error_description: description } };
}
