import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { ConfidentialClientApplication, type NodeAuthOptions } from '@azure/msal-node';
import { GraphRequestError, type GraphConnection } from '../graph-mail-api.port';
import { errorFromTokenFailure } from '../http/graph-error.mapper';
import type { UndiciNetworkClient } from './undici-network.client';

/**
 * App-only tokens for one connection from MSAL's `ConfidentialClientApplication`, which caches a token until
 * 5 minutes before it expires. MSAL does not share a token request between concurrent callers, so this does:
 * callers that arrive while one is in flight get its result (or its failure), and a forced refresh after a 401
 * is made once for everyone holding the refused token.
 */
export class MsalTokenSource {
  private readonly app: ConfidentialClientApplication;
  private readonly scope: string;
  private acquiring: Promise<string> | undefined;
  private refreshing: Promise<string> | undefined;
  /** The token MSAL handed out last: a 401 with it means the cache must be skipped, with an older one it need not. */
  private latest: string | undefined;

  constructor(
    private readonly connection: GraphConnection,
    private readonly networkClient: UndiciNetworkClient,
  ) {
    const authorityHost = httpsUrl('authorityHost', connection.authorityHost);
    this.scope = `${httpsUrl('baseUrl', connection.baseUrl).origin}/.default`;
    this.app = new ConfidentialClientApplication({
      auth: {
        clientId: nonEmpty('clientId', connection.clientId),
        authority: `${authorityHost.origin}${authorityHost.pathname.replace(/\/+$/, '')}/${encodeURIComponent(nonEmpty('tenantId', connection.tenantId))}`,
        // A known authority is trusted as it is: no instance discovery at login.microsoftonline.com.
        knownAuthorities: [authorityHost.host],
        ...credentialOptions(connection),
      },
      system: { networkClient },
    });
  }

  /**
   * A bearer token for Graph. `refused`: the token Graph has just answered 401 to; a new one is fetched past
   * MSAL's cache unless another caller has already replaced it.
   */
  token(refused?: string): Promise<string> {
    if (refused !== undefined && refused === this.latest) {
      if (this.refreshing === undefined) {
        const refresh = this.acquire(true);
        this.refreshing = refresh;
        const clear = (): void => {
          if (this.refreshing === refresh) this.refreshing = undefined;
        };
        refresh.then(clear, clear);
      }
      return this.refreshing;
    }
    if (this.refreshing !== undefined) return this.refreshing;
    if (this.acquiring === undefined) {
      const acquire = this.acquire(false);
      this.acquiring = acquire;
      const clear = (): void => {
        if (this.acquiring === acquire) this.acquiring = undefined;
      };
      acquire.then(clear, clear);
    }
    return this.acquiring;
  }

  private async acquire(skipCache: boolean): Promise<string> {
    let accessToken: string | undefined;
    try {
      const result = await this.app.acquireTokenByClientCredential({ scopes: [this.scope], skipCache });
      accessToken = result?.accessToken;
    } catch (error) {
      throw errorFromTokenFailure(this.connection.id, error, this.networkClient.lastFailure);
    }
    if (accessToken === undefined || accessToken === '') {
      throw new GraphRequestError(
        'auth',
        `token request for connection ${this.connection.id} gave no access token`,
        undefined,
        undefined,
        undefined,
      );
    }
    this.latest = accessToken;
    return accessToken;
  }
}

/**
 * A secret as it is; a certificate as MSAL signs with it: the SHA-256 thumbprint (`x5t#S256`, PS256), the key as
 * PKCS#8 and the certificate as `x5c`. A key that does not belong to the certificate is refused here, before
 * the identity platform refuses the assertion with a less telling AADSTS700027.
 */
function credentialOptions(connection: GraphConnection): Pick<NodeAuthOptions, 'clientSecret' | 'clientCertificate'> {
  const { credential } = connection;
  if (credential.kind === 'secret')
    return { clientSecret: nonEmpty('credential.clientSecret', credential.clientSecret) };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(credential.certificatePem);
  } catch (error) {
    throw invalidCredential(`credential.certificatePem: not a PEM X.509 certificate (${(error as Error).message})`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(credential.privateKeyPem);
  } catch (error) {
    throw invalidCredential(`credential.privateKeyPem: not a PEM private key (${(error as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw invalidCredential(
      `credential.privateKeyPem: must be an RSA key (got ${privateKey.asymmetricKeyType ?? 'unknown'})`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw invalidCredential('credential.privateKeyPem: is not the key of credential.certificatePem');
  }
  return {
    clientCertificate: {
      thumbprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      x5c: credential.certificatePem,
    },
  };
}

function httpsUrl(field: string, value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  // graph-client sends no Authorization header to a plain-http Graph, and MSAL refuses a plain-http authority.
  if (url?.protocol !== 'https:') throw invalidCredential(`${field}: must be an https URL (got "${value}")`);
  return url;
}

function nonEmpty(field: string, value: string): string {
  if (value.trim() === '') throw invalidCredential(`${field}: must not be empty`);
  return value;
}

function invalidCredential(message: string): GraphRequestError {
  return new GraphRequestError('auth', message, undefined, undefined, undefined);
}
