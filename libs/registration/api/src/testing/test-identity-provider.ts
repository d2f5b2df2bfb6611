import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

interface SigningKey {
  readonly kid: string;
  readonly alg: 'ES256' | 'RS256';
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface TokenOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** Seconds from now; negative for a token that already expired. Default 3600. */
  readonly expiresInSeconds?: number;
  /** Sign with this key instead of the current one (e.g. a key rotated out). */
  readonly key?: SigningKey;
}

/**
 * An identity provider for tests: signing keys made with jose, their public halves served as a JWKS from a
 * local HTTP server, and tokens signed like a real provider's. Counts key-set fetches, so tests can see the
 * API fetch again after a key rotation.
 */
export class TestIdentityProvider {
  readonly issuer = `https://idp-${randomUUID()}.test/`;
  readonly audience = 'api://mailpush';
  jwksRequests = 0;
  private published: SigningKey[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<TestIdentityProvider> {
    const server = createServer();
    const sut = new TestIdentityProvider(server);
    server.on('request', (request, response) => {
      sut.jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: sut.published.map((k) => k.publicJwk) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sut.published = [await newKey('ES256'), await newKey('RS256')];
    return sut;
  }

  get jwksUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/keys`;
  }

  get currentKey(): SigningKey {
    const key = this.published[0];
    if (key === undefined) throw new Error('no signing key published');
    return key;
  }

  /** Replaces every published key with a new one (a key rotation); returns the keys taken out. */
  async rotate(): Promise<SigningKey[]> {
    const retired = this.published;
    this.published = [await newKey('ES256')];
    return retired;
  }

  /** A token for `mailbox` in the `upn` claim. */
  tokenFor(mailbox: string, options: TokenOptions = {}): Promise<string> {
    return this.token({ upn: mailbox }, options);
  }

  async token(claims: JWTPayload, options: TokenOptions = {}): Promise<string> {
    const key = options.key ?? this.currentKey;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setSubject(randomUUID())
      .setIssuedAt(now - 60)
      .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
      .sign(key.privateKey);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

async function newKey(alg: 'ES256' | 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const kid = randomUUID();
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}
