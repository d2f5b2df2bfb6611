import {
  GraphRequestError,
  type GraphDeltaPage,
  type GraphMessageSummary,
  type GraphSubscriptionView,
  type NewGraphSubscription,
} from './graph-mail-api.port';

/** The message properties a push shows: what every read and every delta round selects. */
export const MESSAGE_SUMMARY_SELECT = 'subject,from,receivedDateTime,isRead,parentFolderId';
/** Graph's limit on `clientState`. */
const MAX_CLIENT_STATE_LENGTH = 128;

type Json = Readonly<Record<string, unknown>>;

/** `users/{user}/...` with the user URL-encoded (a UPN carries `@`, and may carry `'` or `#`). */
export function userPath(user: string): string {
  if (user.trim() === '')
    throw new GraphRequestError('invalid', 'user: must not be empty', undefined, undefined, undefined);
  return `users/${encodeURIComponent(user)}`;
}

/** A message as Graph returns it (`$select`ed) → the summary a push shows. */
export function toMessageSummary(value: unknown): GraphMessageSummary {
  const message = asObject(value, 'message');
  const id = message['id'];
  if (typeof id !== 'string' || id === '') throw malformed('a message without an id');
  const emailAddress = asOptionalObject(asOptionalObject(message['from'])?.['emailAddress']);
  const name = stringOrUndefined(emailAddress?.['name']);
  const address = stringOrUndefined(emailAddress?.['address']);
  const subject = stringOrUndefined(message['subject']);
  const receivedDateTime = stringOrUndefined(message['receivedDateTime']);
  const parentFolderId = stringOrUndefined(message['parentFolderId']);
  return {
    id,
    ...(subject === undefined ? {} : { subject }),
    ...(emailAddress === undefined
      ? {}
      : { from: { ...(name === undefined ? {} : { name }), ...(address === undefined ? {} : { address }) } }),
    ...(receivedDateTime === undefined ? {} : { receivedDateTime }),
    isRead: message['isRead'] === true,
    ...(parentFolderId === undefined ? {} : { parentFolderId }),
  };
}

/** A page of message delta: changed messages, removed ones (`@removed`) flagged, and where the round goes on. */
export function toDeltaPage(body: unknown): GraphDeltaPage {
  const page = asObject(body, 'delta page');
  const value = page['value'];
  if (!Array.isArray(value)) throw malformed('a delta page without a value array');
  const messages = value.map((item: unknown) => {
    const entry = asObject(item, 'delta item');
    if (entry['@removed'] === undefined) return toMessageSummary(entry);
    const id = entry['id'];
    if (typeof id !== 'string' || id === '') throw malformed('a removed delta item without an id');
    return { id, isRead: false, removed: true };
  });
  const nextLink = stringOrUndefined(page['@odata.nextLink']);
  const deltaLink = stringOrUndefined(page['@odata.deltaLink']);
  return {
    messages,
    ...(nextLink === undefined ? {} : { nextLink }),
    ...(deltaLink === undefined ? {} : { deltaLink }),
  };
}

export function toSubscriptionView(body: unknown): GraphSubscriptionView {
  const subscription = asObject(body, 'subscription');
  const fields = ['id', 'resource', 'changeType', 'notificationUrl', 'expirationDateTime'] as const;
  for (const field of fields) {
    if (typeof subscription[field] !== 'string') throw malformed(`a subscription without ${field}`);
  }
  const expirationDateTime = new Date(subscription['expirationDateTime'] as string);
  if (Number.isNaN(expirationDateTime.getTime()))
    throw malformed('a subscription with an unreadable expirationDateTime');
  const lifecycleNotificationUrl = stringOrUndefined(subscription['lifecycleNotificationUrl']);
  return {
    id: subscription['id'] as string,
    resource: subscription['resource'] as string,
    changeType: subscription['changeType'] as string,
    notificationUrl: subscription['notificationUrl'] as string,
    ...(lifecycleNotificationUrl === undefined ? {} : { lifecycleNotificationUrl }),
    expirationDateTime,
  };
}

/**
 * The body of `POST /subscriptions`. With `encryption` (rich notifications) the resource must say which message
 * properties to include: the summary's, unless the caller's resource already has a query.
 */
export function subscriptionBody(request: NewGraphSubscription): Record<string, unknown> {
  if (request.clientState.length > MAX_CLIENT_STATE_LENGTH) {
    throw new GraphRequestError(
      'invalid',
      `clientState: must be at most ${MAX_CLIENT_STATE_LENGTH} characters (got ${request.clientState.length})`,
      undefined,
      undefined,
      undefined,
    );
  }
  if (Number.isNaN(request.expirationDateTime.getTime())) {
    throw new GraphRequestError('invalid', 'expirationDateTime: not a valid date', undefined, undefined, undefined);
  }
  const base = request.resource ?? `${userPath(request.user)}/mailFolders('inbox')/messages`;
  const { encryption } = request;
  const resource = encryption === undefined || base.includes('?') ? base : `${base}?$select=${MESSAGE_SUMMARY_SELECT}`;
  return {
    changeType: request.changeType ?? 'created,updated',
    notificationUrl: request.notificationUrl,
    lifecycleNotificationUrl: request.lifecycleNotificationUrl,
    resource,
    expirationDateTime: request.expirationDateTime.toISOString(),
    clientState: request.clientState,
    ...(encryption === undefined
      ? {}
      : {
          includeResourceData: true,
          encryptionCertificate: encryption.certificate,
          encryptionCertificateId: encryption.certificateId,
        }),
  };
}

function asObject(value: unknown, what: string): Json {
  const object = asOptionalObject(value);
  if (object === undefined) throw malformed(`a ${what} that is not a JSON object`);
  return object;
}

function asOptionalObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Graph answered 2xx with something we cannot read: not retryable, not the caller's to fix either. */
function malformed(what: string): GraphRequestError {
  return new GraphRequestError('invalid', `Graph answered ${what}`, undefined, undefined, undefined);
}
