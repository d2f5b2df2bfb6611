import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EwsError } from '../ews-api.port';
import { EnvelopeSplitter } from '../xml/envelope-splitter';
import { MESSAGES_NS, SOAP_NS, TYPES_NS } from '../xml/namespaces';
import { parseXml } from '../xml/xml.reader';
import {
  readGetInbox,
  readGetItem,
  readStreamingMessage,
  readSubscribe,
  readSyncFolderItems,
} from './ews-response.reader';

function envelope(body: string) {
  return parseXml(
    `<s:Envelope xmlns:s="${SOAP_NS}" xmlns:m="${MESSAGES_NS}" xmlns:t="${TYPES_NS}"><s:Header/><s:Body>${body}</s:Body></s:Envelope>`,
  );
}

function streamEnvelopes() {
  const splitter = new EnvelopeSplitter();
  const envelopes = splitter.push(readFileSync(join(__dirname, 'fixtures/get-streaming-events.stream.xml'), 'utf8'));
  splitter.end();
  return envelopes;
}

const ITEM = (id: string, read: boolean) => `<t:Message>
  <t:ItemId Id="${id}" ChangeKey="CQ=="/>
  <t:ParentFolderId Id="INBOX" ChangeKey="AQ=="/>
  <t:Subject>Quarterly report &amp; plan</t:Subject>
  <t:DateTimeReceived>2024-05-01T10:00:00Z</t:DateTimeReceived>
  <t:IsRead>${read}</t:IsRead>
  <t:From><t:Mailbox><t:Name>Ann Lee</t:Name><t:EmailAddress>ann@contoso.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType></t:Mailbox></t:From>
</t:Message>`;

describe('EWS response readers', () => {
  it('reads the GetStreamingEvents fixture of protocols.md §2.4: keepalive, events, then Closed', () => {
    const [keepalive, events, closed] = streamEnvelopes().map(readStreamingMessage);

    expect(keepalive).toEqual({ notifications: [], errorSubscriptionIds: [], connectionStatus: 'OK' });
    expect(events).toEqual({
      notifications: [
        {
          subscriptionId: 'JgBibjFwcjAz...0Ag=',
          events: [
            {
              type: 'CreatedEvent',
              timeStamp: '2013-09-16T04:31:29Z',
              itemId: 'AAMkADkz...AAA=',
              parentFolderId: 'AQMkADkz...AAAA',
            },
            {
              type: 'NewMailEvent',
              timeStamp: '2013-09-16T04:31:29Z',
              itemId: 'AAMkADkz...AAA=',
              parentFolderId: 'AQMkADkz...AAAA',
            },
            {
              type: 'ModifiedEvent',
              timeStamp: '2013-09-16T04:31:29Z',
              folderId: 'AQMkADkz...AAAA',
              parentFolderId: 'AQMkADkz...CQAAAA',
              unreadCount: 1,
            },
          ],
        },
      ],
      errorSubscriptionIds: [],
    });
    expect(closed?.connectionStatus).toBe('Closed');
  });

  it('reports an error envelope of the stream with its failed subscriptions', () => {
    const sut = readStreamingMessage(
      envelope(`<m:GetStreamingEventsResponse><m:ResponseMessages>
        <m:GetStreamingEventsResponseMessage ResponseClass="Error">
          <m:MessageText>Subscription is invalid.</m:MessageText>
          <m:ResponseCode>ErrorInvalidSubscription</m:ResponseCode>
          <m:ErrorSubscriptionIds><m:SubscriptionId>s1</m:SubscriptionId></m:ErrorSubscriptionIds>
          <m:ConnectionStatus>Closed</m:ConnectionStatus>
        </m:GetStreamingEventsResponseMessage>
      </m:ResponseMessages></m:GetStreamingEventsResponse>`),
    );

    expect(sut.connectionStatus).toBe('Closed');
    expect(sut.errorSubscriptionIds).toEqual(['s1']);
    expect(sut.error).toMatchObject({
      kind: 'subscription-not-found',
      details: { responseCode: 'ErrorInvalidSubscription' },
    });
  });

  it('reads a Subscribe answer with id and watermark', () => {
    const sut = readSubscribe(
      envelope(`<m:SubscribeResponse><m:ResponseMessages><m:SubscribeResponseMessage ResponseClass="Success">
        <m:ResponseCode>NoError</m:ResponseCode><m:SubscriptionId>sub-1</m:SubscriptionId><m:Watermark>AQAAAA==</m:Watermark>
      </m:SubscribeResponseMessage></m:ResponseMessages></m:SubscribeResponse>`),
    );

    expect(sut).toEqual({ subscriptionId: 'sub-1', watermark: 'AQAAAA==' });
  });

  it('throws the error of a refused Subscribe', () => {
    const read = () =>
      readSubscribe(
        envelope(`<m:SubscribeResponse><m:ResponseMessages><m:SubscribeResponseMessage ResponseClass="Error">
          <m:MessageText>Watermark is invalid.</m:MessageText><m:ResponseCode>ErrorInvalidWatermark</m:ResponseCode>
        </m:SubscribeResponseMessage></m:ResponseMessages></m:SubscribeResponse>`),
      );

    expect(read).toThrow(expect.objectContaining({ kind: 'invalid-watermark' }) as unknown as Error);
  });

  it('names the missing element of an unreadable answer', () => {
    expect(() => readSubscribe(envelope('<m:SubscribeResponse/>'))).toThrow(
      'Subscribe response has no SubscribeResponse/ResponseMessages',
    );
    expect(() => readSubscribe(envelope('<m:Other/>'))).toThrow(EwsError);
  });

  it('reads GetItem summaries in order and leaves out items that are gone', () => {
    const sut = readGetItem(
      envelope(`<m:GetItemResponse><m:ResponseMessages>
        <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items>${ITEM('A', false)}</m:Items></m:GetItemResponseMessage>
        <m:GetItemResponseMessage ResponseClass="Error"><m:MessageText>gone</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:Items/></m:GetItemResponseMessage>
        <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items>${ITEM('C', true)}</m:Items></m:GetItemResponseMessage>
      </m:ResponseMessages></m:GetItemResponse>`),
    );

    expect(sut).toEqual([
      {
        itemId: 'A',
        subject: 'Quarterly report & plan',
        from: { name: 'Ann Lee', address: 'ann@contoso.com' },
        receivedAt: '2024-05-01T10:00:00Z',
        isRead: false,
        parentFolderId: 'INBOX',
      },
      undefined,
      expect.objectContaining({ itemId: 'C', isRead: true }),
    ]);
  });

  it('throws other GetItem errors', () => {
    const read = () =>
      readGetItem(
        envelope(`<m:GetItemResponse><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Error">
          <m:ResponseCode>ErrorServerBusy</m:ResponseCode></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse>`),
      );

    expect(read).toThrow(expect.objectContaining({ kind: 'server-busy' }) as unknown as Error);
  });

  it('reads the inbox counts', () => {
    const sut = readGetInbox(
      envelope(`<m:GetFolderResponse><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success">
        <m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="INBOX" ChangeKey="AQ=="/>
        <t:TotalCount>12</t:TotalCount><t:UnreadCount>3</t:UnreadCount></t:Folder></m:Folders>
      </m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse>`),
    );

    expect(sut).toEqual({ folderId: 'INBOX', unreadCount: 3, totalCount: 12 });
  });

  it('reads SyncFolderItems changes: create, update, delete, read flag', () => {
    const sut = readSyncFolderItems(
      envelope(`<m:SyncFolderItemsResponse><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Success">
        <m:ResponseCode>NoError</m:ResponseCode><m:SyncState>H4sIAAA=</m:SyncState>
        <m:IncludesLastItemInRange>false</m:IncludesLastItemInRange>
        <m:Changes>
          <t:Create>${ITEM('N1', false)}</t:Create>
          <t:Update>${ITEM('U1', true)}</t:Update>
          <t:Delete><t:ItemId Id="D1" ChangeKey="x"/></t:Delete>
          <t:ReadFlagChange><t:ItemId Id="R1" ChangeKey="x"/><t:IsRead>true</t:IsRead></t:ReadFlagChange>
        </m:Changes>
      </m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>`),
    );

    expect(sut.syncState).toBe('H4sIAAA=');
    expect(sut.includesLastItemInRange).toBe(false);
    expect(sut.changes).toEqual([
      { kind: 'create', item: expect.objectContaining({ itemId: 'N1', isRead: false }) },
      { kind: 'update', item: expect.objectContaining({ itemId: 'U1', isRead: true }) },
      { kind: 'delete', itemId: 'D1' },
      { kind: 'read-flag', itemId: 'R1', isRead: true },
    ]);
  });

  it('maps an invalid sync state to invalid-request', () => {
    const read = () =>
      readSyncFolderItems(
        envelope(`<m:SyncFolderItemsResponse><m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Error">
          <m:ResponseCode>ErrorInvalidSyncStateData</m:ResponseCode></m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>`),
      );

    expect(read).toThrow(expect.objectContaining({ kind: 'invalid-request' }) as unknown as Error);
  });
});
