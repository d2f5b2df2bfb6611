import type { TestSubscription } from './webhook-test-app';

const TENANT_ID = '84bd8158-6d4d-4958-8b9f-9d6445542f95';

/** A change notification shaped as Graph sends it (`users/{id}@{tenant}/messages/{id}`, resourceData.id). */
export function changeItem(
  subscription: TestSubscription,
  messageId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const resource = `Users/${subscription.mailboxId}@${TENANT_ID}/Messages/${messageId}`;
  return {
    subscriptionId: subscription.subscriptionId,
    subscriptionExpirationDateTime: '2030-03-19T22:11:09.952Z',
    clientState: subscription.clientState,
    changeType: 'created',
    resource,
    tenantId: TENANT_ID,
    resourceData: {
      '@odata.type': '#Microsoft.Graph.Message',
      '@odata.id': resource,
      '@odata.etag': 'W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"',
      id: messageId,
    },
    ...overrides,
  };
}

/** A lifecycle notification shaped as Graph sends it. */
export function lifecycleItem(
  subscription: TestSubscription,
  lifecycleEvent: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    subscriptionId: subscription.subscriptionId,
    subscriptionExpirationDateTime: '2030-03-20T11:00:00.0000000Z',
    tenantId: TENANT_ID,
    clientState: subscription.clientState,
    lifecycleEvent,
    ...overrides,
  };
}

export interface WebhookResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Buffer;
  /** The body parsed, for problem+json answers. */
  readonly json: Record<string, unknown> | undefined;
}

/** POSTs to the webhook as Graph does (JSON unless told otherwise) and reads the whole answer. */
export async function post(
  url: string,
  body: string | Record<string, unknown>,
  headers: Readonly<Record<string, string>> = {},
): Promise<WebhookResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const isJson = /json/.test(response.headers.get('content-type') ?? '');
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    json: isJson && bytes.length > 0 ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>) : undefined,
  };
}
