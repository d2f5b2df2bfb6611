import { randomBytes } from 'node:crypto';
import { startDistributed, startStandalone, type PushDeployment } from './support/push-shapes';
import { APP_ID, apnsToken, eventually, fcmToken, SandboxClient } from './support/sandbox-client';

describe.each([
  ['distributed (RabbitMQ, Redis, PostgreSQL, one process per service)', startDistributed],
  ['standalone (SQLite, in-process bus, embedded simulators)', startStandalone],
])('devices get pushes: %s', (_shape, start) => {
  let sut: PushDeployment;

  beforeAll(async () => {
    sut = await start();
    client = new SandboxClient(sut.apiUrl, sut.sandboxUrl);
  }, 120_000);
  afterAll(async () => {
    await sut.stop();
  }, 30_000);

  let client: SandboxClient;
  const tokenFor = (upn: string): Promise<string> => client.tokenFor(upn);
  const register = (bearer: string, body: Record<string, unknown>) => client.register(bearer, body);
  const registrations = (bearer: string) => client.registrations(bearer);
  const apnsRequests = (token: string) => client.apnsRequests(token);
  const fcmRequests = (token: string) => client.fcmRequests(token);
  const script = (provider: 'apns' | 'fcm', body: Record<string, unknown>) => client.script(provider, body);

  it('pushes one new mail once to each of alice’s devices, per her settings, and never twice', async () => {
    const alice = `alice.${randomBytes(3).toString('hex')}@example.com`;
    const bearer = await tokenFor(alice);
    const iphone = apnsToken();
    const pixel = fcmToken();
    await register(bearer, {
      deviceId: 'iphone',
      platform: 'ios',
      pushToken: iphone,
      settings: { preview: 'full', badge: true },
    });
    await register(bearer, {
      deviceId: 'pixel',
      platform: 'android',
      pushToken: pixel,
      settings: { preview: 'sender' },
    });

    const change = {
      mailbox: alice,
      itemId: 'AAMkAD-1',
      subject: 'Quarterly numbers',
      from: { name: 'Bob Jones', address: 'bob@example.com' },
      unreadCount: 3,
    };
    await sut.publishChange(change);

    const [ios] = await eventually('the APNs push', async () => {
      const seen = await apnsRequests(iphone);
      return seen.length > 0 ? seen : undefined;
    });
    const [android] = await eventually('the FCM push', async () => {
      const seen = await fcmRequests(pixel);
      return seen.length > 0 ? seen : undefined;
    });
    expect(ios).toMatchObject({
      status: 200,
      headers: { 'apns-topic': APP_ID, 'apns-push-type': 'alert' },
      payload: { aps: { alert: { title: 'Bob Jones', body: 'Quarterly numbers' }, badge: 3 } },
    });
    expect(ios?.headers['apns-collapse-id']).toEqual(expect.any(String));
    expect(android).toMatchObject({ status: 200, message: { android: { priority: 'HIGH' } } });
    expect(android?.message.notification?.title).toBe('Bob Jones');
    expect(JSON.stringify(android?.message)).not.toContain('Quarterly numbers');
    expect(Object.values(android?.message.data ?? {}).every((v) => typeof v === 'string')).toBe(true);

    // The same change again (a redelivery, or EWS's Created+NewMail trio): nothing more is sent. A later,
    // different change proves the dispatcher has handled everything before it.
    await sut.publishChange(change);
    await sut.publishChange({ ...change, itemId: 'AAMkAD-2', subject: 'Later' });
    await eventually('the later change', async () => ((await apnsRequests(iphone)).length >= 2 ? true : undefined));
    await eventually('the later change on Android', async () =>
      (await fcmRequests(pixel)).length >= 2 ? true : undefined,
    );
    const iosSeen = await apnsRequests(iphone);
    expect(iosSeen.map((r) => r.payload.aps.alert?.body)).toEqual(['Quarterly numbers', 'Later']);
    expect(await fcmRequests(pixel)).toHaveLength(2);
  });

  it('prunes a token APNs reports Unregistered, while alice’s other devices keep receiving', async () => {
    const alice = `alice.${randomBytes(3).toString('hex')}@example.com`;
    const bearer = await tokenFor(alice);
    const gone = apnsToken('dead' + randomBytes(2).toString('hex'));
    const kept = apnsToken();
    await script('apns', {
      tokenPrefix: gone.slice(0, 8),
      status: 410,
      reason: 'Unregistered',
      timestamp: Date.now() + 60_000,
    });
    const stale = await register(bearer, { deviceId: 'old-iphone', platform: 'ios', pushToken: gone });
    const live = await register(bearer, { deviceId: 'new-iphone', platform: 'ios', pushToken: kept });

    await sut.publishChange({ mailbox: alice, itemId: 'm-1', subject: 'Hello', unreadCount: 1 });

    await eventually('the live device’s push', async () =>
      (await apnsRequests(kept)).length === 1 ? true : undefined,
    );
    const pruned = await eventually('the dead token pruned', async () => {
      const all = await registrations(bearer);
      const dead = all.find((r) => r.id === stale.id);
      return dead !== undefined && dead.status !== 'active' ? all : undefined;
    });
    expect(pruned.find((r) => r.id === live.id)?.status).toBe('active');
    expect((await apnsRequests(gone)).map((r) => r.status)).toEqual([410]);

    await sut.publishChange({ mailbox: alice, itemId: 'm-2', subject: 'Again', unreadCount: 2 });
    await eventually('the next push', async () => ((await apnsRequests(kept)).length === 2 ? true : undefined));
    expect(await apnsRequests(gone)).toHaveLength(1);
  });

  it('retries a push refused once with 429 or 500, and delivers it', async () => {
    const alice = `alice.${randomBytes(3).toString('hex')}@example.com`;
    const bearer = await tokenFor(alice);
    const busy = apnsToken('a29' + randomBytes(2).toString('hex'));
    const flaky = fcmToken('f500' + randomBytes(2).toString('hex'));
    await script('apns', { tokenPrefix: busy.slice(0, 7), status: 429, reason: 'TooManyRequests', times: 1 });
    await script('fcm', { tokenPrefix: flaky.slice(0, 8), errorCode: 'INTERNAL', times: 1 });
    await register(bearer, { deviceId: 'iphone', platform: 'ios', pushToken: busy });
    await register(bearer, { deviceId: 'pixel', platform: 'android', pushToken: flaky });

    await sut.publishChange({ mailbox: alice, itemId: 'm-1', subject: 'Persistence', unreadCount: 1 });

    const ios = await eventually('the APNs retry', async () => {
      const seen = await apnsRequests(busy);
      return seen.some((r) => r.status === 200) ? seen : undefined;
    });
    const android = await eventually('the FCM retry', async () => {
      const seen = await fcmRequests(flaky);
      return seen.some((r) => r.status === 200) ? seen : undefined;
    });
    expect(ios.map((r) => r.status)).toEqual([429, 200]);
    expect(android.map((r) => r.status)).toEqual([500, 200]);
  });

  it('dead-letters a push that keeps failing', async () => {
    const alice = `alice.${randomBytes(3).toString('hex')}@example.com`;
    const bearer = await tokenFor(alice);
    const broken = fcmToken('f503' + randomBytes(2).toString('hex'));
    await script('fcm', { tokenPrefix: broken.slice(0, 8), errorCode: 'UNAVAILABLE' });
    await register(bearer, { deviceId: 'pixel', platform: 'android', pushToken: broken });

    const changeId = await sut.publishChange({ mailbox: alice, itemId: 'm-1', subject: 'Doomed', unreadCount: 1 });

    const letter = await eventually(
      'the dead letter',
      async () => (await sut.deadLetters()).find((l) => JSON.stringify(l.payload).includes(changeId)),
      30_000,
    );
    expect(letter).toMatchObject({ type: 'mail.changed', group: 'dispatcher' });
    expect(letter.reason).toMatch(/UNAVAILABLE|503/);
    expect((await fcmRequests(broken)).length).toBeGreaterThanOrEqual(2);
  });
});
