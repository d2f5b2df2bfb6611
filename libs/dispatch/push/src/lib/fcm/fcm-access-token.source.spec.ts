import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { FcmCredential } from '../port/push-credential';
import { FCM_SCOPE, FcmAccessTokenError, FcmAccessTokenSource } from './fcm-access-token.source';

interface TokenRequest {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly form: URLSearchParams;
}

/** A tiny OAuth token endpoint: answers from a queue of scripted replies, then with fresh tokens. */
class TokenEndpoint {
  readonly requests: TokenRequest[] = [];
  readonly replies: { status: number; body: unknown }[] = [];
  private issued = 0;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.answer(request, response));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/token`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    this.requests.push({
      path: request.url ?? '',
      contentType: request.headers['content-type'],
      form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
    });
    const reply = this.replies.shift() ?? {
      status: 200,
      body: { access_token: `access-${(this.issued += 1)}`, expires_in: 3600, token_type: 'Bearer' },
    };
    // Answer late enough that concurrent callers overlap.
    setTimeout(() => {
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    }, 20);
  }
}

describe(FcmAccessTokenSource.name, () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let endpoint: TokenEndpoint;
  let tokenUrl: string;
  let clock: number;
  let credential: FcmCredential;

  beforeEach(async () => {
    endpoint = new TokenEndpoint();
    tokenUrl = await endpoint.start();
    clock = Date.parse('2025-01-01T00:00:00Z');
    credential = {
      kind: 'fcm',
      projectId: 'p1',
      clientEmail: 'push@p1.iam.gserviceaccount.com',
      privateKeyPem: (privateKey as KeyObject).export({ type: 'pkcs8', format: 'pem' }) as string,
      privateKeyId: 'kid-1',
      tokenUri: 'http://127.0.0.1:1/never-used',
    };
  });

  afterEach(async () => {
    await endpoint.stop();
  });

  const source = (): FcmAccessTokenSource =>
    new FcmAccessTokenSource({ credential, tokenUrl, now: () => clock, retryDelayMs: 1 });

  it('exchanges an RS256 assertion for an access token (RFC 7523 JWT bearer grant)', async () => {
    await expect(source().getAccessToken()).resolves.toBe('access-1');

    const [request] = endpoint.requests;
    expect(request?.path).toBe('/token');
    expect(request?.contentType).toBe('application/x-www-form-urlencoded');
    expect(request?.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const assertion = request?.form.get('assertion') ?? '';
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'kid-1' });
    const { payload } = await jwtVerify(assertion, publicKey, {
      issuer: credential.clientEmail,
      audience: tokenUrl,
      currentDate: new Date(clock),
    });
    expect(payload).toEqual({
      iss: credential.clientEmail,
      aud: tokenUrl,
      scope: FCM_SCOPE,
      iat: clock / 1000,
      exp: clock / 1000 + 3600,
    });
  });

  it('reuses the token until five minutes before it expires', async () => {
    const sut = source();
    await sut.getAccessToken();

    clock += 54 * 60_000;
    await expect(sut.getAccessToken()).resolves.toBe('access-1');
    clock += 60_000;
    await expect(sut.getAccessToken()).resolves.toBe('access-2');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('makes one request for concurrent callers', async () => {
    const sut = source();

    const tokens = await Promise.all(Array.from({ length: 10 }, () => sut.getAccessToken()));

    expect(new Set(tokens)).toEqual(new Set(['access-1']));
    expect(endpoint.requests).toHaveLength(1);
  });

  it('retries transient failures', async () => {
    endpoint.replies.push({ status: 503, body: { error: 'unavailable' } }, { status: 429, body: {} });

    await expect(source().getAccessToken()).resolves.toBe('access-1');
    expect(endpoint.requests).toHaveLength(3);
  });

  it('gives up after three transient failures, saying so', async () => {
    endpoint.replies.push(...Array.from({ length: 3 }, () => ({ status: 500, body: {} })));

    const error = await source()
      .getAccessToken()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FcmAccessTokenError);
    expect(error).toMatchObject({ transient: true, message: expect.stringContaining('500') });
    expect(endpoint.requests).toHaveLength(3);
  });

  it('does not retry a refused credential', async () => {
    endpoint.replies.push({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' },
    });

    const error = await source()
      .getAccessToken()
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({
      transient: false,
      message: 'token endpoint answered 400 (invalid_grant: Invalid JWT Signature.)',
    });
    expect(endpoint.requests).toHaveLength(1);
  });

  it('fetches a new token once the current one is invalidated', async () => {
    const sut = source();
    const first = await sut.getAccessToken();

    sut.invalidate('some-other-token');
    await expect(sut.getAccessToken()).resolves.toBe(first);
    sut.invalidate(first);
    await expect(sut.getAccessToken()).resolves.toBe('access-2');
  });

  it("posts to the service account's token_uri when no override is given", async () => {
    const sut = new FcmAccessTokenSource({ credential: { ...credential, tokenUri: tokenUrl }, now: () => clock });

    await expect(sut.getAccessToken()).resolves.toBe('access-1');
  });
});
