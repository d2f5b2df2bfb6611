import { randomUUID } from 'node:crypto';
import { describeEachDatabase, type ThrowawayDatabase, eventually } from '@mailpush/testing';
import { GraphNotificationLog } from '../testing/graph-notification-log';
import { changeItem, lifecycleItem, post, type WebhookResponse } from '../testing/graph-payloads';
import { WebhookTestApp, type TestSubscription } from '../testing/webhook-test-app';
import { GraphWebhookModule } from './graph-webhook.module';

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

function expectProblem(response: WebhookResponse, status: number, type: string): Record<string, unknown> {
  expect({ status: response.status, contentType: response.headers.get('content-type') }).toEqual({
    status,
    contentType: PROBLEM_JSON,
  });
  expect(response.json).toMatchObject({ type, status, instance: '/notificationClient' });
  return response.json ?? {};
}

describe(GraphWebhookModule.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let api: WebhookTestApp;
    let log: GraphNotificationLog;

    beforeAll(async () => {
      db = await database.create();
      api = await WebhookTestApp.start({ DATABASE_URL: db.url }, { unknownSubscriptionCacheTtlMs: 50 });
      log = api.log;
    });

    afterAll(async () => {
      await api.stop();
      await db.drop();
    });

    /** Posts a valid notification for a fresh subscription and waits for it: everything published before has arrived. */
    async function settle(): Promise<void> {
      const sentinel = await api.addSubscription();
      expect((await post(api.url, { value: [changeItem(sentinel, 'sentinel')] })).status).toBe(202);
      await eventually('the sentinel notification', () => log.changesOf(sentinel.subscriptionId).length === 1);
    }

    describe('validation handshake', () => {
      const tokens: readonly [string, string][] = [
        ['a plain token', 'Validation: Testing client application reachability for subscription Request-Id: 1'],
        ['plus signs', 'a+b+=c'],
        ['percent signs', '100% sure %20 %2B'],
        ['spaces', '  leading and trailing  '],
        ['non-ASCII', 'ünïcødé ✓ 日本語 🙂'],
        ['markup', '<script>alert("x")</script>&amp;'],
      ];

      it.each(tokens)('echoes %s byte for byte, as text/plain', async (_name, token) => {
        const response = await post(`${api.url}?validationToken=${encodeURIComponent(token)}`, '', {
          'content-type': 'text/plain; charset=utf-8',
        });

        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(response.bytes.equals(Buffer.from(token, 'utf8'))).toBe(true);
      });

      it('decodes a space sent as + (form encoding, as ASP.NET does)', async () => {
        const response = await post(`${api.url}?validationToken=a+b%2Bc`, '', { 'content-type': 'text/plain' });

        expect(response.bytes.toString('utf8')).toBe('a b+c');
      });

      it('never parses the body of a handshake', async () => {
        const response = await post(`${api.url}?validationToken=abc`, '{ not json', {
          'content-type': 'application/json',
        });

        expect(response.status).toBe(200);
        expect(response.bytes.toString('utf8')).toBe('abc');
      });

      it('answers two handshakes in a row (notification and lifecycle URL are the same)', async () => {
        const [first, second] = await Promise.all([
          post(`${api.url}?validationToken=first`, '', { 'content-type': 'text/plain' }),
          post(`${api.url}?validationToken=second`, '', { 'content-type': 'text/plain' }),
        ]);

        expect([first.status, first.bytes.toString(), second.status, second.bytes.toString()]).toEqual([
          200,
          'first',
          200,
          'second',
        ]);
      });
    });

    describe('notifications', () => {
      it('publishes every change of a POST for several subscriptions and answers 202, without a bearer token', async () => {
        const alice = await api.addSubscription();
        const bob = await api.addSubscription();

        const response = await post(api.url, {
          value: [
            changeItem(alice, 'm-1'),
            changeItem(bob, 'm-2'),
            changeItem(alice, 'm-3', { changeType: 'updated' }),
          ],
        });

        expect(response.status).toBe(202);
        expect(response.bytes.length).toBe(0);
        await eventually(
          'three changes',
          () => log.changesOf(alice.subscriptionId).length + log.changesOf(bob.subscriptionId).length === 3,
        );
        expect(log.changesOf(alice.subscriptionId)).toEqual([
          {
            subscriptionId: alice.subscriptionId,
            mailboxId: alice.mailboxId,
            changeType: 'created',
            messageId: 'm-1',
            tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
            notifiedAt: expect.any(String),
          },
          expect.objectContaining({ messageId: 'm-3', changeType: 'updated' }),
        ]);
        expect(log.changesOf(bob.subscriptionId)).toEqual([
          expect.objectContaining({ mailboxId: bob.mailboxId, messageId: 'm-2' }),
        ]);
      });

      it('takes the message id from the resource when there is no resourceData', async () => {
        const alice = await api.addSubscription();

        const response = await post(api.url, {
          value: [
            changeItem(alice, 'ignored', {
              resource: `users/${alice.mailboxId}@tenant/messages/AAMk-from-resource=`,
              resourceData: undefined,
            }),
          ],
        });

        expect(response.status).toBe(202);
        await eventually('the change', () => log.changesOf(alice.subscriptionId).length === 1);
        expect(log.changesOf(alice.subscriptionId)[0]?.messageId).toBe('AAMk-from-resource=');
      });

      it('publishes lifecycle notifications as GraphLifecycleNotified', async () => {
        const alice = await api.addSubscription();

        const response = await post(api.url, {
          value: [
            lifecycleItem(alice, 'reauthorizationRequired'),
            lifecycleItem(alice, 'missed'),
            changeItem(alice, 'm-1'),
          ],
        });

        expect(response.status).toBe(202);
        await eventually('two lifecycle notifications', () => log.lifecyclesOf(alice.subscriptionId).length === 2);
        expect(
          log
            .lifecyclesOf(alice.subscriptionId)
            .map((l) => [l.mailboxId, l.lifecycleEvent])
            .sort(),
        ).toEqual([
          [alice.mailboxId, 'missed'],
          [alice.mailboxId, 'reauthorizationRequired'],
        ]);
        await eventually('the change', () => log.changesOf(alice.subscriptionId).length === 1);
      });

      it('acknowledges but publishes nothing for a wrong clientState', async () => {
        const alice = await api.addSubscription();

        const response = await post(api.url, {
          value: [
            changeItem(alice, 'm-1', { clientState: 'guessed' }),
            lifecycleItem(alice, 'missed', { clientState: null }),
          ],
        });

        expect(response.status).toBe(202);
        await settle();
        expect(log.changesOf(alice.subscriptionId)).toEqual([]);
        expect(log.lifecyclesOf(alice.subscriptionId)).toEqual([]);
      });

      it('acknowledges but publishes nothing for an unknown subscription', async () => {
        const stranger: TestSubscription = { mailboxId: randomUUID(), subscriptionId: randomUUID(), clientState: 'x' };

        const response = await post(api.url, { value: [changeItem(stranger, 'm-1')] });

        expect(response.status).toBe(202);
        await settle();
        expect(log.changesOf(stranger.subscriptionId)).toEqual([]);
      });

      it('publishes for a subscription stored just after its first notification came', async () => {
        const mailboxId = await api.addMailbox();
        const subscriptionId = randomUUID();
        const early: TestSubscription = { mailboxId, subscriptionId, clientState: 'not stored yet' };
        expect((await post(api.url, { value: [changeItem(early, 'm-0')] })).status).toBe(202);

        const stored = await api.subscribe(mailboxId, subscriptionId);

        await eventually('the notification to be published', async () => {
          expect((await post(api.url, { value: [changeItem(stored, 'm-1')] })).status).toBe(202);
          return log.changesOf(subscriptionId).length > 0;
        });
      });

      it('publishes a notification repeated within one POST once', async () => {
        const alice = await api.addSubscription();

        const response = await post(api.url, {
          value: [
            changeItem(alice, 'm-1'),
            changeItem(alice, 'm-1'),
            changeItem(alice, 'm-1', { changeType: 'updated' }),
          ],
        });

        expect(response.status).toBe(202);
        await settle();
        expect(
          log
            .changesOf(alice.subscriptionId)
            .map((c) => c.changeType)
            .sort(),
        ).toEqual(['created', 'updated']);
      });

      it('answers 202 to an empty collection', async () => {
        expect((await post(api.url, { value: [] })).status).toBe(202);
      });
    });

    describe('metrics', () => {
      it('counts notifications by kind and rejections by reason, and times POSTs by outcome, on /metrics', async () => {
        const alice = await api.addSubscription();
        await post(api.url, {
          value: [
            changeItem(alice, 'm-1'),
            lifecycleItem(alice, 'missed'),
            changeItem(alice, 'm-2', { clientState: 'x' }),
          ],
        });

        const metrics = await (await fetch(`${api.running.url}/metrics`)).text();

        expect(metrics).toMatch(/mailpush_graph_webhook_notifications_received_total\{[^}]*kind="change"[^}]*\} [1-9]/);
        expect(metrics).toMatch(
          /mailpush_graph_webhook_notifications_received_total\{[^}]*kind="lifecycle"[^}]*\} [1-9]/,
        );
        expect(metrics).toMatch(
          /mailpush_graph_webhook_notifications_rejected_total\{[^}]*reason="client_state_mismatch"[^}]*\} [1-9]/,
        );
        expect(metrics).toMatch(
          /mailpush_graph_webhook_notifications_published_total\{[^}]*kind="change"[^}]*\} [1-9]/,
        );
        expect(metrics).toMatch(/mailpush_graph_webhook_request_duration_count\{[^}]*outcome="accepted"[^}]*\} [1-9]/);
      });
    });

    describe('refusals', () => {
      it('refuses a body over the limit with 413 (declared length)', async () => {
        const alice = await api.addSubscription();
        const big = { value: [changeItem(alice, 'm-1', { padding: 'x'.repeat(2 * 1024 * 1024) })] };

        const response = await post(api.url, big);

        expectProblem(response, 413, 'urn:mailpush:problem:payload-too-large');
        await settle();
        expect(log.changesOf(alice.subscriptionId)).toEqual([]);
      });

      it('refuses a chunked body over the limit with 413, reading no further than the limit', async () => {
        const chunk = new TextEncoder().encode(`{"value":[${'{"a":1},'.repeat(16 * 1024)}`);
        let sent = 0;
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            sent += chunk.length;
            if (sent > 4 * 1024 * 1024) controller.close();
            else controller.enqueue(chunk);
          },
        });

        const response = await fetch(api.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          duplex: 'half',
        } as RequestInit);

        expect(response.status).toBe(413);
        await expect(response.json()).resolves.toMatchObject({ type: 'urn:mailpush:problem:payload-too-large' });
      });

      it('refuses malformed JSON with 400', async () => {
        const response = await post(api.url, '{"value": [');

        expectProblem(response, 400, 'urn:mailpush:problem:malformed-json');
      });

      it('refuses a body that is not a notification collection with 400 naming the field', async () => {
        const alice = await api.addSubscription();

        const response = await post(api.url, {
          value: [
            changeItem(alice, 'm-1'),
            changeItem(alice, 'm-2'),
            changeItem(alice, 'm-3'),
            changeItem(alice, 'm-4', { subscriptionId: 42 }),
          ],
        });

        const problem = expectProblem(response, 400, 'urn:mailpush:problem:validation-failed');
        expect(problem['errors']).toEqual([{ field: 'value[3].subscriptionId', message: 'must be a string' }]);
        await settle();
        expect(log.changesOf(alice.subscriptionId)).toEqual([]);
      });

      it.each([
        ['text/plain', 'text/plain; charset=utf-8'],
        ['XML', 'application/xml'],
        ['another charset', 'application/json; charset=iso-8859-1'],
        ['a form', 'application/x-www-form-urlencoded'],
      ])('refuses %s with 415', async (_name, contentType) => {
        const response = await post(api.url, '{"value":[]}', { 'content-type': contentType });

        expectProblem(response, 415, 'urn:mailpush:problem:unsupported-media-type');
      });

      it('refuses a compressed body with 415', async () => {
        const response = await post(api.url, '{"value":[]}', { 'content-encoding': 'gzip' });

        expectProblem(response, 415, 'urn:mailpush:problem:unsupported-media-type');
      });
    });
  });
});
