import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidNotificationsError } from './invalid-notifications.error';
import { parseNotificationCollection } from './notification-collection.parser';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as unknown;
}

function change(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    subscriptionId: 'sub-1',
    subscriptionExpirationDateTime: '2026-03-19T22:11:09.952Z',
    clientState: 'secret',
    changeType: 'created',
    resource: 'Users/u1/Messages/m1',
    resourceData: { id: 'm1' },
    tenantId: 'tenant-1',
    ...overrides,
  };
}

function errorsOf(body: unknown): { errors: readonly { field: string; message: string }[]; total: number } {
  try {
    parseNotificationCollection(body);
  } catch (error) {
    if (error instanceof InvalidNotificationsError) return { errors: error.errors, total: error.total };
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe(parseNotificationCollection.name, () => {
  it("reads Graph's documented change notification", () => {
    const sut = parseNotificationCollection(fixture('change-notification.json'));

    expect(sut).toEqual({
      validationTokens: undefined,
      notifications: [
        {
          kind: 'change',
          index: 0,
          subscriptionId: '{subscription_guid}',
          clientState: 'secretClientValue',
          changeType: 'created',
          messageId: '{long_id_string}',
          tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
          encryptedContent: undefined,
        },
      ],
    });
  });

  it("reads Graph's documented lifecycle notification", () => {
    const sut = parseNotificationCollection(fixture('lifecycle-notification.json'));

    expect(sut.notifications).toEqual([
      {
        kind: 'lifecycle',
        index: 0,
        subscriptionId: '<subscription_guid>',
        clientState: '<secretClientState>',
        lifecycleEvent: 'reauthorizationRequired',
        tenantId: '<tenant_guid>',
      },
    ]);
  });

  it('passes on the validation tokens and encrypted content of a rich notification, unread', () => {
    const sut = parseNotificationCollection(fixture('rich-change-notification.json'));

    expect(sut.validationTokens).toEqual(['eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik...']);
    expect(sut.notifications[0]).toMatchObject({
      kind: 'change',
      messageId: '{message-id}',
      encryptedContent: {
        data: '{encrypted data that produces a full resource}',
        dataSignature: '<HMAC-SHA256 hash>',
        dataKey: '{encrypted symmetric key from Microsoft Graph}',
        encryptionCertificateId: 'MySelfSignedCert/DDC9651A-D7BC-4D74-86BC-A8923584B0AB',
        encryptionCertificateThumbprint: '07293748CC064953A3052FB978C735FB89E61C3D',
      },
    });
  });

  it('reads a batch mixing change and lifecycle notifications, keeping their positions', () => {
    const sut = parseNotificationCollection({
      value: [change(), { subscriptionId: 'sub-2', clientState: 's', lifecycleEvent: 'missed' }, change()],
    });

    expect(sut.notifications.map((n) => [n.kind, n.index])).toEqual([
      ['change', 0],
      ['lifecycle', 1],
      ['change', 2],
    ]);
  });

  it('takes the message id from the resource when resourceData has none', () => {
    const sut = parseNotificationCollection({
      value: [change({ resource: 'users/u1@t1/messages/AAMk-1=', resourceData: undefined })],
    });

    expect(sut.notifications[0]).toMatchObject({ messageId: 'AAMk-1=' });
  });

  it('accepts null or missing clientState, tenantId and resourceData (the clientState check rejects the item)', () => {
    const sut = parseNotificationCollection({
      value: [change({ clientState: null, tenantId: null, resourceData: null }), change({ clientState: undefined })],
    });

    expect(sut.notifications).toMatchObject([
      { clientState: undefined, tenantId: undefined, messageId: 'm1' },
      { clientState: undefined },
    ]);
  });

  it('keeps values Graph may add later (a new changeType or lifecycleEvent) for the intake to judge', () => {
    const sut = parseNotificationCollection({
      value: [change({ changeType: 'archived' }), { subscriptionId: 's', lifecycleEvent: 'somethingNew' }],
    });

    expect(sut.notifications).toMatchObject([{ changeType: 'archived' }, { lifecycleEvent: 'somethingNew' }]);
  });

  it('reads an empty collection', () => {
    expect(parseNotificationCollection({ value: [] }).notifications).toEqual([]);
  });

  it.each([
    ['an array', []],
    ['a string', 'value'],
    ['null', null],
  ])('refuses %s as the body', (_name, body) => {
    expect(errorsOf(body).errors).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });

  it('refuses a body without value', () => {
    expect(errorsOf({ values: [] }).errors).toEqual([{ field: 'value', message: 'is required' }]);
  });

  it('reports an invalid envelope before looking at the items', () => {
    const { errors } = errorsOf({ value: [change({ subscriptionId: undefined })], validationTokens: 'one' });

    expect(errors).toEqual([{ field: 'validationTokens', message: 'must be an array' }]);
  });

  it('names every invalid item field by its path', () => {
    const { errors, total } = errorsOf({
      value: [
        change(),
        change(),
        change(),
        change({ subscriptionId: undefined }),
        change({ changeType: 7 }),
        'not an object',
        { subscriptionId: 'sub-1', lifecycleEvent: '' },
        change({ resourceData: { id: 42 } }),
        change({ resource: '/', resourceData: {} }),
        change({ subscriptionId: 'x'.repeat(256) }),
      ],
    });

    expect(errors).toEqual([
      { field: 'value[3].subscriptionId', message: 'is required' },
      { field: 'value[4].changeType', message: 'must be a string' },
      { field: 'value[5]', message: 'must be a notification object' },
      { field: 'value[6].lifecycleEvent', message: 'must not be empty' },
      { field: 'value[7].resourceData.id', message: 'must be a string' },
      { field: 'value[8].resource', message: 'must end with the message id (or resourceData.id must be given)' },
      { field: 'value[9].subscriptionId', message: 'must be at most 255 characters' },
    ]);
    expect(total).toBe(7);
  });

  it('lists the first 20 invalid fields and counts them all', () => {
    const { errors, total } = errorsOf({ value: Array.from({ length: 50 }, () => change({ resource: 7 })) });

    expect(errors).toHaveLength(20);
    expect(errors[19]).toEqual({ field: 'value[19].resource', message: 'must be a string' });
    expect(total).toBe(50);
  });

  it('refuses a message id longer than the contract allows', () => {
    const { errors } = errorsOf({
      value: [change({ resource: `Users/u1/Messages/${'m'.repeat(1025)}`, resourceData: {} })],
    });

    expect(errors).toEqual([
      { field: 'value[0].resource', message: 'the message id it ends with must be at most 1024 characters' },
    ]);
  });
});
