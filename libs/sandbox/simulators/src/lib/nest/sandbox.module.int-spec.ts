import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:http2';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Notification, Provider } from '@parse/node-apn';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Sandbox } from '../sandbox/sandbox';
import { startSandbox } from '../sandbox/start-sandbox';
import { SandboxModule } from './sandbox.module';

describe(SandboxModule.name, () => {
  let root: string;
  let sandbox: Sandbox;
  let app: INestApplication;
  let baseUrl: string;
  let apnsClient: Provider;

  /** One push through the APNs simulator with the real client; resolves to the HTTP status it got. */
  const pushApns = async (token: string): Promise<number> => {
    const note = new Notification({ topic: sandbox.description.apns.topic, pushType: 'alert', alert: 'hi' });
    const result = await apnsClient.send(note, token);
    return result.failed[0]?.status ?? 200;
  };

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text.length === 0 ? undefined : (JSON.parse(text) as unknown) };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mailpush-sandbox-api-'));
    sandbox = await startSandbox({ dir: root, apnsPort: 0, fcmPort: 0, oidcPort: 0 });
    const moduleRef = await Test.createTestingModule({ imports: [SandboxModule.forRoot(sandbox)] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = await app.getUrl();
    apnsClient = new Provider({
      token: {
        key: await readFile(sandbox.files.apnsKeyPath, 'utf8'),
        keyId: sandbox.description.apns.keyId,
        teamId: sandbox.description.apns.teamId,
      },
      production: false,
      address: sandbox.apns.host,
      port: sandbox.apns.port,
      ca: [sandbox.apns.caPem],
    });
  });

  afterAll(async () => {
    await apnsClient.shutdown();
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  beforeEach(() => sandbox.reset());

  it('GET /sandbox describes the endpoints and the environment', async () => {
    const answer = await call('GET', '/sandbox');

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ ...sandbox.description, environment: sandbox.environment() });
  });

  it('POST /sandbox/apns/scripts scripts the APNs simulator, GET requests shows what it answered', async () => {
    const scripted = await call('POST', '/sandbox/apns/scripts', {
      tokenPrefix: 'dead',
      status: 410,
      reason: 'Unregistered',
      times: 1,
    });
    const token = `dead${'0'.repeat(60)}`;

    await expect(pushApns(token)).resolves.toBe(410);
    await expect(pushApns(token)).resolves.toBe(200);

    expect(scripted).toEqual({
      status: 201,
      json: { tokenPrefix: 'dead', status: 410, reason: 'Unregistered', times: 1 },
    });
    const listed = await call('GET', `/sandbox/apns/requests?token=${token}`);
    expect(listed).toMatchObject({
      status: 200,
      json: [
        { token, status: 410, reason: 'Unregistered', at: expect.any(String) },
        { token, status: 200 },
      ],
    });
    await expect(call('GET', '/sandbox/apns/requests?token=ffff')).resolves.toEqual({ status: 200, json: [] });
  });

  it('POST /sandbox/apns/scripts accepts a GOAWAY script', async () => {
    const answer = await call('POST', '/sandbox/apns/scripts', { tokenPrefix: '', goaway: true, reason: 'Shutdown' });

    expect(answer.status).toBe(201);
  });

  it.each([
    [{ status: 410, reason: 'Unregistered' }, 'tokenPrefix: must be a string'],
    [
      { tokenPrefix: 'a', status: 418, reason: 'Teapot' },
      'status: must be one of 400, 403, 404, 405, 410, 413, 429, 500, 503',
    ],
    [{ tokenPrefix: 'a', status: 410 }, 'reason: must be a string'],
    [{ tokenPrefix: 'a', status: 429, reason: 'TooManyRequests', times: 0 }, 'times: must be at least 1'],
    [{ tokenPrefix: 'a', goaway: false }, 'goaway: must be true'],
    [{ tokenPrefix: 'a', status: 500, reason: 'InternalServerError', colour: 'red' }, 'colour: is not a known field'],
  ])('POST /sandbox/apns/scripts answers %j with 400 naming the field', async (body, message) => {
    const answer = await call('POST', '/sandbox/apns/scripts', body);

    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      statusCode: 400,
      message: expect.arrayContaining([expect.stringContaining(message)]),
    });
  });

  it('DELETE /sandbox/apns/scripts forgets the scripts', async () => {
    await call('POST', '/sandbox/apns/scripts', { tokenPrefix: '', status: 400, reason: 'BadDeviceToken' });
    await expect(pushApns('ab'.repeat(32))).resolves.toBe(400);

    await expect(call('DELETE', '/sandbox/apns/scripts')).resolves.toEqual({ status: 204, json: undefined });

    await expect(pushApns('ab'.repeat(32))).resolves.toBe(200);
  });

  it('POST /sandbox/fcm/scripts scripts the FCM simulator and validates the error code', async () => {
    await expect(
      call('POST', '/sandbox/fcm/scripts', { tokenPrefix: 'x', errorCode: 'UNREGISTERED', retryAfterSeconds: 5 }),
    ).resolves.toEqual({ status: 201, json: { tokenPrefix: 'x', errorCode: 'UNREGISTERED', retryAfterSeconds: 5 } });
    await expect(call('POST', '/sandbox/fcm/scripts', { tokenPrefix: 'x', goaway: true })).resolves.toMatchObject({
      status: 201,
    });
    const bad = await call('POST', '/sandbox/fcm/scripts', { tokenPrefix: 'x', errorCode: 'NOPE' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ message: [expect.stringMatching(/^errorCode: must be one of UNREGISTERED/)] });
    await expect(call('DELETE', '/sandbox/fcm/scripts')).resolves.toMatchObject({ status: 204 });
  });

  it('GET /sandbox/fcm/token-requests and requests list what the FCM simulator received', async () => {
    const session = connect(sandbox.fcm.url, { ca: sandbox.fcm.caPem });
    try {
      await new Promise<void>((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': '/token' });
        stream.on('error', reject);
        stream.on('end', resolve);
        stream.resume();
        stream.end('grant_type=password');
      });
    } finally {
      session.destroy();
    }

    await expect(call('GET', '/sandbox/fcm/token-requests')).resolves.toEqual({
      status: 200,
      json: [{ at: expect.any(String), clientEmail: '', status: 400, error: 'unsupported_grant_type', scopes: [] }],
    });
    await expect(call('GET', '/sandbox/fcm/requests?token=abc')).resolves.toEqual({ status: 200, json: [] });
  });

  it('POST /sandbox/oidc/tokens mints a device token that verifies against the JWKS', async () => {
    const answer = await call('POST', '/sandbox/oidc/tokens', { upn: 'frank@example.com', expiresInSeconds: 300 });

    expect(answer.status).toBe(201);
    const { token } = answer.json as { token: string };
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(sandbox.oidc.jwksUrl)), {
      issuer: sandbox.oidc.issuer,
      audience: sandbox.oidc.audience,
    });
    expect(payload).toMatchObject({ upn: 'frank@example.com', sub: 'frank@example.com' });
  });

  it('POST /sandbox/oidc/tokens answers 400 naming the field', async () => {
    const answer = await call('POST', '/sandbox/oidc/tokens', { upn: 'a@b.c', expiresInSeconds: 'soon' });

    expect(answer).toMatchObject({ status: 400, json: { message: ['expiresInSeconds: must be a number'] } });
  });

  it('DELETE /sandbox/records forgets what every simulator recorded and every script', async () => {
    sandbox.apns.script('', { status: 503, reason: 'ServiceUnavailable' });
    await pushApns('cd'.repeat(32));
    expect(sandbox.apns.requests().length).toBeGreaterThan(0);

    await expect(call('DELETE', '/sandbox/records')).resolves.toEqual({ status: 204, json: undefined });

    expect(sandbox.apns.requests()).toEqual([]);
    await expect(pushApns('cd'.repeat(32))).resolves.toBe(200);
  });

  it('closes the simulators when the application shuts down', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailpush-sandbox-close-'));
    const other = await startSandbox({ dir, apnsPort: 0, fcmPort: 0, oidcPort: 0 });
    const moduleRef = await Test.createTestingModule({ imports: [SandboxModule.forRoot(other)] }).compile();
    const otherApp = moduleRef.createNestApplication({ logger: false });
    await otherApp.init();

    await otherApp.close();

    const refused = await new Promise<string>((resolve) => {
      const socket = tcpConnect(other.apns.port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await rm(dir, { recursive: true, force: true });
  });
});
