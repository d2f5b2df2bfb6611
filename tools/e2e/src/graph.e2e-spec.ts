import { randomBytes } from 'node:crypto';
import { startDistributed, startStandalone, type PushDeployment, type ShapeOptions } from './support/push-shapes';
import { apnsToken, eventually, SandboxClient, type ApnsRecord } from './support/sandbox-client';

interface SimulatedSubscription {
  readonly id: string;
  readonly clientState: string | null;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl: string | null;
  readonly expirationDateTime: string;
  readonly changeType: string;
  readonly reauthorizationRequired: boolean;
  readonly reauthorizedCount: number;
}
interface SimulatedMessage {
  readonly id: string;
}

/** One-minute subscriptions, so renewal (a quarter of the lifetime ahead) happens within the suite. */
const GRAPH_ENV = { GRAPH_SUBSCRIPTION_LIFETIME_MINUTES: '1' };
const options: ShapeOptions = { graph: true, env: GRAPH_ENV };

describe.each([
  ['distributed (graph-receiver, RabbitMQ, Redis, PostgreSQL)', () => startDistributed(options)],
  ['standalone (SQLite, in-process bus, embedded Graph simulator)', () => startStandalone(options)],
])('Exchange Online through Graph: %s', (_shape, start) => {
  let sut: PushDeployment;
  let client: SandboxClient;

  beforeAll(async () => {
    sut = await start();
    client = new SandboxClient(sut.apiUrl, sut.sandboxUrl);
  }, 120_000);
  afterAll(async () => {
    await sut.stop();
  }, 30_000);

  const subscriptionsOf = (user: string): Promise<readonly SimulatedSubscription[]> =>
    client.read<SimulatedSubscription[]>(`graph/subscriptions?user=${encodeURIComponent(user)}`);
  const deliver = (user: string, subject: string): Promise<SimulatedMessage> =>
    client.control<SimulatedMessage>(
      'graph/mail',
      { user, subject, from: { name: 'Bob Jones', address: 'bob@fabrikam.example' } },
      201,
    );
  const pushesTo = async (token: string, count: number, what: string): Promise<readonly ApnsRecord[]> =>
    eventually(what, async () => {
      const seen = await client.apnsRequests(token);
      return seen.length >= count ? seen : undefined;
    });
  const oneSubscription = (user: string, what: string, unlike?: string): Promise<SimulatedSubscription> =>
    eventually(
      what,
      async () => {
        const all = await subscriptionsOf(user);
        return all.length === 1 && all[0]?.id !== unlike ? all[0] : undefined;
      },
      10_000,
    );

  it('subscribes, pushes each mail once, renews, recreates, catches up, and unsubscribes', async () => {
    const alice = `alice.${randomBytes(3).toString('hex')}@contoso.example`;
    const bearer = await client.tokenFor(alice);
    const iphone = apnsToken();
    const registration = await client.register(bearer, {
      deviceId: 'iphone',
      platform: 'ios',
      pushToken: iphone,
      settings: { preview: 'full', badge: true },
    });

    // One subscription for her inbox, with a clientState, the lifecycle URL and an allowed expiry.
    const first = await oneSubscription(alice, 'her subscription');
    expect(first.clientState).toEqual(expect.any(String));
    expect(first.clientState?.length).toBeLessThanOrEqual(128);
    expect(first.lifecycleNotificationUrl).toMatch(/\/notificationClient$/);
    expect(first.changeType).toBe('created,updated');
    const expiresIn = Date.parse(first.expirationDateTime) - Date.now();
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(60_000 + 5000);

    // A mail arrives: one push, with sender and subject (preview full) and her unread count.
    await deliver(alice, 'Quarterly numbers');
    const [push] = await pushesTo(iphone, 1, 'the push of the first mail');
    expect(push).toMatchObject({
      status: 200,
      payload: { aps: { alert: { title: 'Bob Jones', body: 'Quarterly numbers' }, badge: 1 } },
    });

    // Renewed before it expires (a quarter of the one-minute lifetime ahead).
    const renewed = await eventually(
      'the renewal',
      async () => {
        const [current] = await subscriptionsOf(alice);
        return current !== undefined && current.expirationDateTime !== first.expirationDateTime ? current : undefined;
      },
      70_000,
    );
    // The same subscription: had it expired, Graph would have deleted it and mailpush created another.
    expect(renewed.id).toBe(first.id);
    expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(Date.parse(first.expirationDateTime));

    // Graph removes the subscription; a mail arrives while it is gone; it is recreated and the mail pushed once.
    await client.control('graph/lifecycle', { subscriptionId: first.id, lifecycleEvent: 'subscriptionRemoved' }, 202);
    await deliver(alice, 'While it was gone');
    const recreated = await oneSubscription(alice, 'the recreated subscription', first.id);
    expect(recreated.clientState).not.toBe(first.clientState);
    const afterGap = await pushesTo(iphone, 2, 'the push of the mail delivered while the subscription was gone');
    expect(afterGap[1]?.payload.aps.alert?.body).toBe('While it was gone');

    // Notifications dropped, then `missed`: the catch-up pushes each missed mail exactly once.
    await client.control('graph/drops', { user: alice, count: 2 }, 204);
    await deliver(alice, 'Missed one');
    await deliver(alice, 'Missed two');
    await client.control('graph/lifecycle', { subscriptionId: recreated.id, lifecycleEvent: 'missed' }, 202);
    const caughtUp = await pushesTo(iphone, 4, 'the pushes of the missed mail');
    expect(
      caughtUp
        .slice(2)
        .map((r) => r.payload.aps.alert?.body)
        .sort(),
    ).toEqual(['Missed one', 'Missed two']);

    // Another mail proves everything before it was handled: no push was sent twice.
    await deliver(alice, 'Last');
    const all = await pushesTo(iphone, 5, 'the last push');
    expect(all.map((r) => r.payload.aps.alert?.body)).toEqual([
      'Quarterly numbers',
      'While it was gone',
      ...caughtUp.slice(2).map((r) => r.payload.aps.alert?.body),
      'Last',
    ]);

    // Her last device unregisters: the subscription is deleted.
    await client.unregister(bearer, registration.id);
    await eventually('the subscription deleted', async () =>
      (await subscriptionsOf(alice)).length === 0 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await client.apnsRequests(iphone)).toHaveLength(5);
  }, 180_000);

  it('pushes a badge-only update when a mail is read, and reauthorizes when Graph asks', async () => {
    const bob = `bob.${randomBytes(3).toString('hex')}@contoso.example`;
    const bearer = await client.tokenFor(bob);
    const iphone = apnsToken();
    await client.register(bearer, {
      deviceId: 'iphone',
      platform: 'ios',
      pushToken: iphone,
      settings: { preview: 'full', badge: true },
    });
    const subscription = await oneSubscription(bob, 'his subscription');

    const message = await deliver(bob, 'Read me');
    await pushesTo(iphone, 1, 'the new-mail push');
    await client.control('graph/read', { user: bob, messageId: message.id }, 201);

    const [, update] = await pushesTo(iphone, 2, 'the badge update');
    expect(update?.headers['apns-push-type']).toBe('background');
    expect(update?.payload.aps.badge).toBe(0);
    expect(update?.payload.aps.alert).toBeUndefined();

    await client.control(
      'graph/lifecycle',
      { subscriptionId: subscription.id, lifecycleEvent: 'reauthorizationRequired' },
      202,
    );
    const reauthorized = await eventually('the reauthorization', async () => {
      const [current] = await subscriptionsOf(bob);
      return current !== undefined && current.reauthorizedCount > 0 ? current : undefined;
    });
    expect(reauthorized).toMatchObject({ id: subscription.id, reauthorizationRequired: false });
  }, 60_000);
});
