import {
  EWS_EVENT_TYPES,
  EwsError,
  type EwsEvent,
  type EwsEventType,
  type EwsInboxState,
  type EwsItemSummary,
  type EwsNotification,
  type EwsStreamMessage,
  type EwsSyncChange,
  type EwsSyncPage,
} from '../ews-api.port';
import type { XmlElement } from '../xml/xml-element';
import { errorFromResponseMessage } from './ews-error.mapper';

/** A `ResponseMessage` of an answer, with its error when its `ResponseClass` is `Error`. */
export interface ResponseMessage {
  readonly element: XmlElement;
  readonly error?: EwsError;
}

/** `Envelope/Body/<operation>Response/ResponseMessages/*`; a missing part is a `protocol` error naming it. */
export function responseMessages(operation: string, envelope: XmlElement): ResponseMessage[] {
  const body = required(operation, envelope, 'Body');
  const response = required(operation, body, `${operation}Response`);
  const messages = required(operation, response, 'ResponseMessages');
  return messages.children.map((element) =>
    element.attrs['ResponseClass'] === 'Error'
      ? { element, error: errorFromResponseMessage(operation, element) }
      : { element },
  );
}

/** The single `ResponseMessage` of a one-item operation; its error is thrown. */
export function singleMessage(operation: string, envelope: XmlElement): XmlElement {
  const [first] = responseMessages(operation, envelope);
  if (first === undefined) throw missing(operation, 'ResponseMessages/*');
  if (first.error !== undefined) throw first.error;
  return first.element;
}

/** `SubscribeResponseMessage`: the id, and the watermark where the server gives one. */
export function readSubscribe(envelope: XmlElement): { subscriptionId: string; watermark?: string } {
  const message = singleMessage('Subscribe', envelope);
  const subscriptionId = requiredText('Subscribe', message, 'SubscriptionId');
  const watermark = message.textOf('Watermark');
  return { subscriptionId, ...(watermark === undefined || watermark === '' ? {} : { watermark }) };
}

/** One envelope of a `GetStreamingEvents` stream. An `Error` message is reported in `error`, not thrown. */
export function readStreamingMessage(envelope: XmlElement): EwsStreamMessage {
  const operation = 'GetStreamingEvents';
  const messages = responseMessages(operation, envelope);
  const notifications: EwsNotification[] = [];
  const errorSubscriptionIds: string[] = [];
  let connectionStatus: 'OK' | 'Closed' | undefined;
  let error: EwsError | undefined;
  for (const message of messages) {
    error ??= message.error;
    for (const notification of message.element.child('Notifications')?.all('Notification') ?? []) {
      notifications.push(readNotification(operation, notification));
    }
    for (const id of message.element.child('ErrorSubscriptionIds')?.all('SubscriptionId') ?? []) {
      errorSubscriptionIds.push(id.text.trim());
    }
    const status = message.element.textOf('ConnectionStatus');
    if (status === 'OK' || status === 'Closed') connectionStatus = status;
  }
  return {
    notifications,
    errorSubscriptionIds,
    ...(connectionStatus === undefined ? {} : { connectionStatus }),
    ...(error === undefined ? {} : { error }),
  };
}

/** A `Notification` of a stream or of a push `SendNotification`. Unknown event elements are skipped. */
export function readNotification(operation: string, notification: XmlElement): EwsNotification {
  const subscriptionId = requiredText(operation, notification, 'SubscriptionId');
  const previousWatermark = notification.textOf('PreviousWatermark');
  const moreEvents = notification.textOf('MoreEvents');
  const events = notification.children.filter((child) => isEventType(child.local)).map(readEvent);
  return {
    subscriptionId,
    ...(previousWatermark === undefined ? {} : { previousWatermark }),
    ...(moreEvents === undefined ? {} : { moreEvents: moreEvents === 'true' }),
    events,
  };
}

/** `GetItemResponseMessage`s in order: summaries, `undefined` for items that are gone; other errors thrown. */
export function readGetItem(envelope: XmlElement): (EwsItemSummary | undefined)[] {
  return responseMessages('GetItem', envelope).map(({ element, error }) => {
    if (error !== undefined) {
      if (error.kind === 'not-found') return undefined;
      throw error;
    }
    const item = element.child('Items')?.children[0];
    if (item === undefined) throw missing('GetItem', 'Items/*');
    return readItem('GetItem', item);
  });
}

/** `GetFolderResponseMessage` of the inbox. */
export function readGetInbox(envelope: XmlElement): EwsInboxState {
  const message = singleMessage('GetFolder', envelope);
  const folder = message.child('Folders')?.children[0];
  if (folder === undefined) throw missing('GetFolder', 'Folders/*');
  const folderId = folder.child('FolderId')?.attrs['Id'];
  if (folderId === undefined) throw missing('GetFolder', 'FolderId/@Id');
  const unreadCount = integer('GetFolder', requiredText('GetFolder', folder, 'UnreadCount'), 'UnreadCount');
  const total = folder.textOf('TotalCount');
  return {
    folderId,
    unreadCount,
    ...(total === undefined ? {} : { totalCount: integer('GetFolder', total, 'TotalCount') }),
  };
}

/** `SyncFolderItemsResponseMessage`: Create/Update/Delete/ReadFlagChange in order. */
export function readSyncFolderItems(envelope: XmlElement): EwsSyncPage {
  const operation = 'SyncFolderItems';
  const message = singleMessage(operation, envelope);
  const syncState = requiredText(operation, message, 'SyncState');
  const last = requiredText(operation, message, 'IncludesLastItemInRange');
  const changes: EwsSyncChange[] = [];
  for (const change of message.child('Changes')?.children ?? []) {
    switch (change.local) {
      case 'Create':
      case 'Update': {
        const item = change.children[0];
        if (item === undefined) throw missing(operation, `${change.local}/*`);
        changes.push({ kind: change.local === 'Create' ? 'create' : 'update', item: readItem(operation, item) });
        break;
      }
      case 'Delete':
        changes.push({ kind: 'delete', itemId: requiredId(operation, change, 'ItemId') });
        break;
      case 'ReadFlagChange':
        changes.push({
          kind: 'read-flag',
          itemId: requiredId(operation, change, 'ItemId'),
          isRead: requiredText(operation, change, 'IsRead') === 'true',
        });
        break;
      default:
        break;
    }
  }
  return { syncState, includesLastItemInRange: last === 'true', changes };
}

function readItem(operation: string, item: XmlElement): EwsItemSummary {
  const itemId = requiredId(operation, item, 'ItemId');
  const subject = item.textOf('Subject');
  const mailbox = item.child('From')?.child('Mailbox');
  const name = mailbox?.textOf('Name');
  const address = mailbox?.textOf('EmailAddress');
  const receivedAt = item.textOf('DateTimeReceived');
  const parentFolderId = item.child('ParentFolderId')?.attrs['Id'];
  return {
    itemId,
    ...(subject === undefined ? {} : { subject: item.child('Subject')?.text ?? subject }),
    ...(mailbox === undefined
      ? {}
      : { from: { ...(name === undefined ? {} : { name }), ...(address === undefined ? {} : { address }) } }),
    ...(receivedAt === undefined ? {} : { receivedAt }),
    isRead: item.textOf('IsRead') === 'true',
    ...(parentFolderId === undefined ? {} : { parentFolderId }),
  };
}

function readEvent(element: XmlElement): EwsEvent {
  const watermark = element.textOf('Watermark');
  const timeStamp = element.textOf('TimeStamp');
  const itemId = element.child('ItemId')?.attrs['Id'];
  const folderId = element.child('FolderId')?.attrs['Id'];
  const parentFolderId = element.child('ParentFolderId')?.attrs['Id'];
  const oldParentFolderId = element.child('OldParentFolderId')?.attrs['Id'];
  const unread = element.textOf('UnreadCount');
  const unreadCount = unread === undefined ? undefined : Number(unread);
  return {
    type: element.local as EwsEventType,
    ...(watermark === undefined ? {} : { watermark }),
    ...(timeStamp === undefined ? {} : { timeStamp }),
    ...(itemId === undefined ? {} : { itemId }),
    ...(folderId === undefined ? {} : { folderId }),
    ...(parentFolderId === undefined ? {} : { parentFolderId }),
    ...(oldParentFolderId === undefined ? {} : { oldParentFolderId }),
    ...(unreadCount === undefined || !Number.isInteger(unreadCount) ? {} : { unreadCount }),
  };
}

function isEventType(local: string): local is EwsEventType {
  return (EWS_EVENT_TYPES as readonly string[]).includes(local);
}

function required(operation: string, parent: XmlElement, local: string): XmlElement {
  const element = parent.child(local);
  if (element === undefined) throw missing(operation, `${parent.local}/${local}`);
  return element;
}

function requiredText(operation: string, parent: XmlElement, local: string): string {
  const text = parent.textOf(local);
  if (text === undefined || text === '') throw missing(operation, `${parent.local}/${local}`);
  return text;
}

function requiredId(operation: string, parent: XmlElement, local: string): string {
  const id = parent.child(local)?.attrs['Id'];
  if (id === undefined || id === '') throw missing(operation, `${parent.local}/${local}/@Id`);
  return id;
}

function integer(operation: string, text: string, what: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) throw new EwsError('protocol', `${operation} response: ${what} is not an integer`);
  return value;
}

function missing(operation: string, path: string): EwsError {
  return new EwsError('protocol', `${operation} response has no ${path}`);
}
