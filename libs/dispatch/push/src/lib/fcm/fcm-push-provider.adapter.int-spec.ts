import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { FcmSimulator } from '@mailpush/simulators';
import type { FcmCredential, PushEndpoints } from '../port/push-credential';
import type { PushNotification, PushOutcome, PushRequest } from '../port/push-provider.port';
import { loadFcmCredential } from './fcm-credential.loader';
import { FcmPushProvider } from './fcm-push-provider.adapter';

const PROJECT = 'mailpush-int-test';

/** A registration token starting with `prefix` (the simulator scripts answers by token prefix). */
function registrationToken(prefix = 'ok'): string {
  return `${prefix}:${randomBytes(24).toString('base64url')}`;
}

function push(token: string, notification: Partial<PushNotification> = {}): PushRequest {
  return {
    target: {
      registrationId: `reg-${token}`,
      platform: 'android',
      token,
      appId: 'com.example.mailpush',
      environment: 'production',
    },
    notification: {
      kind: 'alert',
      title: 'Alice Example',
      body: 'Lunch on Friday?',
      badge: 4,
      sound: 'default',
      collapseId: 'mailbox-7',
      threadId: 'mailbox-7',
      expiresAt: new Date(Date.now() + 3600_000),
      data: { mailbox: 'mailbox-7', messageId: 'AAMkAD1' },
      ...notification,
    },
  };
}

describe(FcmPushProvider.name, () => {
  let simulator: FcmSimulator;
  let credential: FcmCredential;
  let endpoint: PushEndpoints['fcm'];
  let sut: FcmPushProvider;

  beforeAll(async () => {
    simulator = await FcmSimulator.start({ port: 0 });
    credential = loadFcmCredential(simulator.createServiceAccount(PROJECT));
    // No tokenUrl: the service account's token_uri already names the simulator.
    endpoint = { endpoint: simulator.url, tokenUrl: undefined, caPem: simulator.caPem };
    sut = new FcmPushProvider({ credential, endpoint });
  });

  afterEach(() => {
    simulator.reset();
  });

  afterAll(async () => {
    await sut.close();
    await simulator.close();
  });

  it('sends an alert over HTTP/2 with notification, string data and the android block', async () => {
    const token = registrationToken();

    const [outcome] = await sut.send([push(token)]);

    const [request] = simulator.requests({ token });
    expect(outcome).toEqual({ status: 'sent', providerMessageId: request?.name });
    expect(request).toMatchObject({ projectId: PROJECT, status: 200, httpVersion: '2.0' });
    expect(request?.name).toMatch(new RegExp(`^projects/${PROJECT}/messages/`));
    expect(request?.message).toEqual({
      token,
      notification: { title: 'Alice Example', body: 'Lunch on Friday?' },
      data: { mailbox: 'mailbox-7', messageId: 'AAMkAD1', badge: '4' },
      android: {
        priority: 'HIGH',
        collapse_key: 'mailbox-7',
        ttl: expect.stringMatching(/^(3600|3599)s$/),
        notification: { tag: 'mailbox-7', sound: 'default', notification_count: 4 },
      },
    });
  });

  it('sends a badge update as a data-only message', async () => {
    const token = registrationToken();

    const [outcome] = await sut.send([push(token, { kind: 'badge', title: undefined, body: undefined, badge: 0 })]);

    const [request] = simulator.requests({ token });
    expect(outcome?.status).toBe('sent');
    expect(request?.message).toEqual({
      token,
      data: { mailbox: 'mailbox-7', messageId: 'AAMkAD1', badge: '0' },
      android: { priority: 'NORMAL', collapse_key: 'mailbox-7', ttl: expect.stringMatching(/^\d+s$/) },
    });
  });

  it('sends hundreds of pushes concurrently over one HTTP/2 session, outcomes in order', async () => {
    const tokens = Array.from({ length: 300 }, () => registrationToken());

    const outcomes = await sut.send(tokens.map((token) => push(token)));

    const requests = simulator.requests();
    expect(requests).toHaveLength(300);
    expect(new Set(requests.map((request) => request.sessionId)).size).toBe(1);
    const nameByToken = new Map(requests.map((request) => [request.token, request.name]));
    expect(outcomes).toEqual(tokens.map((token) => ({ status: 'sent', providerMessageId: nameByToken.get(token) })));
  });

  it('caches the OAuth access token across sends', async () => {
    const fresh = new FcmPushProvider({ credential, endpoint });
    try {
      await fresh.send([push(registrationToken()), push(registrationToken())]);
      await fresh.send([push(registrationToken())]);

      expect(simulator.tokenRequests()).toEqual([
        expect.objectContaining({ clientEmail: credential.clientEmail, status: 200 }),
      ]);
      expect(simulator.requests().map((request) => request.status)).toEqual([200, 200, 200]);
    } finally {
      await fresh.close();
    }
  });

  it.each<[string, Parameters<FcmSimulator['script']>[1], PushOutcome]>([
    ['unreg', { errorCode: 'UNREGISTERED' }, failed('prune', '404 UNREGISTERED', 404)],
    ['sender', { errorCode: 'SENDER_ID_MISMATCH' }, failed('prune', '403 SENDER_ID_MISMATCH', 403)],
    [
      'invalid',
      { errorCode: 'INVALID_ARGUMENT' },
      failed('prune', '400 INVALID_ARGUMENT (invalid registration token)', 400),
    ],
    [
      'quota',
      { errorCode: 'QUOTA_EXCEEDED', retryAfterSeconds: 60 },
      failed('retry', '429 QUOTA_EXCEEDED', 429, { retryAfterMs: 60_000 }),
    ],
    ['unavailable', { errorCode: 'UNAVAILABLE' }, failed('retry', '503 UNAVAILABLE', 503)],
    ['internal', { errorCode: 'INTERNAL' }, failed('retry', '500 INTERNAL', 500)],
    ['thirdparty', { errorCode: 'THIRD_PARTY_AUTH_ERROR' }, failed('credential', '401 THIRD_PARTY_AUTH_ERROR', 401)],
  ])('maps a scripted error (token prefix %s) to its outcome', async (prefix, script, expected) => {
    simulator.script(prefix, script);

    const [outcome] = await sut.send([push(registrationToken(prefix))]);

    expect(outcome).toEqual(expected);
    expect(simulator.requests()).toHaveLength(1);
  });

  it('retries a push cut off by GOAWAY, and the next push goes over a new session', async () => {
    simulator.script('gone', { goaway: true, times: 1 });
    const lost = registrationToken('gone');
    const next = registrationToken();

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

  it('fetches a new access token when FCM refuses the cached one, and sends', async () => {
    await sut.send([push(registrationToken())]);
    simulator.reset();
    simulator.expireAccessTokens();
    const token = registrationToken();

    const [outcome] = await sut.send([push(token)]);

    expect(outcome?.status).toBe('sent');
    expect(simulator.requests({ token }).map((request) => request.status)).toEqual([401, 200]);
    expect(simulator.tokenRequests()).toHaveLength(1);
  });

  it('shortens a 5000-byte body to fit the 4096-byte limit', async () => {
    const token = registrationToken();

    const [outcome] = await sut.send([push(token, { body: 'Ünïcödé 📬 '.repeat(320) })]);

    const [request] = simulator.requests({ token });
    expect(outcome?.status).toBe('sent');
    const { notification } = request?.message as { notification: { body: string } };
    expect(notification.body).toMatch(/…$/);
    expect(notification.body.length).toBeGreaterThan(1000);
  });

  it('reports a service account the token endpoint refuses as a credential failure', async () => {
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const impostor = new FcmPushProvider({
      credential: { ...credential, privateKeyPem: otherKey.toString() },
      endpoint,
    });

    try {
      const [outcome] = await impostor.send([push(registrationToken())]);

      expect(outcome).toMatchObject({
        status: 'failed',
        disposition: 'credential',
        reason: expect.stringMatching(/^oauth: .*400/),
      });
      expect(simulator.requests()).toHaveLength(0);
    } finally {
      await impostor.close();
    }
  });
});

function failed(
  disposition: 'prune' | 'retry' | 'credential' | 'reject',
  reason: string,
  httpStatus: number | undefined,
  extra: { retryAfterMs?: number } = {},
): PushOutcome {
  return {
    status: 'failed',
    disposition,
    reason,
    httpStatus,
    retryAfterMs: extra.retryAfterMs,
    tokenInvalidSince: undefined,
  };
}
