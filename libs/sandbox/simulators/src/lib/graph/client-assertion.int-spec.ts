import { createHash, createPrivateKey, randomUUID, X509Certificate } from 'node:crypto';
import { SignJWT } from 'jose';
import { JWT_BEARER_ASSERTION_TYPE } from './client-assertion.check';
import { createEncryptionCertificate, type EncryptionCertificate } from './encryption-certificate';
import { GraphSimulator } from './graph-simulator';

const TENANT = '0c0ffee0-2222-4c3c-9d9d-0123456789ab';
const CERT_APP = '5e1f2a3b-0000-4c4c-8d8d-aaaaaaaaaaaa';
const SECRET_APP = '5e1f2a3b-1111-4c4c-8d8d-bbbbbbbbbbbb';

interface AssertionOptions {
  readonly alg?: 'RS256' | 'PS256';
  /** Which thumbprint header to send; `none` sends neither. */
  readonly thumbprint?: 'x5t#S256' | 'x5t' | 'none';
  /** The certificate the header names; the signing one when omitted. */
  readonly namedBy?: EncryptionCertificate;
  readonly clientId?: string;
  readonly issuer?: string;
  readonly audience?: string;
  readonly expiresInSeconds?: number;
}

describe(`${GraphSimulator.name} certificate credentials`, () => {
  let sut: GraphSimulator;
  let certificate: EncryptionCertificate;
  let other: EncryptionCertificate;
  let tokenUrl: string;

  const sign = (options: AssertionOptions = {}, by: EncryptionCertificate = certificate): Promise<string> => {
    const named = new X509Certificate((options.namedBy ?? by).certPem).raw;
    const thumbprint = options.thumbprint ?? 'x5t#S256';
    const header =
      thumbprint === 'none'
        ? {}
        : {
            [thumbprint]: createHash(thumbprint === 'x5t' ? 'sha1' : 'sha256')
              .update(named)
              .digest('base64url'),
          };
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: options.alg ?? 'PS256', typ: 'JWT', ...header })
      .setIssuer(options.issuer ?? options.clientId ?? CERT_APP)
      .setSubject(options.clientId ?? CERT_APP)
      .setAudience(options.audience ?? tokenUrl)
      .setNotBefore(now - 60)
      .setExpirationTime(now + (options.expiresInSeconds ?? 600))
      .sign(createPrivateKey(by.keyPem));
  };

  const requestToken = (form: Record<string, string>): Promise<Response> =>
    fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: CERT_APP,
        scope: 'https://graph.microsoft.com/.default',
        grant_type: 'client_credentials',
        ...form,
      }).toString(),
    });

  const withAssertion = async (assertion: string, clientId = CERT_APP): Promise<Response> =>
    requestToken({
      client_id: clientId,
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: assertion,
    });

  const expectRefusal = async (response: Response, status: number, error: string, code: string): Promise<void> => {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: string; error_description: string };
    expect(body.error).toBe(error);
    expect(body.error_description).toContain(code);
  };

  beforeAll(async () => {
    sut = await GraphSimulator.start({ tenantId: TENANT });
    [certificate, other] = await Promise.all([
      createEncryptionCertificate({ commonName: 'mailpush graph app' }),
      createEncryptionCertificate({ commonName: 'someone else' }),
    ]);
    sut.registerApp({ tenantId: TENANT, clientId: CERT_APP, certificatePem: certificate.certPem });
    sut.registerApp({ tenantId: TENANT, clientId: SECRET_APP, clientSecret: 'secret-app-secret' });
    tokenUrl = `${sut.url}/${TENANT}/oauth2/v2.0/token`;
  });

  afterAll(async () => {
    await sut.close();
  });

  it.each([
    ['PS256 with x5t#S256 (MSAL with a SHA-256 thumbprint)', { alg: 'PS256', thumbprint: 'x5t#S256' }],
    ['RS256 with x5t (a SHA-1 thumbprint)', { alg: 'RS256', thumbprint: 'x5t' }],
  ] as const)('issues a token that Graph accepts for %s', async (_case, options) => {
    const response = await withAssertion(await sign(options));

    expect(response.status).toBe(200);
    const body = (await response.json()) as { token_type: string; access_token: string };
    expect(body.token_type).toBe('Bearer');
    const graph = await fetch(`${sut.graphBaseUrl}/subscriptions`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(graph.status).toBe(200);
  });

  it('refuses an assertion signed by another key under the registered thumbprint', async () => {
    const forged = await sign({ namedBy: certificate }, other);

    await expectRefusal(await withAssertion(forged), 401, 'invalid_client', 'AADSTS700027');
  });

  it('refuses an assertion naming a certificate that is not registered', async () => {
    await expectRefusal(await withAssertion(await sign({}, other)), 401, 'invalid_client', 'AADSTS700027');
  });

  it('refuses an assertion without a thumbprint header', async () => {
    await expectRefusal(await withAssertion(await sign({ thumbprint: 'none' })), 401, 'invalid_client', 'AADSTS700027');
  });

  it('refuses an assertion addressed to another token endpoint', async () => {
    const assertion = await sign({ audience: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token` });

    await expectRefusal(await withAssertion(assertion), 401, 'invalid_client', 'AADSTS700023');
  });

  it('refuses an assertion issued by another client', async () => {
    await expectRefusal(await withAssertion(await sign({ issuer: SECRET_APP })), 401, 'invalid_client', 'AADSTS700021');
  });

  it('refuses an expired assertion', async () => {
    const expired = await sign({ expiresInSeconds: -3600 });

    await expectRefusal(await withAssertion(expired), 401, 'invalid_client', 'AADSTS700024');
  });

  it('refuses a malformed assertion and a wrong client_assertion_type', async () => {
    await expectRefusal(await withAssertion('not.a.jwt'), 401, 'invalid_client', 'AADSTS50027');
    await expectRefusal(
      await requestToken({ client_assertion_type: 'urn:example:other', client_assertion: await sign() }),
      400,
      'invalid_request',
      'AADSTS50027',
    );
  });

  it('refuses a secret for a certificate app and an assertion for a secret app', async () => {
    await expectRefusal(await requestToken({ client_secret: 'guess' }), 401, 'invalid_client', 'AADSTS7000215');
    await expectRefusal(
      await withAssertion(await sign({ clientId: SECRET_APP }), SECRET_APP),
      401,
      'invalid_client',
      'AADSTS700027',
    );
  });

  it('refuses a request with neither a secret nor an assertion', async () => {
    await expectRefusal(await requestToken({}), 401, 'invalid_client', 'AADSTS7000216');
  });

  it('registers an app with exactly one credential, and only a PEM certificate', () => {
    expect(() =>
      sut.registerApp({
        tenantId: TENANT,
        clientId: 'x',
        clientSecret: 's',
        certificatePem: certificate.certPem,
      } as never),
    ).toThrow('clientSecret, certificatePem: give exactly one');
    expect(() => sut.registerApp({ tenantId: TENANT, clientId: 'x' } as never)).toThrow('give exactly one');
    expect(() => sut.registerApp({ tenantId: TENANT, clientId: 'x', certificatePem: 'not a certificate' })).toThrow(
      'certificatePem: not a PEM X.509 certificate',
    );
  });
});
