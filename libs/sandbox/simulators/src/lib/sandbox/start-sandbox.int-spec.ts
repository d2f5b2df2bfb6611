import { createPrivateKey, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Notification, Provider } from '@parse/node-apn';
import { SignJWT, createRemoteJWKSet, jwtVerify } from 'jose';
import { loadConfig } from '@mailpush/config';
import type { FcmServiceAccountJson } from '../fcm/fcm-service-account';
import type { Sandbox } from './sandbox';
import { startSandbox } from './start-sandbox';

describe(startSandbox.name, () => {
  let root: string;
  let dir: string;
  let sut: Sandbox;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mailpush-sandbox-'));
    dir = join(root, 'nested', 'sandbox');
    sut = await startSandbox({ dir, apnsPort: 0, fcmPort: 0, oidcPort: 0 });
  });

  afterAll(async () => {
    await sut.close();
    await rm(root, { recursive: true, force: true });
  });

  const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

  it('writes the CA, the APNs key and the service account into a private folder', async () => {
    expect(sut.files).toEqual({
      dir,
      caPath: join(dir, 'ca.pem'),
      apnsKeyPath: join(dir, 'apns-key.p8'),
      fcmServiceAccountPath: join(dir, 'fcm-service-account.json'),
      descriptionPath: join(dir, 'sandbox.json'),
    });
    await expect(modeOf(dir)).resolves.toBe(0o700);
    await expect(modeOf(sut.files.apnsKeyPath)).resolves.toBe(0o600);
    await expect(modeOf(sut.files.fcmServiceAccountPath)).resolves.toBe(0o600);
    // sandbox.json holds the Graph app's client secret.
    await expect(modeOf(sut.files.descriptionPath)).resolves.toBe(0o600);
    await expect(readFile(sut.files.caPath, 'utf8')).resolves.toBe(sut.apns.caPem);
    expect(sut.fcm.caPem).toBe(sut.apns.caPem);
    await expect(readFile(sut.files.apnsKeyPath, 'utf8')).resolves.toContain('-----BEGIN PRIVATE KEY-----');
    const account = JSON.parse(await readFile(sut.files.fcmServiceAccountPath, 'utf8')) as FcmServiceAccountJson;
    expect(account).toMatchObject({
      type: 'service_account',
      project_id: 'mailpush-sandbox',
      token_uri: sut.fcm.tokenUrl,
    });
  });

  it('describes every endpoint in sandbox.json', async () => {
    const description: unknown = JSON.parse(await readFile(sut.files.descriptionPath, 'utf8'));

    expect(description).toEqual(sut.description);
    expect(description).toMatchObject({
      apns: { host: '127.0.0.1', port: sut.apns.port, keyId: expect.any(String), teamId: expect.any(String) },
      fcm: { endpoint: sut.fcm.url, tokenUrl: sut.fcm.tokenUrl, projectId: 'mailpush-sandbox' },
      oidc: { issuer: sut.oidc.issuer, jwksUrl: sut.oidc.jwksUrl, audience: 'mailpush' },
    });
  });

  it('gives an environment that mailpush config accepts and that points at the simulators', () => {
    const env = sut.environment();

    expect(Object.keys(env).sort()).toEqual(
      [
        'APNS_HOST',
        'APNS_PORT',
        'APNS_CA_PATH',
        'APNS_KEY_PATH',
        'APNS_KEY_ID',
        'APNS_TEAM_ID',
        'APNS_TOPIC',
        'APNS_ENVIRONMENT',
        'FCM_SERVICE_ACCOUNT_PATH',
        'FCM_PROJECT_ID',
        'FCM_ENDPOINT',
        'FCM_TOKEN_URL',
        'FCM_CA_PATH',
        'AUTH_JWKS_URL',
        'AUTH_ISSUER',
        'AUTH_AUDIENCE',
        'GRAPH_TENANT_ID',
        'GRAPH_CLIENT_ID',
        'GRAPH_CLIENT_SECRET',
        'GRAPH_BASE_URL',
        'GRAPH_AUTHORITY_HOST',
        'GRAPH_CA_PATH',
      ].sort(),
    );
    const config = loadConfig({ app: 'dispatcher' }, env);
    expect(config.apns).toEqual({
      keyPath: sut.files.apnsKeyPath,
      keyId: sut.description.apns.keyId,
      teamId: sut.description.apns.teamId,
      topic: 'com.example.mail',
      environment: 'sandbox',
      host: '127.0.0.1',
      port: sut.apns.port,
      caPath: sut.files.caPath,
    });
    expect(config.fcm).toEqual({
      serviceAccountPath: sut.files.fcmServiceAccountPath,
      projectId: 'mailpush-sandbox',
      endpoint: sut.fcm.url,
      tokenUrl: sut.fcm.tokenUrl,
      caPath: sut.files.caPath,
    });
    expect(config.auth).toMatchObject({ jwksUrl: sut.oidc.jwksUrl, issuer: sut.oidc.issuer, audience: 'mailpush' });
    expect(config.graph).toMatchObject({
      tenantId: sut.graph.tenantId,
      clientId: sut.description.graph.clientId,
      baseUrl: sut.graph.url,
      authorityHost: sut.graph.url,
      caPath: sut.files.caPath,
    });
  });

  it('lets a client configured only from those files push through APNs', async () => {
    const env = sut.environment();
    const provider = new Provider({
      token: {
        key: await readFile(env['APNS_KEY_PATH'] ?? '', 'utf8'),
        keyId: env['APNS_KEY_ID'] ?? '',
        teamId: env['APNS_TEAM_ID'] ?? '',
      },
      production: false,
      address: env['APNS_HOST'],
      port: Number(env['APNS_PORT']),
      ca: [await readFile(env['APNS_CA_PATH'] ?? '', 'utf8')],
    });
    try {
      const note = new Notification({ topic: env['APNS_TOPIC'], pushType: 'alert', alert: 'hello' });

      const result = await provider.send(note, randomBytes(32).toString('hex'));

      expect(result.sent).toHaveLength(1);
    } finally {
      await provider.shutdown();
    }
  });

  it('lets a client configured only from those files get an FCM access token', async () => {
    const env = sut.environment();
    const account = JSON.parse(await readFile(env['FCM_SERVICE_ACCOUNT_PATH'] ?? '', 'utf8')) as FcmServiceAccountJson;
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({ scope: 'https://www.googleapis.com/auth/firebase.messaging' })
      .setProtectedHeader({ alg: 'RS256', kid: account.private_key_id })
      .setIssuer(account.client_email)
      .setAudience(env['FCM_TOKEN_URL'] ?? '')
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(createPrivateKey(account.private_key));
    const session = connect(env['FCM_ENDPOINT'] ?? '', { ca: await readFile(env['FCM_CA_PATH'] ?? '', 'utf8') });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/token',
          'content-type': 'application/x-www-form-urlencoded',
        });
        stream.on('response', (headers) => resolve(Number(headers[':status'])));
        stream.on('error', reject);
        stream.end(
          new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
        );
        stream.resume();
      });

      expect(status).toBe(200);
    } finally {
      session.destroy();
    }
  });

  it('issues device tokens that verify against AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE', async () => {
    const env = sut.environment();
    const token = await sut.oidc.mint({ upn: 'erin@example.com' });

    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(env['AUTH_JWKS_URL'] ?? '')), {
      issuer: env['AUTH_ISSUER'] ?? '',
      audience: env['AUTH_AUDIENCE'] ?? '',
    });

    expect(payload['upn']).toBe('erin@example.com');
  });

  it('keeps the files private when started again in the same folder', async () => {
    const again = await startSandbox({ dir, apnsPort: 0, fcmPort: 0, oidcPort: 0 });
    try {
      await expect(modeOf(again.files.apnsKeyPath)).resolves.toBe(0o600);
      const description = JSON.parse(await readFile(again.files.descriptionPath, 'utf8')) as { apns: { port: number } };
      expect(description.apns.port).toBe(again.apns.port);
    } finally {
      await again.close();
    }
  });
});
