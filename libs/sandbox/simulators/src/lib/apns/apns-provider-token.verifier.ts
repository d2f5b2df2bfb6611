import { createPublicKey, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { ApnsRejection } from './apns-request.check';
import type { ApnsVerificationKey } from './apns-signing-key';

/** Apple rejects a provider token whose `iat` is more than an hour old. */
export const APNS_TOKEN_LIFETIME_SECONDS = 3600;

export interface ProviderTokenClaims {
  readonly kid: string;
  readonly iss: string;
  readonly iat: number;
}

export type ProviderTokenResult =
  | { readonly ok: true; readonly claims: ProviderTokenClaims; readonly allowedTopics: ReadonlySet<string> | undefined }
  | { readonly ok: false; readonly rejection: ApnsRejection; readonly claims: ProviderTokenClaims | undefined };

interface RegisteredKey {
  readonly teamId: string;
  readonly publicKey: KeyObject;
  readonly allowedTopics: ReadonlySet<string> | undefined;
}

/** Verifies `authorization: bearer <ES256 JWT>` as APNs does: signed by a registered key of the claimed team, fresh. */
export class ApnsProviderTokenVerifier {
  private readonly keys = new Map<string, RegisteredKey>();

  register(key: ApnsVerificationKey, topics: readonly string[] | undefined): void {
    const publicKey = createPublicKey(key.publicKeyPem);
    if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('publicKeyPem: must be a P-256 (ES256) public key');
    }
    this.keys.set(key.keyId, {
      teamId: key.teamId,
      publicKey,
      allowedTopics: topics === undefined ? undefined : new Set(topics),
    });
  }

  async verify(authorization: string | undefined, nowSeconds: number): Promise<ProviderTokenResult> {
    if (authorization === undefined || authorization.length === 0) return rejected('MissingProviderToken', undefined);
    const match = /^bearer\s+(\S+)$/i.exec(authorization);
    const jwt = match?.[1];
    if (jwt === undefined) return rejected('InvalidProviderToken', undefined);
    const claims = decodeClaims(jwt);
    if (claims === undefined) return rejected('InvalidProviderToken', undefined);

    const key = this.keys.get(claims.kid);
    if (key === undefined) return rejected('InvalidProviderToken', claims);
    try {
      await jwtVerify(jwt, key.publicKey, { algorithms: ['ES256'], issuer: key.teamId });
    } catch {
      return rejected('InvalidProviderToken', claims);
    }
    if (nowSeconds - claims.iat > APNS_TOKEN_LIFETIME_SECONDS) return rejected('ExpiredProviderToken', claims);
    return { ok: true, claims, allowedTopics: key.allowedTopics };
  }
}

function rejected(reason: string, claims: ProviderTokenClaims | undefined): ProviderTokenResult {
  return { ok: false, rejection: { status: 403, reason }, claims };
}

/** `kid`, `iss` and `iat` when the token decodes and carries all three with the right types; nothing is verified. */
export function decodeClaims(jwt: string): ProviderTokenClaims | undefined {
  try {
    const { kid } = decodeProtectedHeader(jwt);
    const { iss, iat } = decodeJwt(jwt);
    if (typeof kid !== 'string' || typeof iss !== 'string' || typeof iat !== 'number') return undefined;
    return { kid, iss, iat };
  } catch {
    return undefined;
  }
}
