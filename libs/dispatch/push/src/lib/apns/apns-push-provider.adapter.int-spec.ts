import { randomBytes } from 'node:crypto';
import { ApnsSimulator } from '@mailpush/simulators';
import type { ApnsCredential, PushEndpoints } from '../port/push-credential';
import type { PushNotification, PushOutcome, PushRequest } from '../port/push-provider.port';
import { loadApnsCredential } from './apns-credential.loader';
import { ApnsPushProvider } from './apns-push-provider.adapter';

const TOPIC = 'com.example.mailpush';
const EXPIRES_AT = new Date('2031-02-03T04:05:06Z');

/** A 32-byte hex device token starting with `prefix` (the simulator scripts answers by token prefix). */
function deviceToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('hex').slice(prefix.length);
}

function push(token: string, notification: Partial<PushNotification> = {}): PushRequest {
  return {
    target: {
      registrationId: `reg-${token.slice(0, 8)}`,
      platform: 'ios',
      token,
      appId: TOPIC,
      environment: 'sandbox',
    },
    notification: {
      kind: 'alert',
      title: 'Alice Example',
      body: 'Lunch on Friday?',
      badge: 4,
      sound: 'default',
      collapseId: 'mailbox-7',
      threadId: 'mailbox-7',
      expiresAt: EXPIRES_AT,
      data: { mailbox: 'mailbox-7', messageId: 'AAMkAD1' },
      ...notification,
    },
  };
}

describe(ApnsPushProvider.name, () => {
  let simulator: ApnsSimulator;
  let credential: ApnsCredential;
  let endpoint: PushEndpoints['apns'];
  let sut: ApnsPushProvider;

  beforeAll(async () => {
    simulator = await ApnsSimulator.start({ port: 0 });
    const key = ApnsSimulator.generateKey();
    simulator.registerKey(key, [TOPIC]);
    credential = await loadApnsCredential({ keyPem: key.privateKeyPem, keyId: key.keyId, teamId: key.teamId });
    endpoint = { host: simulator.host, port: simulator.port, caPem: simulator.caPem };
    sut = new ApnsPushProvider({ credential, environment: 'sandbox', endpoint });
  });

  afterEach(() => {
    simulator.reset();
  });

  afterAll(async () => {
    await sut.close();
    await simulator.close();
  });

  it('sends an alert with the apns headers, a bearer JWT and the payload Apple documents', async () => {
    const token = deviceToken();

    const [outcome] = await sut.send([push(token)]);

    const [request] = simulator.requests({ token });
    expect(outcome).toEqual({ status: 'sent', providerMessageId: request?.apnsId });
    expect(request?.status).toBe(200);
    expect(request?.headers).toMatchObject({
      ':method': 'POST',
      ':path': `/3/device/${token}`,
      'apns-topic': TOPIC,
      'apns-push-type': 'alert',
      'apns-priority': '10',
      'apns-collapse-id': 'mailbox-7',
      'apns-expiration': String(EXPIRES_AT.getTime() / 1000),
      'apns-id': request?.apnsId,
      authorization: expect.stringMatching(/^bearer ey/),
    });
    expect(request?.jwt).toEqual({ kid: credential.keyId, iss: credential.teamId, iat: expect.any(Number) });
    expect(request?.payload).toEqual({
      mailbox: 'mailbox-7',
      messageId: 'AAMkAD1',
      aps: {
        alert: { title: 'Alice Example', body: 'Lunch on Friday?' },
        badge: 4,
        sound: 'default',
        'thread-id': 'mailbox-7',
        'mutable-content': 1,
      },
    });
  });

  it('sends a badge update as a silent background push at priority 5', async () => {
    const token = deviceToken();

    const [outcome] = await sut.send([push(token, { kind: 'badge', title: undefined, body: undefined, badge: 0 })]);

    const [request] = simulator.requests({ token });
    expect(outcome?.status).toBe('sent');
    expect(request?.headers).toMatchObject({ 'apns-push-type': 'background', 'apns-priority': '5' });
    expect(request?.payload).toEqual({
      mailbox: 'mailbox-7',
      messageId: 'AAMkAD1',
      aps: { 'content-available': 1, badge: 0 },
    });
  });

  it('sends hundreds of pushes concurrently over one HTTP/2 session with one JWT, outcomes in order', async () => {
    const tokens = Array.from({ length: 300 }, () => deviceToken());

    const outcomes = await sut.send(tokens.map((token) => push(token)));

    const requests = simulator.requests();
    expect(requests).toHaveLength(300);
    expect(new Set(requests.map((request) => request.sessionId)).size).toBe(1);
    expect(simulator.distinctJwtIats()).toBe(1);
    const idByToken = new Map(requests.map((request) => [request.token, request.apnsId]));
    expect(outcomes).toEqual(tokens.map((token) => ({ status: 'sent', providerMessageId: idByToken.get(token) })));
  });

  it('reuses the provider JWT across separate sends', async () => {
    await sut.send([push(deviceToken())]);
    await sut.send([push(deviceToken()), push(deviceToken())]);

    expect(simulator.requests()).toHaveLength(3);
    expect(simulator.distinctJwtIats()).toBe(1);
  });

  it('prunes a token APNs answers 410 Unregistered, with the timestamp APNs gave', async () => {
    simulator.script('a410', { status: 410, reason: 'Unregistered', timestamp: 1_700_000_000_000 });

    const [outcome] = await sut.send([push(deviceToken('a410'))]);

    expect(outcome).toEqual(
      failed('prune', '410 Unregistered', 410, { tokenInvalidSince: new Date(1_700_000_000_000) }),
    );
  });

  it.each<[string, { status: 400 | 403 | 413 | 429 | 500 | 503; reason: string }, PushOutcome]>([
    [
      'b400',
      { status: 400, reason: 'BadDeviceToken' },
      failed('prune', '400 BadDeviceToken (sent to APNs sandbox)', 400),
    ],
    ['b401', { status: 400, reason: 'DeviceTokenNotForTopic' }, failed('prune', '400 DeviceTokenNotForTopic', 400)],
    ['b402', { status: 400, reason: 'BadTopic' }, failed('reject', '400 BadTopic', 400)],
    ['b403', { status: 403, reason: 'InvalidProviderToken' }, failed('credential', '403 InvalidProviderToken', 403)],
    ['b413', { status: 413, reason: 'PayloadTooLarge' }, failed('reject', '413 PayloadTooLarge', 413)],
    ['b429', { status: 429, reason: 'TooManyRequests' }, failed('retry', '429 TooManyRequests', 429)],
    ['b503', { status: 503, reason: 'ServiceUnavailable' }, failed('retry', '503 ServiceUnavailable', 503)],
  ])('maps a scripted answer (token prefix %s) to its outcome', async (prefix, script, expected) => {
    simulator.script(prefix, script);

    const [outcome] = await sut.send([push(deviceToken(prefix))]);

    expect(outcome).toEqual(expected);
  });

  it('retries 429 even when APNs sends Retry-After (node-apn does not pass the header on)', async () => {
    simulator.script('c429', { status: 429, reason: 'TooManyProviderTokenUpdates', retryAfterSeconds: 30 });

    const [outcome] = await sut.send([push(deviceToken('c429'))]);

    expect(outcome).toEqual(failed('retry', '429 TooManyProviderTokenUpdates', 429));
    expect(simulator.requests()).toHaveLength(1);
  });

  it('retries a 500 without resending it itself', async () => {
    simulator.script('c500', { status: 500, reason: 'InternalServerError' });

    const [outcome] = await sut.send([push(deviceToken('c500'))]);

    expect(outcome).toEqual(failed('retry', '500 InternalServerError', 500));
    expect(simulator.requests()).toHaveLength(1);
  });

  it('resends once with a new JWT when APNs says ExpiredProviderToken', async () => {
    const token = deviceToken('d403');
    simulator.script('d403', { status: 403, reason: 'ExpiredProviderToken', times: 1 });

    const [outcome] = await sut.send([push(token)]);

    expect(outcome?.status).toBe('sent');
    expect(simulator.requests({ token }).map((request) => request.status)).toEqual([403, 200]);
  });

  it('retries a push cut off by GOAWAY, and the next push goes over a new session', async () => {
    simulator.script('e0a0', { goaway: true, times: 1 });
    const lost = deviceToken('e0a0');
    const next = deviceToken();

    const [lostOutcome] = await sut.send([push(lost)]);
    const [nextOutcome] = await sut.send([push(next)]);

    expect(lostOutcome).toMatchObject({
      status: 'failed',
      disposition: 'retry',
      reason: expect.stringMatching(/^connection: /),
    });
    expect(nextOutcome?.status).toBe('sent');
    const [goneRequest] = simulator.requests({ token: lost });
    const [nextRequest] = simulator.requests({ token: next });
    expect(nextRequest?.sessionId).toBeGreaterThan(goneRequest?.sessionId ?? Number.MAX_SAFE_INTEGER);
  });

  it('shortens a 5000-byte body to fit the 4096-byte payload limit', async () => {
    const token = deviceToken();

    const [outcome] = await sut.send([push(token, { body: 'Ünïcödé 📬 '.repeat(320) })]);

    const [request] = simulator.requests({ token });
    expect(outcome?.status).toBe('sent');
    expect(Buffer.byteLength(request?.rawBody ?? '', 'utf8')).toBeLessThanOrEqual(4096);
    const alert = (request?.payload as { aps: { alert: { body: string } } }).aps.alert;
    expect(alert.body).toMatch(/…$/);
    expect(alert.body.length).toBeGreaterThan(1000);
  });

  it('rejects locally what cannot fit, without sending it', async () => {
    const [outcome] = await sut.send([push(deviceToken(), { data: { huge: 'x'.repeat(5000) } })]);

    expect(outcome).toMatchObject({
      status: 'failed',
      disposition: 'reject',
      reason: expect.stringMatching(/^local: /),
    });
    expect(simulator.requests()).toHaveLength(0);
  });

  it('refuses a target of the other environment rather than let APNs call its token bad', async () => {
    const production = push(deviceToken());
    const request = { ...production, target: { ...production.target, environment: 'production' as const } };

    const [outcome] = await sut.send([request]);

    expect(outcome).toMatchObject({
      status: 'failed',
      disposition: 'reject',
      reason: expect.stringMatching(/^local: /),
    });
    expect(simulator.requests()).toHaveLength(0);
  });

  it('reports a key APNs does not know as a credential failure', async () => {
    const stranger = ApnsSimulator.generateKey();
    const other = new ApnsPushProvider({
      credential: await loadApnsCredential({
        keyPem: stranger.privateKeyPem,
        keyId: stranger.keyId,
        teamId: stranger.teamId,
      }),
      environment: 'sandbox',
      endpoint,
    });

    try {
      const [outcome] = await other.send([push(deviceToken())]);

      expect(outcome).toMatchObject({ status: 'failed', disposition: 'credential', httpStatus: 403 });
    } finally {
      await other.close();
    }
  });

  it('answers retry for sends after close', async () => {
    const closed = new ApnsPushProvider({ credential, environment: 'sandbox', endpoint });
    await closed.send([push(deviceToken())]);

    await closed.close();
    const [outcome] = await closed.send([push(deviceToken())]);

    expect(outcome).toEqual(failed('retry', 'connection: provider closed', undefined));
  });
});

function failed(
  disposition: 'prune' | 'retry' | 'credential' | 'reject',
  reason: string,
  httpStatus: number | undefined,
  extra: { tokenInvalidSince?: Date; retryAfterMs?: number } = {},
): PushOutcome {
  return {
    status: 'failed',
    disposition,
    reason,
    httpStatus,
    retryAfterMs: extra.retryAfterMs,
    tokenInvalidSince: extra.tokenInvalidSince,
  };
}
