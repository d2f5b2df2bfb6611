import { GraphRequestError, type NewGraphSubscription } from './graph-mail-api.port';
import { subscriptionBody, toDeltaPage, toMessageSummary, toSubscriptionView, userPath } from './graph-resource.mapper';

/** Shaped like Graph's answer to `GET /users/{id}/messages/{id}?$select=...`. */
const graphMessage = {
  '@odata.context': "https://graph.microsoft.com/v1.0/$metadata#users('u')/messages/$entity",
  '@odata.etag': 'W/"CQAAABYAAAD"',
  id: 'AAMkAGI2',
  subject: 'Quarterly numbers',
  receivedDateTime: '2025-03-01T09:58:12Z',
  isRead: false,
  parentFolderId: 'AQMkADAw',
  from: { emailAddress: { name: 'Megan Bowen', address: 'MeganB@contoso.example' } },
};

describe(toMessageSummary.name, () => {
  it('keeps the summary fields and flattens from', () => {
    expect(toMessageSummary(graphMessage)).toEqual({
      id: 'AAMkAGI2',
      subject: 'Quarterly numbers',
      from: { name: 'Megan Bowen', address: 'MeganB@contoso.example' },
      receivedDateTime: '2025-03-01T09:58:12Z',
      isRead: false,
      parentFolderId: 'AQMkADAw',
    });
  });

  it('leaves out what Graph left out', () => {
    expect(toMessageSummary({ id: 'x', isRead: true })).toEqual({ id: 'x', isRead: true });
  });

  it('refuses a message without an id', () => {
    expect(() => toMessageSummary({ subject: 'no id' })).toThrow(GraphRequestError);
  });
});

describe(toDeltaPage.name, () => {
  it('maps changed and removed messages and the links', () => {
    const page = toDeltaPage({
      value: [graphMessage, { id: 'AAMkGONE', '@removed': { reason: 'deleted' } }],
      '@odata.nextLink': 'https://graph.microsoft.com/v1.0/users/u/mailFolders/inbox/messages/delta?$skiptoken=abc',
    });

    expect(page.messages).toEqual([
      expect.objectContaining({ id: 'AAMkAGI2', subject: 'Quarterly numbers' }),
      { id: 'AAMkGONE', isRead: false, removed: true },
    ]);
    expect(page.nextLink).toContain('$skiptoken=abc');
    expect(page).not.toHaveProperty('deltaLink');
  });

  it('refuses a page without value', () => {
    expect(() => toDeltaPage({ '@odata.deltaLink': 'x' })).toThrow('a delta page without a value array');
  });
});

describe(toSubscriptionView.name, () => {
  it('reads the fields mailpush uses and the expiration as a Date', () => {
    const view = toSubscriptionView({
      id: '7f105c7d',
      resource: "users/u/mailFolders('inbox')/messages",
      changeType: 'created,updated',
      notificationUrl: 'https://push.example/graph',
      lifecycleNotificationUrl: null,
      expirationDateTime: '2025-03-04T11:00:00.0000000Z',
      clientState: 'secret',
    });

    expect(view).toEqual({
      id: '7f105c7d',
      resource: "users/u/mailFolders('inbox')/messages",
      changeType: 'created,updated',
      notificationUrl: 'https://push.example/graph',
      expirationDateTime: new Date('2025-03-04T11:00:00Z'),
    });
  });

  it('refuses a subscription without an expiration', () => {
    expect(() => toSubscriptionView({ id: 'x', resource: 'r', changeType: 'c', notificationUrl: 'n' })).toThrow(
      'a subscription without expirationDateTime',
    );
  });
});

describe(subscriptionBody.name, () => {
  const request: NewGraphSubscription = {
    user: "o'brien@contoso.example",
    notificationUrl: 'https://push.example/graph',
    lifecycleNotificationUrl: 'https://push.example/graph/lifecycle',
    expirationDateTime: new Date('2025-03-04T11:00:00Z'),
    clientState: 'per-subscription-secret',
  };

  it('defaults the inbox resource (user encoded) and created,updated', () => {
    expect(subscriptionBody(request)).toEqual({
      changeType: 'created,updated',
      notificationUrl: 'https://push.example/graph',
      lifecycleNotificationUrl: 'https://push.example/graph/lifecycle',
      resource: "users/o'brien%40contoso.example/mailFolders('inbox')/messages",
      expirationDateTime: '2025-03-04T11:00:00.000Z',
      clientState: 'per-subscription-secret',
    });
  });

  it('asks for resource data with the summary $select when encrypting', () => {
    const body = subscriptionBody({ ...request, encryption: { certificate: 'MIIC', certificateId: 'k1' } });

    expect(body).toMatchObject({
      includeResourceData: true,
      encryptionCertificate: 'MIIC',
      encryptionCertificateId: 'k1',
      resource:
        "users/o'brien%40contoso.example/mailFolders('inbox')/messages?$select=subject,from,receivedDateTime,isRead,parentFolderId",
    });
  });

  it('keeps a given resource and change type', () => {
    expect(
      subscriptionBody({ ...request, resource: 'users/u/messages', changeType: 'created', encryption: undefined }),
    ).toMatchObject({ resource: 'users/u/messages', changeType: 'created' });
  });

  it('refuses a clientState over 128 characters, naming the field', () => {
    expect(() => subscriptionBody({ ...request, clientState: 'x'.repeat(129) })).toThrow(
      'clientState: must be at most 128 characters (got 129)',
    );
  });
});

describe(userPath.name, () => {
  it('encodes the user and refuses an empty one', () => {
    expect(userPath('a#b@contoso.example')).toBe('users/a%23b%40contoso.example');
    expect(() => userPath(' ')).toThrow('user: must not be empty');
  });
});
