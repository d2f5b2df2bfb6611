import { EwsError, type EwsEventType } from '../ews-api.port';
import { emptyElement, escapeXml, textElement } from '../xml/xml-writer';

/** EWS accepts at most 200 subscription ids per `GetStreamingEvents`. */
export const MAX_STREAMING_SUBSCRIPTIONS = 200;
export const DEFAULT_EVENT_TYPES: readonly EwsEventType[] = ['NewMailEvent', 'CreatedEvent', 'ModifiedEvent'];

/** What a push or a sync needs of a message: ids only, plus these. */
const ITEM_SHAPE = [
  '<m:ItemShape>',
  '<t:BaseShape>IdOnly</t:BaseShape>',
  '<t:AdditionalProperties>',
  '<t:FieldURI FieldURI="item:Subject" />',
  '<t:FieldURI FieldURI="message:From" />',
  '<t:FieldURI FieldURI="item:DateTimeReceived" />',
  '<t:FieldURI FieldURI="message:IsRead" />',
  '<t:FieldURI FieldURI="item:ParentFolderId" />',
  '</t:AdditionalProperties>',
  '</m:ItemShape>',
].join('');

const INBOX_FOLDER_IDS = '<t:FolderIds><t:DistinguishedFolderId Id="inbox" /></t:FolderIds>';

/** `Subscribe` with a `StreamingSubscriptionRequest` on the inbox. */
export function subscribeStreamingBody(eventTypes: readonly EwsEventType[] = DEFAULT_EVENT_TYPES): string {
  return [
    '<m:Subscribe>',
    '<m:StreamingSubscriptionRequest>',
    INBOX_FOLDER_IDS,
    eventTypesXml(eventTypes),
    '</m:StreamingSubscriptionRequest>',
    '</m:Subscribe>',
  ].join('');
}

/** `Subscribe` with a `PushSubscriptionRequest` on the inbox (schema order: FolderIds, EventTypes, Watermark, StatusFrequency, URL). */
export function subscribePushBody(request: {
  readonly url: string;
  readonly statusFrequencyMinutes: number;
  readonly watermark?: string;
  readonly eventTypes?: readonly EwsEventType[];
}): string {
  const { statusFrequencyMinutes } = request;
  if (!Number.isInteger(statusFrequencyMinutes) || statusFrequencyMinutes < 1 || statusFrequencyMinutes > 1440) {
    throw new EwsError('invalid-request', `StatusFrequency must be 1..1440 minutes (got ${statusFrequencyMinutes})`);
  }
  return [
    '<m:Subscribe>',
    '<m:PushSubscriptionRequest>',
    INBOX_FOLDER_IDS,
    eventTypesXml(request.eventTypes ?? DEFAULT_EVENT_TYPES),
    request.watermark === undefined ? '' : textElement('t:Watermark', request.watermark),
    textElement('t:StatusFrequency', String(statusFrequencyMinutes)),
    textElement('t:URL', request.url),
    '</m:PushSubscriptionRequest>',
    '</m:Subscribe>',
  ].join('');
}

/** `GetStreamingEvents` for 1..200 subscriptions, the connection held 1..30 minutes. */
export function getStreamingEventsBody(subscriptionIds: readonly string[], connectionTimeoutMinutes: number): string {
  if (subscriptionIds.length === 0 || subscriptionIds.length > MAX_STREAMING_SUBSCRIPTIONS) {
    throw new EwsError(
      'invalid-request',
      `GetStreamingEvents takes 1..${MAX_STREAMING_SUBSCRIPTIONS} subscription ids (got ${subscriptionIds.length})`,
    );
  }
  if (!Number.isInteger(connectionTimeoutMinutes) || connectionTimeoutMinutes < 1 || connectionTimeoutMinutes > 30) {
    throw new EwsError('invalid-request', `ConnectionTimeout must be 1..30 minutes (got ${connectionTimeoutMinutes})`);
  }
  return [
    '<m:GetStreamingEvents>',
    '<m:SubscriptionIds>',
    ...subscriptionIds.map((id) => textElement('t:SubscriptionId', id)),
    '</m:SubscriptionIds>',
    textElement('m:ConnectionTimeout', String(connectionTimeoutMinutes)),
    '</m:GetStreamingEvents>',
  ].join('');
}

export function unsubscribeBody(subscriptionId: string): string {
  return `<m:Unsubscribe>${textElement('m:SubscriptionId', subscriptionId)}</m:Unsubscribe>`;
}

/** `GetItem` of message summaries (ids only plus subject, sender, received, read flag, folder). */
export function getItemBody(itemIds: readonly string[]): string {
  if (itemIds.length === 0) throw new EwsError('invalid-request', 'GetItem needs at least one item id');
  return [
    '<m:GetItem>',
    ITEM_SHAPE,
    '<m:ItemIds>',
    ...itemIds.map((id) => emptyElement('t:ItemId', { Id: id })),
    '</m:ItemIds>',
    '</m:GetItem>',
  ].join('');
}

/** `GetFolder` of the inbox with its unread and total counts. */
export function getInboxBody(): string {
  return [
    '<m:GetFolder>',
    '<m:FolderShape>',
    '<t:BaseShape>IdOnly</t:BaseShape>',
    '<t:AdditionalProperties>',
    '<t:FieldURI FieldURI="folder:UnreadCount" />',
    '<t:FieldURI FieldURI="folder:TotalCount" />',
    '</t:AdditionalProperties>',
    '</m:FolderShape>',
    '<m:FolderIds><t:DistinguishedFolderId Id="inbox" /></m:FolderIds>',
    '</m:GetFolder>',
  ].join('');
}

/** `SyncFolderItems` of the inbox from `syncState` (from the start without one), 1..512 changes. */
export function syncInboxBody(syncState: string | undefined, maxChanges: number): string {
  if (!Number.isInteger(maxChanges) || maxChanges < 1 || maxChanges > 512) {
    throw new EwsError('invalid-request', `MaxChangesReturned must be 1..512 (got ${maxChanges})`);
  }
  return [
    '<m:SyncFolderItems>',
    ITEM_SHAPE,
    '<m:SyncFolderId><t:DistinguishedFolderId Id="inbox" /></m:SyncFolderId>',
    syncState === undefined || syncState === '' ? '' : textElement('m:SyncState', syncState),
    textElement('m:MaxChangesReturned', String(maxChanges)),
    '</m:SyncFolderItems>',
  ].join('');
}

function eventTypesXml(eventTypes: readonly EwsEventType[]): string {
  const subscribable = eventTypes.filter((type) => type !== 'StatusEvent');
  if (subscribable.length === 0) throw new EwsError('invalid-request', 'a subscription needs at least one event type');
  return `<t:EventTypes>${subscribable.map((type) => `<t:EventType>${escapeXml(type)}</t:EventType>`).join('')}</t:EventTypes>`;
}
