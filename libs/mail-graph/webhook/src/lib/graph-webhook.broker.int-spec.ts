import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createThrowawayPostgresDatabase, TcpProxy, type ThrowawayDatabase, eventually } from '@mailpush/testing';
import { changeItem, lifecycleItem, post, type WebhookResponse } from '../testing/graph-payloads';
import { WebhookTestApp } from '../testing/webhook-test-app';
import { GraphWebhookModule } from './graph-webhook.module';

const BROKER = { host: '127.0.0.1', port: 5672 };

function rabbitmqctl(...args: string[]): void {
  execFileSync('rabbitmqctl', ['-q', ...args], { timeout: 30_000 });
}

/**
 * The webhook on the real RabbitMQ bus, in a vhost of its own, through a TCP proxy that can cut the broker
 * off without stopping it (other suites use it).
 */
describe(`${GraphWebhookModule.name} on RabbitMQ`, () => {
  const vhost = `mailpush-webhook-test-${randomBytes(4).toString('hex')}`;
  let proxy: TcpProxy;
  let db: ThrowawayDatabase;
  let api: WebhookTestApp;

  beforeAll(async () => {
    rabbitmqctl('add_vhost', vhost);
    rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
    proxy = await TcpProxy.start(BROKER);
    db = await createThrowawayPostgresDatabase();
    api = await WebhookTestApp.start({
      DATABASE_URL: db.url,
      AMQP_URL: `amqp://guest:guest@${proxy.host}:${proxy.port}/${vhost}`,
    });
  });

  afterAll(async () => {
    await api.stop();
    await proxy.close();
    await db.drop();
    rabbitmqctl('delete_vhost', vhost);
  });

  it('publishes with confirms and answers 202', async () => {
    const alice = await api.addSubscription();

    const response = await post(api.url, { value: [changeItem(alice, 'm-1'), lifecycleItem(alice, 'missed')] });

    expect(response.status).toBe(202);
    await eventually('the change', () => api.log.changesOf(alice.subscriptionId).length === 1);
    await eventually('the lifecycle notification', () => api.log.lifecyclesOf(alice.subscriptionId).length === 1);
  });

  it('answers 503 with Retry-After while the broker is unreachable, and 202 to the same POST once it is back', async () => {
    const alice = await api.addSubscription();
    const bob = await api.addSubscription();
    const body = { value: [changeItem(alice, 'm-1'), changeItem(bob, 'm-2'), lifecycleItem(bob, 'missed')] };
    // Looked up before the cut, so that only the bus is missing.
    expect((await post(api.url, { value: [changeItem(alice, 'warm-up'), changeItem(bob, 'warm-up')] })).status).toBe(
      202,
    );

    proxy.pause();
    const refused = await post(api.url, body);

    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.json).toMatchObject({ type: 'urn:mailpush:problem:unavailable', status: 503 });

    proxy.resume();
    let retried: WebhookResponse | undefined;
    await eventually(
      'the POST to be accepted again',
      async () => {
        retried = await post(api.url, body);
        return retried.status === 202;
      },
      60_000,
    );

    expect(retried?.status).toBe(202);
    await eventually(
      'both changes',
      () =>
        api.log.changesOf(alice.subscriptionId).some((c) => c.messageId === 'm-1') &&
        api.log.changesOf(bob.subscriptionId).some((c) => c.messageId === 'm-2'),
    );
    await eventually('the lifecycle notification', () => api.log.lifecyclesOf(bob.subscriptionId).length > 0);
  }, 90_000);
});
