import { createPrivateKey, randomBytes } from 'node:crypto';
import { connect, type ClientHttp2Session, type OutgoingHttpHeaders } from 'node:http2';
import { Notification, Provider } from '@parse/node-apn';
import { SignJWT } from 'jose';
import { ApnsSimulator } from './apns-simulator';
import type { ApnsSigningKey } from './apns-signing-key';

const TOPIC = 'com.example.mail';

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly body: string;
}

function deviceToken(prefix = ''): string {
  return (prefix + randomBytes(32).toString('hex')).slice(0, 64);
}

async function providerToken(
  key: ApnsSigningKey,
  options: { iat?: number; kid?: string; iss?: string } = {},
): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? key.keyId })
    .setIssuer(options.iss ?? key.teamId)
    .setIssuedAt(options.iat ?? Math.floor(Date.now() / 1000))
    .sign(createPrivateKey(key.privateKeyPem));
}

function request(
  session: ClientHttp2Session,
  headers: OutgoingHttpHeaders,
  /** `null` sends the headers with END_STREAM: no DATA frame at all. */
  body: string | null = JSON.stringify({ aps: { alert: 'New mail' } }),
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ...headers }, { endStream: body === null });
    let status = 0;
    let responseHeaders: Record<string, unknown> = {};
    let text = '';
    stream.setEncoding('utf8');
    stream.on('response', (received) => {
      status = Number(received[':status']);
      responseHeaders = { ...received };
    });
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve({ status, headers: responseHeaders, body: text }));
    stream.on('error', reject);
    if (body !== null) stream.end(body);
  });
}

describe(ApnsSimulator.name, () => {
  let sut: ApnsSimulator;
  let key: ApnsSigningKey;
  let session: ClientHttp2Session;
  let jwt: string;

  const push = (token: string, headers: OutgoingHttpHeaders = {}, body?: string | null): Promise<Answer> =>
    request(
      session,
      {
        ':path': `/3/device/${token}`,
        authorization: `bearer ${jwt}`,
        'apns-topic': TOPIC,
        'apns-push-type': 'alert',
        'apns-priority': '10',
        ...headers,
      },
      body,
    );

  beforeAll(async () => {
    sut = await ApnsSimulator.start();
    key = ApnsSimulator.generateKey();
    sut.registerKey(key);
  });

  beforeEach(async () => {
    sut.reset();
    jwt = await providerToken(key);
    session = connect(`https://127.0.0.1:${sut.port}`, { ca: sut.caPem });
  });

  afterEach(() => {
    session.destroy();
  });

  afterAll(async () => {
    await sut.close();
  });

  it('accepts a valid push with 200, an empty body and a generated apns-id, and records it', async () => {
    const token = deviceToken();

    const answer = await push(token);

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('');
    expect(answer.headers['apns-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const [recorded] = await sut.waitForRequests(1);
    expect(recorded).toMatchObject({
      token,
      status: 200,
      reason: undefined,
      apnsId: answer.headers['apns-id'],
      payload: { aps: { alert: 'New mail' } },
      jwt: { kid: key.keyId, iss: key.teamId },
      sessionId: expect.any(Number),
    });
    expect(recorded?.headers['apns-topic']).toBe(TOPIC);
    expect(recorded?.headers['authorization']).not.toContain(jwt);
    expect(sut.requests({ token })).toHaveLength(1);
    expect(sut.requests({ token: deviceToken() })).toHaveLength(0);
  });

  it('echoes a canonical apns-id and rejects any other form with BadMessageId', async () => {
    const id = '123e4567-e89b-12d3-a456-426614174000';

    await expect(push(deviceToken(), { 'apns-id': id })).resolves.toMatchObject({
      status: 200,
      headers: { 'apns-id': id },
    });
    const upper = await push(deviceToken(), { 'apns-id': id.toUpperCase() });
    expect(upper.status).toBe(400);
    expect(JSON.parse(upper.body)).toEqual({ reason: 'BadMessageId' });
  });

  it('counts one provider token and one connection for many pushes on one session', async () => {
    for (let i = 0; i < 3; i += 1) await push(deviceToken());

    const recorded = await sut.waitForRequests(3);
    expect(sut.distinctJwtIats()).toBe(1);
    expect(new Set(recorded.map((r) => r.sessionId)).size).toBe(1);

    const second = connect(`https://127.0.0.1:${sut.port}`, { ca: sut.caPem });
    try {
      await request(second, {
        ':path': `/3/device/${deviceToken()}`,
        authorization: `bearer ${await providerToken(key, { iat: Math.floor(Date.now() / 1000) - 60 })}`,
        'apns-topic': TOPIC,
      });
    } finally {
      second.destroy();
    }
    const all = await sut.waitForRequests(4);
    expect(new Set(all.map((r) => r.sessionId)).size).toBe(2);
    expect(sut.distinctJwtIats()).toBe(2);
  });

  describe('paths and methods', () => {
    it.each([
      ['GET', `/3/device/${'ab'.repeat(32)}`, 405, 'MethodNotAllowed'],
      ['POST', '/2/device/abcd', 404, 'BadPath'],
      ['POST', '/3/device/', 400, 'MissingDeviceToken'],
      ['POST', `/3/device/${'zz'.repeat(32)}`, 400, 'BadDeviceToken'],
      ['POST', '/3/device/abcd', 400, 'BadDeviceToken'],
    ])('answers %s %s with %d %s', async (method, path, status, reason) => {
      const answer = await request(
        session,
        { ':method': method, ':path': path, authorization: `bearer ${jwt}`, 'apns-topic': TOPIC },
        method === 'GET' ? null : '{"aps":{}}',
      );

      expect(answer.status).toBe(status);
      expect(JSON.parse(answer.body)).toEqual({ reason });
      const [recorded] = await sut.waitForRequests(1);
      expect(recorded).toMatchObject({ status, reason });
    });
  });

  describe('provider token', () => {
    it('answers 403 MissingProviderToken without authorization', async () => {
      const answer = await push(deviceToken(), { authorization: '' });

      expect(answer).toMatchObject({ status: 403, body: '{"reason":"MissingProviderToken"}' });
    });

    it('answers 403 InvalidProviderToken for a token signed by another key', async () => {
      const stranger = ApnsSimulator.generateKey();
      const forged = await providerToken({ ...stranger, keyId: key.keyId, teamId: key.teamId });

      const answer = await push(deviceToken(), { authorization: `bearer ${forged}` });

      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ reason: 'InvalidProviderToken' });
    });

    it.each([
      ['an unknown key id', { kid: 'UNKNOWN000' }],
      ['another team', { iss: 'OTHERTEAM1' }],
    ])('answers 403 InvalidProviderToken for %s', async (_case, claims) => {
      const answer = await push(deviceToken(), { authorization: `bearer ${await providerToken(key, claims)}` });

      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ reason: 'InvalidProviderToken' });
    });

    it('answers 403 InvalidProviderToken for garbage and for a non-bearer scheme', async () => {
      await expect(push(deviceToken(), { authorization: 'bearer not-a-jwt' })).resolves.toMatchObject({
        status: 403,
        body: '{"reason":"InvalidProviderToken"}',
      });
      await expect(push(deviceToken(), { authorization: `basic ${jwt}` })).resolves.toMatchObject({
        status: 403,
        body: '{"reason":"InvalidProviderToken"}',
      });
    });

    it('answers 403 ExpiredProviderToken when iat is more than an hour old', async () => {
      const stale = await providerToken(key, { iat: Math.floor(Date.now() / 1000) - 3700 });

      const answer = await push(deviceToken(), { authorization: `bearer ${stale}` });

      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ reason: 'ExpiredProviderToken' });
    });
  });

  describe('headers', () => {
    it.each<[string, OutgoingHttpHeaders, string]>([
      ['no topic', { 'apns-topic': '' }, 'MissingTopic'],
      ['an unknown push type', { 'apns-push-type': 'shout' }, 'InvalidPushType'],
      ['priority 7', { 'apns-priority': '7' }, 'BadPriority'],
      ['a background push at priority 10', { 'apns-push-type': 'background', 'apns-priority': '10' }, 'BadPriority'],
      ['a non-numeric expiration', { 'apns-expiration': 'tomorrow' }, 'BadExpirationDate'],
      ['a 65-byte collapse id', { 'apns-collapse-id': 'x'.repeat(65) }, 'BadCollapseId'],
    ])('answers 400 for %s', async (_case, headers, reason) => {
      const answer = await push(deviceToken(), headers);

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ reason });
    });

    it('accepts a background push at priority 5, a 64-byte collapse id and a numeric expiration', async () => {
      const answer = await push(
        deviceToken(),
        {
          'apns-push-type': 'background',
          'apns-priority': '5',
          'apns-collapse-id': 'x'.repeat(64),
          'apns-expiration': '0',
        },
        '{"aps":{"content-available":1}}',
      );

      expect(answer.status).toBe(200);
    });

    it('answers 400 TopicDisallowed for a topic the key is not registered for', async () => {
      const limited = ApnsSimulator.generateKey();
      sut.registerKey(limited, ['com.example.other']);

      const answer = await push(deviceToken(), { authorization: `bearer ${await providerToken(limited)}` });

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ reason: 'TopicDisallowed' });
    });

    it('answers 400 DuplicateHeaders when a documented header comes twice', async () => {
      const answer = await push(deviceToken(), { 'apns-topic': [TOPIC, TOPIC] });

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ reason: 'DuplicateHeaders' });
    });
  });

  describe('payload', () => {
    it.each([
      ['an empty body', ''],
      ['no body at all', null],
    ])('answers 400 PayloadEmpty for %s', async (_case, body) => {
      const answer = await push(deviceToken(), {}, body);

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ reason: 'PayloadEmpty' });
    });

    it('answers 413 PayloadTooLarge above 4096 bytes, but takes 4096', async () => {
      const sized = (bytes: number): string => {
        const skeleton = JSON.stringify({ aps: { alert: '' } });
        return JSON.stringify({ aps: { alert: 'x'.repeat(bytes - skeleton.length) } });
      };

      await expect(push(deviceToken(), {}, sized(4096))).resolves.toMatchObject({ status: 200 });
      const answer = await push(deviceToken(), {}, sized(4097));
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({ reason: 'PayloadTooLarge' });
    });

    it('allows VoIP pushes up to 5120 bytes', async () => {
      const body = JSON.stringify({ aps: {}, call: 'x'.repeat(5000) });

      await expect(push(deviceToken(), { 'apns-push-type': 'voip' }, body)).resolves.toMatchObject({ status: 200 });
    });

    it('answers 400 BadPayload for a body that is not a JSON object', async () => {
      const answer = await push(deviceToken(), {}, '{"aps":');

      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ reason: 'BadPayload' });
    });
  });

  describe('scripts', () => {
    it.each([
      [400, 'BadDeviceToken'],
      [400, 'DeviceTokenNotForTopic'],
      [403, 'ExpiredProviderToken'],
      [404, 'BadPath'],
      [405, 'MethodNotAllowed'],
      [410, 'Unregistered'],
      [413, 'PayloadTooLarge'],
      [429, 'TooManyRequests'],
      [429, 'TooManyProviderTokenUpdates'],
      [500, 'InternalServerError'],
      [503, 'ServiceUnavailable'],
      [503, 'Shutdown'],
    ] as const)('answers a scripted %d %s with the JSON reason and the apns-id', async (status, reason) => {
      const token = deviceToken('dead');
      sut.script('dead', { status, reason });

      const answer = await push(token);

      expect(answer.status).toBe(status);
      expect(answer.headers['apns-id']).toEqual(expect.any(String));
      expect(answer.headers['retry-after']).toBeUndefined();
      const body = JSON.parse(answer.body) as Record<string, unknown>;
      expect(body['reason']).toBe(reason);
      expect('timestamp' in body).toBe(status === 410);
      await expect(sut.waitForRequests(1)).resolves.toMatchObject([{ token, status, reason }]);
    });

    it('sends the scripted 410 timestamp in milliseconds', async () => {
      const timestamp = Date.UTC(2024, 0, 2, 3, 4, 5);
      sut.script('', { status: 410, reason: 'Unregistered', timestamp });

      const answer = await push(deviceToken());

      expect(JSON.parse(answer.body)).toEqual({ reason: 'Unregistered', timestamp });
    });

    it('sends retry-after when scripted', async () => {
      sut.script('', { status: 429, reason: 'TooManyRequests', retryAfterSeconds: 30 });

      const answer = await push(deviceToken());

      expect(answer.headers['retry-after']).toBe('30');
    });

    it('answers `times` requests with the script, then normally again', async () => {
      const token = deviceToken('beef');
      sut.script('beef', { status: 503, reason: 'ServiceUnavailable', times: 2 });

      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await push(token)).status);

      expect(statuses).toEqual([503, 503, 200]);
    });

    it('lets the longest matching prefix win and clearScripts forget them all', async () => {
      sut.script('ab', { status: 500, reason: 'InternalServerError' });
      sut.script('abcd', { status: 410, reason: 'Unregistered' });

      await expect(push(deviceToken('abcd'))).resolves.toMatchObject({ status: 410 });
      await expect(push(deviceToken('abce'))).resolves.toMatchObject({ status: 500 });
      await expect(push(deviceToken('cd'))).resolves.toMatchObject({ status: 200 });
      sut.clearScripts();
      await expect(push(deviceToken('abcd'))).resolves.toMatchObject({ status: 200 });
    });

    it('checks the request before the script: an invalid push still gets its own error', async () => {
      sut.script('', { status: 410, reason: 'Unregistered' });

      const answer = await push(deviceToken(), { 'apns-topic': '' });

      expect(JSON.parse(answer.body)).toEqual({ reason: 'MissingTopic' });
    });

    it('sends GOAWAY with a JSON reason instead of answering, and accepts the retry on a new connection', async () => {
      const token = deviceToken('0a0a');
      sut.script('0a0a', { goaway: true, reason: 'Shutdown', times: 1 });
      const goaway = new Promise<{ code: number; data: string }>((resolve) =>
        session.once('goaway', (code, _lastStreamId, data) => resolve({ code, data: data?.toString() ?? '' })),
      );

      await expect(push(token)).rejects.toThrow();

      await expect(goaway).resolves.toEqual({ code: 0, data: '{"reason":"Shutdown"}' });
      session = connect(`https://127.0.0.1:${sut.port}`, { ca: sut.caPem });
      await expect(push(token)).resolves.toMatchObject({ status: 200 });
      const [refused, retried] = await sut.waitForRequests(2);
      expect(refused).toMatchObject({ status: 0, reason: 'Shutdown' });
      expect(retried?.sessionId).not.toBe(refused?.sessionId);
    });
  });

  describe('with @parse/node-apn, the client the APNs adapter uses', () => {
    let provider: Provider;

    beforeEach(() => {
      provider = new Provider({
        token: { key: key.privateKeyPem, keyId: key.keyId, teamId: key.teamId },
        production: false,
        address: '127.0.0.1',
        port: sut.port,
        ca: [sut.caPem],
      });
    });

    afterEach(async () => {
      await provider.shutdown();
    });

    const notification = (): Notification => {
      const note = new Notification();
      note.topic = TOPIC;
      note.pushType = 'alert';
      note.alert = { title: 'Alice', body: 'Lunch?' };
      note.badge = 3;
      return note;
    };

    it('sends pushes on one connection with one provider token', async () => {
      const tokens = [deviceToken(), deviceToken()];

      const first = await provider.send(notification(), tokens[0] ?? '');
      const second = await provider.send(notification(), tokens[1] ?? '');

      expect(first.failed).toEqual([]);
      expect(second.sent).toEqual([expect.objectContaining({ device: tokens[1] })]);
      const recorded = await sut.waitForRequests(2);
      expect(recorded[0]).toMatchObject({
        status: 200,
        payload: { aps: { alert: { title: 'Alice', body: 'Lunch?' }, badge: 3 } },
        headers: { 'apns-topic': TOPIC, 'apns-push-type': 'alert', 'apns-priority': '10' },
        jwt: { kid: key.keyId, iss: key.teamId },
      });
      expect(recorded[1]?.sessionId).toBe(recorded[0]?.sessionId);
      expect(sut.distinctJwtIats()).toBe(1);
    });

    it('reports a scripted 410 with its reason and timestamp', async () => {
      const token = deviceToken('feed');
      sut.script('feed', { status: 410, reason: 'Unregistered', timestamp: 1_700_000_000_000 });

      const result = await provider.send(notification(), token);

      expect(result.failed).toEqual([
        expect.objectContaining({
          device: token,
          status: 410,
          response: { reason: 'Unregistered', timestamp: 1_700_000_000_000 },
        }),
      ]);
    });

    it('reconnects after a GOAWAY', async () => {
      sut.script('', { goaway: true, times: 1 });

      const refused = await provider.send(notification(), deviceToken());
      const accepted = await provider.send(notification(), deviceToken());

      expect(refused.failed).toHaveLength(1);
      expect(accepted.sent).toHaveLength(1);
      const [first, second] = await sut.waitForRequests(2);
      expect(second?.sessionId).not.toBe(first?.sessionId);
    });
  });
});
