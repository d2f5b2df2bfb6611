import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EwsError, type EwsConnection, type EwsTarget } from '../ews-api.port';
import { MESSAGES_NS, SOAP_NS, TYPES_NS } from '../xml/namespaces';
import type { XmlElement } from '../xml/xml-element';
import { parseXml } from '../xml/xml.reader';
import {
  getInboxBody,
  getItemBody,
  getStreamingEventsBody,
  subscribePushBody,
  subscribeStreamingBody,
  syncInboxBody,
  unsubscribeBody,
} from './ews-request.builder';
import { soapRequest } from './soap-envelope';

const connection: EwsConnection = { id: 'c1', auth: { kind: 'basic', username: 'svc', password: 'pw' } };
const target: EwsTarget = {
  ewsUrl: 'https://outlook.office365.com/EWS/Exchange.asmx',
  impersonate: 'alfred@contoso.com',
  anchorMailbox: 'alfred@contoso.com',
};

/** Namespaces, names, attributes and non-blank text: what a server reads, whatever the prefixes and spacing. */
function canonical(element: XmlElement): unknown {
  const text = element.text.trim();
  return {
    name: `{${element.ns}}${element.local}`,
    attrs: element.attrs,
    ...(text === '' ? {} : { text }),
    children: element.children.map(canonical),
  };
}

function bodyOf(xml: string): XmlElement {
  const operation = parseXml(xml).child('Body', SOAP_NS)?.children[0];
  if (operation === undefined) throw new Error('no operation');
  return operation;
}

describe('EWS request builders', () => {
  it('builds the streaming Subscribe of protocols.md §2.3 (header, impersonation, body)', () => {
    const fixture = readFileSync(join(__dirname, 'fixtures/subscribe-streaming.request.xml'), 'utf8');

    const built = soapRequest(connection, target, subscribeStreamingBody(['NewMailEvent']));

    expect(canonical(parseXml(built))).toEqual(canonical(parseXml(fixture)));
  });

  it('puts the connection server version and the impersonated address in every header, escaped', () => {
    const built = soapRequest(
      { ...connection, serverVersion: 'Exchange2016' },
      { ...target, impersonate: 'o&brien<x>@contoso.com' },
      unsubscribeBody('id'),
    );
    const header = parseXml(built).child('Header', SOAP_NS);

    expect(header?.child('RequestServerVersion', TYPES_NS)?.attrs['Version']).toBe('Exchange2016');
    expect(header?.path('ExchangeImpersonation', 'ConnectingSID')?.textOf('SmtpAddress')).toBe(
      'o&brien<x>@contoso.com',
    );
    expect(built).toContain('o&amp;brien&lt;x&gt;@contoso.com');
  });

  it('subscribes streaming to the inbox with the default event types', () => {
    const request = bodyOf(soapRequest(connection, target, subscribeStreamingBody())).child(
      'StreamingSubscriptionRequest',
    );

    expect(request?.path('FolderIds', 'DistinguishedFolderId')?.attrs['Id']).toBe('inbox');
    expect(
      request
        ?.child('EventTypes')
        ?.all('EventType')
        .map((type) => type.text),
    ).toEqual(['NewMailEvent', 'CreatedEvent', 'ModifiedEvent']);
  });

  it('subscribes push with the schema order FolderIds, EventTypes, Watermark, StatusFrequency, URL', () => {
    const subscribe = bodyOf(
      soapRequest(
        connection,
        target,
        subscribePushBody({ url: 'https://push.example/ews?a=1&b=2', statusFrequencyMinutes: 1, watermark: 'ygw=' }),
      ),
    );
    const request = subscribe.child('PushSubscriptionRequest', MESSAGES_NS);

    expect(request?.children.map((child) => child.local)).toEqual([
      'FolderIds',
      'EventTypes',
      'Watermark',
      'StatusFrequency',
      'URL',
    ]);
    expect(request?.textOf('URL')).toBe('https://push.example/ews?a=1&b=2');
    expect(request?.textOf('StatusFrequency')).toBe('1');
    expect(request?.textOf('Watermark')).toBe('ygw=');
  });

  it('leaves the watermark out of a push Subscribe without one', () => {
    const xml = subscribePushBody({ url: 'https://push.example/ews', statusFrequencyMinutes: 30 });

    expect(xml).not.toContain('Watermark');
  });

  it.each([0, 1441, 1.5])('refuses StatusFrequency %s', (minutes) => {
    expect(() => subscribePushBody({ url: 'https://x', statusFrequencyMinutes: minutes })).toThrow(EwsError);
  });

  it('builds GetStreamingEvents as in protocols.md §2.3', () => {
    const request = bodyOf(soapRequest(connection, target, getStreamingEventsBody(['JgBi=', 'Kx&y'], 30)));

    expect(request.local).toBe('GetStreamingEvents');
    expect(
      request
        .child('SubscriptionIds', MESSAGES_NS)
        ?.all('SubscriptionId', TYPES_NS)
        .map((id) => id.text),
    ).toEqual(['JgBi=', 'Kx&y']);
    expect(request.child('ConnectionTimeout', MESSAGES_NS)?.text).toBe('30');
  });

  it('takes up to 200 subscription ids and refuses 201 or none', () => {
    const ids = Array.from({ length: 201 }, (_, i) => `s${i}`);

    expect(() => getStreamingEventsBody(ids.slice(0, 200), 1)).not.toThrow();
    expect(() => getStreamingEventsBody(ids, 1)).toThrow(/1\.\.200 subscription ids \(got 201\)/);
    expect(() => getStreamingEventsBody([], 1)).toThrow(EwsError);
  });

  it.each([0, 31, 2.5])('refuses ConnectionTimeout %s', (minutes) => {
    expect(() => getStreamingEventsBody(['s'], minutes)).toThrow(/ConnectionTimeout must be 1\.\.30/);
  });

  it('unsubscribes one subscription', () => {
    const request = bodyOf(soapRequest(connection, target, unsubscribeBody('sub<1>')));

    expect(request.child('SubscriptionId', MESSAGES_NS)?.text).toBe('sub<1>');
  });

  it('asks GetItem for ids only plus the summary properties', () => {
    const request = bodyOf(soapRequest(connection, target, getItemBody(['A"1', 'B'])));

    expect(request.path('ItemShape', 'BaseShape')?.text).toBe('IdOnly');
    expect(
      request
        .path('ItemShape', 'AdditionalProperties')
        ?.all('FieldURI')
        .map((f) => f.attrs['FieldURI']),
    ).toEqual(['item:Subject', 'message:From', 'item:DateTimeReceived', 'message:IsRead', 'item:ParentFolderId']);
    expect(
      request
        .child('ItemIds')
        ?.all('ItemId')
        .map((id) => id.attrs['Id']),
    ).toEqual(['A"1', 'B']);
  });

  it('asks GetFolder for the inbox counts', () => {
    const request = bodyOf(soapRequest(connection, target, getInboxBody()));

    expect(request.path('FolderIds', 'DistinguishedFolderId')?.attrs['Id']).toBe('inbox');
    expect(
      request
        .path('FolderShape', 'AdditionalProperties')
        ?.all('FieldURI')
        .map((f) => f.attrs['FieldURI']),
    ).toEqual(['folder:UnreadCount', 'folder:TotalCount']);
  });

  it('syncs the inbox from a sync state, in schema order', () => {
    const request = bodyOf(soapRequest(connection, target, syncInboxBody('H4sI&', 512)));

    expect(request.children.map((child) => child.local)).toEqual([
      'ItemShape',
      'SyncFolderId',
      'SyncState',
      'MaxChangesReturned',
    ]);
    expect(request.textOf('SyncState')).toBe('H4sI&');
  });

  it('syncs the inbox from the start without a sync state', () => {
    expect(syncInboxBody(undefined, 10)).not.toContain('SyncState');
  });

  it.each([0, 513])('refuses MaxChangesReturned %s', (max) => {
    expect(() => syncInboxBody(undefined, max)).toThrow(/MaxChangesReturned must be 1\.\.512/);
  });
});
