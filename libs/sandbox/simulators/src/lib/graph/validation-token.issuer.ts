import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/** The app Graph's change-notification tokens carry as `appid`: Graph's notification publisher. */
export const GRAPH_CHANGE_NOTIFICATION_PUBLISHER_ID = '0bf30f3b-4a52-48df-9a82-234910c4a086';
const TOKEN_LIFETIME_SECONDS = 3600;

/** Whom one validation token is for: the subscribing app in its tenant. */
export interface TokenAudience {
  readonly applicationId: string;
  readonly tenantId: string;
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

/**
 * Signs the `validationTokens` of notification posts with resource data, as the identity platform does for
 * Graph: RS256 with a key published at `{authority}/common/discovery/v2.0/keys`, `aud` the subscribing app,
 * `iss` `https://sts.windows.net/{tenantId}/`, `appid` Graph's publisher. The key is made on first use.
 */
export class ValidationTokenIssuer {
  private key: Promise<SigningKey> | undefined;

  /** The published key set; like Microsoft's, its keys name no `alg`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const key = await this.signingKey();
    return { keys: [key.publicJwk] };
  }

  /** One token per distinct app and tenant, in first-seen order. */
  async issue(audiences: readonly TokenAudience[]): Promise<string[]> {
    const key = await this.signingKey();
    const distinct = new Map<string, TokenAudience>();
    for (const audience of audiences) {
      distinct.set(`${audience.applicationId.toLowerCase()} ${audience.tenantId.toLowerCase()}`, audience);
    }
    const now = Math.floor(Date.now() / 1000);
    return Promise.all(
      [...distinct.values()].map(({ applicationId, tenantId }) => {
        const issuer = `https://sts.windows.net/${tenantId}/`;
        return new SignJWT({
          appid: GRAPH_CHANGE_NOTIFICATION_PUBLISHER_ID,
          appidacr: '2',
          idp: issuer,
          tid: tenantId,
          uti: randomBytes(16).toString('base64url'),
          ver: '1.0',
        })
          .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid })
          .setAudience(applicationId)
          .setIssuer(issuer)
          .setIssuedAt(now)
          .setNotBefore(now)
          .setExpirationTime(now + TOKEN_LIFETIME_SECONDS)
          .sign(key.privateKey);
      }),
    );
  }

  private signingKey(): Promise<SigningKey> {
    this.key ??= createSigningKey();
    return this.key;
  }
}

/** The v1 OpenID configuration (`/{tenant}/.well-known/openid-configuration`), whose issuer is sts.windows.net's. */
export function openIdConfigurationV1(authorityUrl: string, tenant: string): Record<string, unknown> {
  const base = `${authorityUrl}/${tenant}`;
  const issuerTenant = ['common', 'organizations', 'consumers'].includes(tenant.toLowerCase()) ? '{tenantid}' : tenant;
  return {
    issuer: `https://sts.windows.net/${issuerTenant}/`,
    token_endpoint: `${base}/oauth2/token`,
    authorization_endpoint: `${base}/oauth2/authorize`,
    jwks_uri: `${base}/discovery/keys`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    cloud_instance_name: 'microsoftonline.com',
  };
}

async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const { kty, n, e } = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint({ kty, n, e });
  return { kid, privateKey, publicJwk: { kty, use: 'sig', kid, n, e } };
}
