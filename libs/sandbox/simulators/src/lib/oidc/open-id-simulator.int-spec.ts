import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { OpenIdSimulator } from './open-id-simulator';

describe(OpenIdSimulator.name, () => {
  let sut: OpenIdSimulator;

  const verify = (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(sut.jwksUrl)), { issuer: sut.issuer, audience: sut.audience });

  beforeAll(async () => {
    sut = await OpenIdSimulator.start();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('publishes OpenID discovery that points at its JWKS', async () => {
    const response = await fetch(`${sut.issuer}/.well-known/openid-configuration`);

    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toMatchObject({
      issuer: sut.issuer,
      jwks_uri: sut.jwksUrl,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    expect(sut.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sut.jwksUrl).toBe(`${sut.issuer}/jwks`);
    expect(sut.audience).toBe('mailpush');
  });

  it('publishes RS256 public keys only', async () => {
    const jwks = (await (await fetch(sut.jwksUrl)).json()) as { keys: Record<string, unknown>[] };

    expect(jwks.keys).toEqual([
      expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) }),
    ]);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('mints a token that verifies against the remote JWKS with the claims given', async () => {
    const token = await sut.mint({ upn: 'alice@example.com', email: 'alice@example.com' });

    const { payload, protectedHeader } = await verify(token);

    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(payload).toMatchObject({
      upn: 'alice@example.com',
      sub: 'alice@example.com',
      aud: 'mailpush',
      iss: sut.issuer,
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(3600);
  });

  it.each([
    ['an expired token', { expiresInSeconds: -60 }, /"exp"/],
    ['another issuer', { issuer: 'https://evil.example.com' }, /"iss"/],
    ['another audience', { audience: 'someone-else' }, /"aud"/],
    ['a key the JWKS does not publish', { signWithUnknownKey: true }, /no applicable key found/],
  ])('mints %s on request, which fails verification', async (_case, options, error) => {
    const token = await sut.mint({ upn: 'bob@example.com' }, options);

    await expect(verify(token)).rejects.toThrow(error);
  });

  it('rotates to a new signing key and keeps publishing the old one', async () => {
    const keysBefore = sut.jwks().keys.length;
    const before = await sut.mint({ upn: 'carol@example.com' });
    await sut.rotateKey();
    const after = await sut.mint({ upn: 'carol@example.com' });

    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    expect(sut.jwks().keys).toHaveLength(keysBefore + 1);
    await expect(verify(before)).resolves.toBeDefined();
    await expect(verify(after)).resolves.toBeDefined();
  });

  it('mints over HTTP for a person at a terminal', async () => {
    const response = await fetch(`${sut.issuer}/mint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'dave@example.com', expiresInSeconds: 120 }),
    });

    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    const { payload } = await verify(token);
    expect(payload).toMatchObject({ email: 'dave@example.com', sub: 'dave@example.com' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
  });

  it.each([
    ['no identity claim', { expiresInSeconds: 10 }, 'upn: one of upn, email, preferred_username or sub is required'],
    ['a fractional lifetime', { upn: 'a@b.c', expiresInSeconds: 1.5 }, 'expiresInSeconds'],
    ['a non-string upn', { upn: 7 }, 'upn'],
  ])('answers POST /mint with %s with 400 naming the field', async (_case, body, field) => {
    const response = await fetch(`${sut.issuer}/mint`, { method: 'POST', body: JSON.stringify(body) });

    expect(response.status).toBe(400);
    await expect(response.json()).resolves.toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining(field),
    });
  });
});
