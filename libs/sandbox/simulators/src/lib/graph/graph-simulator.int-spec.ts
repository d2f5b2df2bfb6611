import { createServer } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { SandboxCertificateAuthority } from '../tls/sandbox-certificate-authority';
import { GraphSimulator } from './graph-simulator';
import { GraphTestWebhook as Webhook } from './test-webhook';
import type { NotificationPost } from './graph-records';

const TENANT = 'b5b5f5a6-1111-4c3c-9d9d-0123456789ab';
const CLIENT_ID = '6731de76-14a6-49ae-97bc-6eba6914391e';
const SECRET = 'sandbox-secret-value';

describe(GraphSimulator.name, () => {
  let sut: GraphSimulator;
  let webhook: Webhook;
  let token: string;
  let alice: { id: string; userPrincipalName: string };

  const graph = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${sut.graphBaseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });

  const inMinutes = (minutes: number): string => new Date(Date.now() + minutes * 60_000).toISOString();

  const subscribe = async (overrides: Record<string, unknown> = {}): Promise<Response> =>
    graph('/subscriptions', {
      method: 'POST',
      body: JSON.stringify({
        changeType: 'created,updated',
        notificationUrl: webhook.url('/notificationClient'),
        lifecycleNotificationUrl: webhook.url('/lifecycle'),
        resource: `users/${alice.id}/mailFolders('inbox')/messages`,
        expirationDateTime: inMinutes(4230),
        clientState: 'client-state-secret',
        ...overrides,
      }),
    });

  const subscriptionId = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const response = await subscribe(overrides);
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };

  const values = (post: NotificationPost | undefined): readonly Record<string, unknown>[] => post?.body.value ?? [];

  beforeAll(async () => {
    sut = await GraphSimulator.start({ tenantId: TENANT, retryDelaysMs: [5, 5, 5] });
    webhook = await Webhook.start();
    sut.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
    const response = await fetch(`${sut.url}/${TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: CLIENT_ID,
        client_secret: SECRET,
        scope: 'https://graph.microsoft.com/.default',
        grant_type: 'client_credentials',
      }).toString(),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token_type: string; expires_in: number; access_token: string };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, access_token: expect.any(String) });
    token = body.access_token;
  });

  beforeEach(() => {
    sut.reset();
    webhook.reset();
    alice = sut.addMailbox(`alice-${Math.random().toString(36).slice(2)}@contoso.example`);
  });

  afterAll(async () => {
    await sut.close();
    await webhook.close();
  });

  describe('auth', () => {
    it('publishes OpenID discovery with the token endpoint', async () => {
      const response = await fetch(`${sut.url}/${TENANT}/v2.0/.well-known/openid-configuration`);

      await expect(response.json()).resolves.toMatchObject({
        token_endpoint: `${sut.url}/${TENANT}/oauth2/v2.0/token`,
        issuer: `${sut.url}/${TENANT}/v2.0`,
      });
    });

    it('refuses a wrong client secret with invalid_client', async () => {
      const response = await fetch(`${sut.url}/${TENANT}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          client_id: CLIENT_ID,
          client_secret: 'wrong',
          scope: 'https://graph.microsoft.com/.default',
          grant_type: 'client_credentials',
        }),
      });

      expect(response.status).toBe(401);
      await expect(response.json()).resolves.toMatchObject({ error: 'invalid_client' });
    });

    it.each([
      ['no token', undefined],
      ['an unknown token', 'Bearer not-a-token'],
    ])('answers 401 InvalidAuthenticationToken with %s', async (_case, authorization) => {
      const response = await fetch(`${sut.graphBaseUrl}/subscriptions`, {
        headers: authorization === undefined ? {} : { authorization },
      });

      expect(response.status).toBe(401);
      await expect(response.json()).resolves.toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
    });
  });

  describe('subscriptions', () => {
    it('validates both URLs with an encoded token and creates the subscription on an exact echo', async () => {
      const response = await subscribe();

      expect(response.status).toBe(201);
      const created = (await response.json()) as Record<string, unknown>;
      expect(created).toMatchObject({
        resource: `users/${alice.id}/mailFolders('inbox')/messages`,
        changeType: 'created,updated',
        clientState: 'client-state-secret',
        notificationUrl: webhook.url('/notificationClient'),
        lifecycleNotificationUrl: webhook.url('/lifecycle'),
        applicationId: CLIENT_ID,
      });
      const handshakes = webhook.hits.filter((hit) => hit.query.has('validationToken'));
      expect(handshakes.map((hit) => hit.path)).toEqual(['/notificationClient', '/lifecycle']);
      const sent = handshakes[0]?.query.get('validationToken') ?? '';
      expect(sent).toMatch(/\+/);
      expect(sent).toMatch(/%/);
      expect(sent).toMatch(/ /);
      expect([...sent].some((char) => char.charCodeAt(0) > 127)).toBe(true);
      expect(handshakes[0]?.contentType).toBe('text/plain; charset=utf-8');
      expect(sut.subscriptions()).toHaveLength(1);
    });

    it.each([
      ['a URL-encoded echo', (value: string) => encodeURIComponent(value)],
      ['a truncated echo', (value: string) => value.slice(0, -1)],
    ])('answers 400 and creates nothing for %s', async (_case, echo) => {
      webhook.echo = echo;

      const response = await subscribe();

      expect(response.status).toBe(400);
      await expect(response.json()).resolves.toMatchObject({
        error: { code: 'InvalidRequest', message: expect.stringContaining('validation request failed') },
      });
      expect(sut.subscriptions()).toHaveLength(0);
    });

    it.each([
      ['an expiry beyond 10080 minutes', { expirationDateTime: inMinutes(10_080 + 10) }, /expirationDateTime/],
      ['a clientState over 128 characters', { clientState: 'x'.repeat(129) }, /clientState/],
      ['an unknown change type', { changeType: 'created,moved' }, /changeType/],
      ['a plain-http URL off loopback', { notificationUrl: 'http://example.com/hook' }, /notificationUrl/],
      ['another resource', { resource: 'users/x/events' }, /resource/],
    ])('answers 400 naming the field for %s', async (_case, overrides, field) => {
      const response = await subscribe(overrides);

      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(field);
      expect(webhook.hits).toHaveLength(0);
    });

    it('renews with PATCH, reauthorizes, lists, and deletes with 204', async () => {
      const id = await subscriptionId();
      const renewed = inMinutes(10_000);

      const patch = await graph(`/subscriptions/${id}`, {
        method: 'PATCH',
        body: JSON.stringify({ expirationDateTime: renewed }),
      });
      const reauthorize = await graph(`/subscriptions/${id}/reauthorize`, { method: 'POST' });
      const list = (await (await graph('/subscriptions')).json()) as { value: { id: string }[] };
      const deleted = await graph(`/subscriptions/${id}`, { method: 'DELETE' });
      const after = await graph(`/subscriptions/${id}`);

      expect(patch.status).toBe(200);
      await expect(patch.json()).resolves.toMatchObject({ id, expirationDateTime: renewed });
      expect(reauthorize.status).toBe(204);
      expect(list.value.map((item) => item.id)).toContain(id);
      expect(deleted.status).toBe(204);
      expect(after.status).toBe(404);
    });
  });

  describe('notifications', () => {
    it('posts a change notification collection with clientState when mail arrives', async () => {
      const id = await subscriptionId();

      const message = sut.deliverMail(alice.userPrincipalName, {
        subject: 'Quarterly numbers',
        from: { name: 'Bob', address: 'bob@contoso.example' },
      });
      const [post] = await sut.waitForNotificationPosts(1);

      expect(post).toMatchObject({ kind: 'change', url: webhook.url('/notificationClient'), status: 202, attempt: 1 });
      expect(post?.responseTimeMs).toEqual(expect.any(Number));
      const resource = `Users/${alice.id}/Messages/${message.id}`;
      expect(values(post)).toEqual([
        {
          subscriptionId: id,
          subscriptionExpirationDateTime: expect.any(String),
          changeType: 'created',
          resource,
          resourceData: {
            '@odata.type': '#Microsoft.Graph.Message',
            '@odata.id': resource,
            '@odata.etag': message['@odata.etag'],
            id: message.id,
          },
          clientState: 'client-state-secret',
          tenantId: TENANT,
        },
      ]);
    });

    it('batches items of two subscriptions on the same URL into one POST', async () => {
      const first = await subscriptionId();
      const second = await subscriptionId({ clientState: 'other' });

      sut.deliverMail(alice.id, { subject: 'Hi', from: { name: 'Bob', address: 'bob@contoso.example' } });
      await sut.notificationsSettled();

      const posts = sut.notificationPosts();
      expect(posts).toHaveLength(1);
      expect(values(posts[0]).map((item) => item['subscriptionId'])).toEqual([first, second]);
    });

    it('batches items of two mailboxes delivered in the same turn into one POST', async () => {
      const bob = sut.addMailbox(`bob-${Math.random().toString(36).slice(2)}@contoso.example`);
      await subscriptionId();
      await subscriptionId({ resource: `users/${bob.userPrincipalName}/mailFolders/inbox/messages` });

      sut.deliverMail(alice.id, { subject: 'to alice', from: { name: 'C', address: 'c@contoso.example' } });
      sut.deliverMail(bob.id, { subject: 'to bob', from: { name: 'C', address: 'c@contoso.example' } });
      await sut.notificationsSettled();

      const posts = sut.notificationPosts();
      expect(posts).toHaveLength(1);
      expect(values(posts[0]).map((item) => String(item['resource']).split('/')[1])).toEqual([alice.id, bob.id]);
    });

    it('gives up after the last retry and records status 0 when the endpoint is gone', async () => {
      const gone = await Webhook.start();
      const url = gone.url('/notificationClient');
      await subscriptionId({ notificationUrl: url, lifecycleNotificationUrl: null });
      await gone.close();

      sut.deliverMail(alice.id, { subject: 'nobody home', from: { name: 'B', address: 'b@contoso.example' } });
      await sut.notificationsSettled();

      expect(sut.notificationPosts().map((post) => [post.attempt, post.status, post.url])).toEqual([
        [1, 0, url],
        [2, 0, url],
        [3, 0, url],
        [4, 0, url],
      ]);
    });

    it('retries a POST that got a 5xx and records each attempt', async () => {
      await subscriptionId();
      webhook.notificationStatus = [503, 500];

      sut.deliverMail(alice.id, { subject: 'Retry me', from: { name: 'Bob', address: 'bob@contoso.example' } });
      await sut.notificationsSettled();

      expect(sut.notificationPosts().map((post) => [post.attempt, post.status])).toEqual([
        [1, 503],
        [2, 500],
        [3, 202],
      ]);
    });

    it('drops notifications so that a later missed lifecycle event is real', async () => {
      const id = await subscriptionId();
      sut.dropNotifications(alice.id, 2);

      sut.deliverMail(alice.id, { subject: 'lost 1', from: { name: 'Bob', address: 'bob@contoso.example' } });
      sut.deliverMail(alice.id, { subject: 'lost 2', from: { name: 'Bob', address: 'bob@contoso.example' } });
      sut.deliverMail(alice.id, { subject: 'seen', from: { name: 'Bob', address: 'bob@contoso.example' } });
      sut.emitLifecycle(id, 'missed');
      await sut.notificationsSettled();

      const posts = sut.notificationPosts();
      expect(sut.droppedNotifications()).toBe(2);
      expect(posts.filter((post) => post.kind === 'change').flatMap(values)).toHaveLength(1);
      const lifecycle = posts.find((post) => post.kind === 'lifecycle');
      expect(lifecycle?.url).toBe(webhook.url('/lifecycle'));
      expect(values(lifecycle)).toEqual([
        {
          subscriptionId: id,
          subscriptionExpirationDateTime: expect.any(String),
          tenantId: TENANT,
          clientState: 'client-state-secret',
          lifecycleEvent: 'missed',
        },
      ]);
    });

    it('deletes the subscription on subscriptionRemoved, so later mail is not notified', async () => {
      const id = await subscriptionId();

      sut.emitLifecycle(id, 'subscriptionRemoved');
      sut.deliverMail(alice.id, { subject: 'while gone', from: { name: 'Bob', address: 'bob@contoso.example' } });
      await sut.notificationsSettled();

      expect(sut.subscriptions()).toHaveLength(0);
      expect((await graph(`/subscriptions/${id}`)).status).toBe(404);
      expect(sut.notificationPosts().map((post) => [post.kind, values(post)[0]?.['lifecycleEvent']])).toEqual([
        ['lifecycle', 'subscriptionRemoved'],
      ]);
    });
  });

  describe('reads', () => {
    it('reads a message with $select and the inbox counts', async () => {
      const message = sut.deliverMail(alice.id, { subject: 'Lunch?', from: { name: 'Bob', address: 'bob@x.example' } });
      sut.deliverMail(alice.id, { subject: 'Second', from: { name: 'Bob', address: 'bob@x.example' } });
      sut.markRead(alice.id, message.id);

      const read = await graph(`/users/${alice.id}/messages/${message.id}?$select=subject,from,isRead`);
      const folder = await graph(`/users/${alice.userPrincipalName}/mailFolders('inbox')`);
      const folderById = await graph(`/users/${alice.id}/mailFolders/inbox?$select=unreadItemCount`);

      const body = (await read.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        id: message.id,
        subject: 'Lunch?',
        isRead: true,
        from: { emailAddress: { name: 'Bob' } },
      });
      expect(body).not.toHaveProperty('bodyPreview');
      await expect(folder.json()).resolves.toMatchObject({ unreadItemCount: 1, totalItemCount: 2 });
      await expect(folderById.json()).resolves.toMatchObject({ unreadItemCount: 1 });
    });

    it('pages delta with nextLink and returns only later changes from the deltaLink', async () => {
      const subjects = ['one', 'two', 'three', 'four', 'five'];
      for (const subject of subjects)
        sut.deliverMail(alice.id, { subject, from: { name: 'B', address: 'b@x.example' } });
      const prefer = { prefer: 'odata.maxpagesize=2' };

      const seen: string[] = [];
      let next: string | undefined =
        `${sut.graphBaseUrl}/users/${alice.id}/mailFolders('inbox')/messages/delta?$select=subject`;
      let deltaLink: string | undefined;
      let pages = 0;
      while (next !== undefined) {
        const page = (await (
          await fetch(next, { headers: { authorization: `Bearer ${token}`, ...prefer } })
        ).json()) as {
          value: { subject: string; isRead?: boolean }[];
          '@odata.nextLink'?: string;
          '@odata.deltaLink'?: string;
        };
        pages += 1;
        seen.push(...page.value.map((item) => item.subject));
        next = page['@odata.nextLink'];
        deltaLink = page['@odata.deltaLink'];
      }
      const later = sut.deliverMail(alice.id, { subject: 'six', from: { name: 'B', address: 'b@x.example' } });
      const resumed = (await (
        await fetch(deltaLink ?? '', { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        value: Record<string, unknown>[];
        '@odata.deltaLink'?: string;
      };

      expect(pages).toBe(3);
      expect(seen).toEqual(subjects);
      expect(resumed.value).toEqual([{ '@odata.etag': later['@odata.etag'], id: later.id, subject: 'six' }]);
      expect(resumed['@odata.deltaLink']).toEqual(expect.any(String));
    });

    it('executes up to 20 GET steps in $batch and refuses 21', async () => {
      const message = sut.deliverMail(alice.id, { subject: 'batched', from: { name: 'B', address: 'b@x.example' } });
      const step = (id: string, url: string) => ({ id, method: 'GET', url });

      const batch = await graph('/$batch', {
        method: 'POST',
        body: JSON.stringify({
          requests: [
            step('1', `/users/${alice.id}/messages/${message.id}?$select=subject`),
            step('2', `/users/${alice.id}/mailFolders('inbox')`),
            step('3', `/users/${alice.id}/messages/missing`),
          ],
        }),
      });
      const tooMany = await graph('/$batch', {
        method: 'POST',
        body: JSON.stringify({
          requests: Array.from({ length: 21 }, (_, index) => step(String(index), '/users/x/messages/y')),
        }),
      });

      expect(batch.status).toBe(200);
      const { responses } = (await batch.json()) as {
        responses: { id: string; status: number; body: Record<string, unknown> }[];
      };
      expect(responses.map((response) => [response.id, response.status])).toEqual([
        ['1', 200],
        ['2', 200],
        ['3', 404],
      ]);
      expect(responses[0]?.body).toMatchObject({ subject: 'batched' });
      expect(responses[1]?.body).toMatchObject({ totalItemCount: 1 });
      expect(tooMany.status).toBe(400);
    });

    it('answers 429 with Retry-After while the mailbox is throttled, then serves again', async () => {
      sut.throttle(alice.id, { retryAfterSeconds: 7, times: 2 });

      const first = await graph(`/users/${alice.id}/mailFolders('inbox')`);
      const second = await graph(`/users/${alice.id}/mailFolders('inbox')`);
      const third = await graph(`/users/${alice.id}/mailFolders('inbox')`);

      expect([first.status, second.status, third.status]).toEqual([429, 429, 200]);
      expect(first.headers.get('retry-after')).toBe('7');
      await expect(first.json()).resolves.toMatchObject({ error: { code: 'TooManyRequests' } });
      expect(sut.requests().map((request) => request.status)).toEqual([429, 429, 200]);
    });
  });
});

describe(`${GraphSimulator.name} over https`, () => {
  let sut: GraphSimulator;
  let ca: SandboxCertificateAuthority;

  beforeAll(async () => {
    ca = await SandboxCertificateAuthority.create();
    sut = await GraphSimulator.start({ ca, validationTimeoutMs: 200, maxItemsPerPost: 1 });
    sut.registerApp({ tenantId: TENANT, clientId: CLIENT_ID, clientSecret: SECRET });
  });

  afterAll(async () => {
    await sut.close();
  });

  const call = (method: string, path: string, body: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpsRequest(`${sut.url}${path}`, { method, headers, ca: ca.caPem }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      });
      request.once('error', reject);
      request.end(body);
    });

  const getToken = async (): Promise<string> => {
    const form = new URLSearchParams({
      client_id: CLIENT_ID,
      client_secret: SECRET,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
    }).toString();
    const response = await call('POST', `/${TENANT}/oauth2/v2.0/token`, form, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    return (JSON.parse(response.body) as { access_token: string }).access_token;
  };

  it('serves https verified against the sandbox CA and refuses tokens once expired', async () => {
    const token = await getToken();

    const before = await call('GET', '/v1.0/subscriptions', '', { authorization: `Bearer ${token}` });
    sut.expireAccessTokens();
    const after = await call('GET', '/v1.0/subscriptions', '', { authorization: `Bearer ${token}` });

    expect(sut.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(before.status).toBe(200);
    expect(after.status).toBe(401);
    expect(JSON.parse(after.body)).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } });
  });

  it('posts every notification on its own with maxItemsPerPost 1', async () => {
    const webhook = await Webhook.start();
    const user = sut.addMailbox('dave@contoso.example');
    const body = JSON.stringify({
      changeType: 'created',
      notificationUrl: webhook.url('/hook'),
      resource: `users/${user.id}/messages`,
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      clientState: 'x',
    });
    const created = await call('POST', '/v1.0/subscriptions', body, {
      authorization: `Bearer ${await getToken()}`,
      'content-type': 'application/json',
    });

    sut.deliverMail(user.id, { subject: 'a', from: { name: 'E', address: 'e@contoso.example' } });
    sut.deliverMail(user.id, { subject: 'b', from: { name: 'E', address: 'e@contoso.example' } });
    await sut.notificationsSettled();
    await webhook.close();

    expect(created.status).toBe(201);
    expect(sut.notificationPosts().map((post) => [post.status, post.body.value.length])).toEqual([
      [202, 1],
      [202, 1],
    ]);
  });

  it('answers 400 when the endpoint does not answer the handshake in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const user = sut.addMailbox('carol@contoso.example');
    const body = JSON.stringify({
      changeType: 'created',
      notificationUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`,
      resource: `users/${user.id}/messages`,
      expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
      clientState: 'x',
    });

    const response = await call('POST', '/v1.0/subscriptions', body, {
      authorization: `Bearer ${await getToken()}`,
      'content-type': 'application/json',
    });
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'InvalidRequest' } });
    expect(sut.subscriptions().filter((subscription) => subscription.mailboxId === user.id)).toEqual([]);
    expect(sut.validationRequests().at(-1)).toMatchObject({ status: 0, failure: expect.any(String) });
  });
});
