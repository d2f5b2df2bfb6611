import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { readBody } from '../support/read-body';
import { closeServer, dialHost, listen, urlHost } from '../support/listen';
import { MintRequestSchema } from './mint-request.schema';

export interface OpenIdSimulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The `aud` of minted tokens; default `mailpush`. */
  readonly audience?: string;
}

/** Claims of a device user's token; the mailbox is read from `upn`, `preferred_username` or `email`. */
export interface DeviceUserClaims {
  readonly upn?: string;
  readonly email?: string;
  readonly preferred_username?: string;
  readonly sub?: string;
  readonly [claim: string]: unknown;
}

export interface MintOptions {
  /** Default 3600; negative mints a token that has already expired. */
  readonly expiresInSeconds?: number;
  /** Overrides `iss` (to test issuer checks). */
  readonly issuer?: string;
  /** Overrides `aud` (to test audience checks). */
  readonly audience?: string;
  /** Signs with a key the JWKS does not publish (to test signature checks). */
  readonly signWithUnknownKey?: boolean;
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

const MAX_BODY_BYTES = 16 * 1024;

/**
 * The organisation's identity provider, as far as mailpush sees it: OpenID discovery, a JWKS with rotating
 * RS256 keys, and device-user tokens minted on demand (in code, or with `POST /mint` from a terminal).
 * Plain HTTP on loopback; for tests and local development only.
 */
export class OpenIdSimulator {
  private readonly keys: SigningKey[] = [];
  /** `http://host:port`, the `iss` of every token and `AUTH_ISSUER`. */
  readonly issuer: string;
  /** `issuer + '/jwks'`, `AUTH_JWKS_URL`. */
  readonly jwksUrl: string;

  private constructor(
    private readonly server: Server,
    host: string,
    readonly port: number,
    /** `aud` of minted tokens, `AUTH_AUDIENCE`. */
    readonly audience: string,
  ) {
    this.issuer = `http://${urlHost(host)}:${port}`;
    this.jwksUrl = `${this.issuer}/jwks`;
  }

  static async start(options: OpenIdSimulatorOptions = {}): Promise<OpenIdSimulator> {
    const host = options.host ?? '127.0.0.1';
    const server = createServer();
    const port = await listen(server, options.port ?? 0, host);
    const simulator = new OpenIdSimulator(server, dialHost(host), port, options.audience ?? 'mailpush');
    await simulator.rotateKey();
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      simulator.handle(request, response).catch(() => writeJson(response, 500, { error: 'server_error' }));
    });
    return simulator;
  }

  /** A signed RS256 JWT (with `kid`) for a device user; `sub` defaults to the first of upn, email, preferred_username. */
  async mint(claims: DeviceUserClaims, options: MintOptions = {}): Promise<string> {
    const key = options.signWithUnknownKey === true ? await createSigningKey() : this.currentKey();
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = options.expiresInSeconds ?? 3600;
    const subject = claims.sub ?? claims.upn ?? claims.email ?? claims.preferred_username;
    const jwt = new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience ?? this.audience)
      .setJti(randomUUID())
      // An already-expired token was issued before it expired, as a real one would have been.
      .setIssuedAt(Math.min(now, now + expiresIn - 60))
      .setExpirationTime(now + expiresIn);
    if (subject !== undefined) jwt.setSubject(subject);
    return jwt.sign(key.privateKey);
  }

  /** Adds a new key that signs from now on; the JWKS keeps serving the old ones, as after a real rotation. */
  async rotateKey(): Promise<void> {
    this.keys.push(await createSigningKey());
  }

  /** The published key set. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }

  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: this.jwksUrl,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/mint`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'upn', 'email', 'preferred_username'],
    };
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await closeServer(this.server);
  }

  private currentKey(): SigningKey {
    const key = this.keys.at(-1);
    if (key === undefined) throw new Error('no signing key yet');
    return key;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
      writeJson(response, 200, this.discovery());
    } else if (request.method === 'GET' && path === '/jwks') {
      writeJson(response, 200, this.jwks());
    } else if (request.method === 'POST' && path === '/mint') {
      await this.handleMint(request, response);
    } else {
      writeJson(response, 404, { error: 'not_found', error_description: `no ${request.method ?? ''} ${path ?? ''}` });
    }
  }

  private async handleMint(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, MAX_BODY_BYTES);
    if (body.size > MAX_BODY_BYTES) {
      writeJson(response, 413, { error: 'invalid_request', error_description: 'body too large' });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.bytes.toString('utf8'));
    } catch {
      writeJson(response, 400, { error: 'invalid_request', error_description: 'body must be JSON' });
      return;
    }
    const parsed = MintRequestSchema.safeParse(json);
    if (!parsed.success) {
      const description = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
      writeJson(response, 400, { error: 'invalid_request', error_description: description.join('; ') });
      return;
    }
    const { expiresInSeconds, ...claims } = parsed.data;
    writeJson(response, 200, { token: await this.mint(claims, { expiresInSeconds }) });
  }
}

async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

function writeJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
