/**
 * The port to Exchange Web Services: the handful of operations mailpush needs to watch on-premises
 * mailboxes through an impersonating service account. Neutral types only; the SOAP lives in the adapter.
 */

/** How the service account signs in. NTLM is the on-premises default. */
export type EwsAuth =
  | {
      readonly kind: 'ntlm';
      /** `user`, `DOMAIN\user` or `user@domain`. */
      readonly username: string;
      readonly password: string;
    }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string }
  | {
      readonly kind: 'oauth';
      readonly tenantId: string;
      readonly clientId: string;
      readonly clientSecret: string;
      /** e.g. `https://login.microsoftonline.com`. */
      readonly authorityHost: string;
      /** Default `https://outlook.office365.com/.default`. */
      readonly scope?: string;
    };

/**
 * One Exchange organisation mailpush reaches through EWS. Built from a `mail_connection` row of kind `ews`
 * (or from the EWS_* environment), credentials already unsealed.
 */
export interface EwsConnection {
  /** The `mail_connection` id: HTTP clients, NTLM connections and tokens are kept per connection. */
  readonly id: string;
  readonly auth: EwsAuth;
  /** Extra CA certificates (PEM) trusted for EWS and Autodiscover (a private CA, a local simulator). */
  readonly caPem?: string;
  /** `RequestServerVersion`; default `Exchange2013`. */
  readonly serverVersion?: string;
}

/**
 * Where one call goes and as whom. Every impersonated call carries `ExchangeImpersonation/ConnectingSID`
 * of `impersonate` and `X-AnchorMailbox: anchorMailbox` (the same address unless the call is for a group).
 */
export interface EwsTarget {
  /** e.g. `https://mail.contoso.com/EWS/Exchange.asmx`. */
  readonly ewsUrl: string;
  /** SMTP address put in `ExchangeImpersonation/ConnectingSID/SmtpAddress`. */
  readonly impersonate: string;
  /** `X-AnchorMailbox`: the group's anchor for group calls, else the mailbox itself. */
  readonly anchorMailbox: string;
  /**
   * Affinity: when present the call sends `X-PreferServerAffinity: true`, and `Cookie:
   * X-BackEndOverrideCookie=<value>` once the group has one (captured from the anchor's Subscribe).
   */
  readonly affinity?: { readonly backEndOverrideCookie?: string };
  /** Aborts the call (shutdown, watchdog). */
  readonly signal?: AbortSignal;
}

export const EWS_EVENT_TYPES = [
  'NewMailEvent',
  'CreatedEvent',
  'DeletedEvent',
  'ModifiedEvent',
  'MovedEvent',
  'CopiedEvent',
  'FreeBusyChangedEvent',
  'StatusEvent',
] as const;
export type EwsEventType = (typeof EWS_EVENT_TYPES)[number];

/** One event of a notification, as EWS reports it. */
export interface EwsEvent {
  readonly type: EwsEventType;
  /** Push and pull events carry one; streaming events may not. */
  readonly watermark?: string;
  /** ISO 8601. */
  readonly timeStamp?: string;
  /** Item events. */
  readonly itemId?: string;
  /** Folder events (a `ModifiedEvent` on the inbox carries its `unreadCount`). */
  readonly folderId?: string;
  readonly parentFolderId?: string;
  readonly oldParentFolderId?: string;
  readonly unreadCount?: number;
}

/** One `Notification`: the events of one subscription. */
export interface EwsNotification {
  readonly subscriptionId: string;
  /** Push (and pull): the watermark of the last event the server had sent before these. */
  readonly previousWatermark?: string;
  readonly moreEvents?: boolean;
  readonly events: readonly EwsEvent[];
}

/** One SOAP envelope of a `GetStreamingEvents` response. */
export interface EwsStreamMessage {
  readonly notifications: readonly EwsNotification[];
  /** `Closed` when the server ends the connection (ConnectionTimeout elapsed, or an error). */
  readonly connectionStatus?: 'OK' | 'Closed';
  /** Subscriptions the server reports as failed on this connection (`ErrorSubscriptionIds`). */
  readonly errorSubscriptionIds: readonly string[];
  /** Set when the envelope's `ResponseClass` is `Error`. */
  readonly error?: EwsError;
}

/** The parts of a message a push shows. */
export interface EwsItemSummary {
  readonly itemId: string;
  readonly subject?: string;
  readonly from?: { readonly name?: string; readonly address?: string };
  /** ISO 8601 `DateTimeReceived`. */
  readonly receivedAt?: string;
  readonly isRead: boolean;
  readonly parentFolderId?: string;
}

export interface EwsInboxState {
  readonly folderId: string;
  readonly unreadCount: number;
  readonly totalCount?: number;
}

/** One change `SyncFolderItems` reports. `create` and `update` carry the item's summary. */
export type EwsSyncChange =
  | { readonly kind: 'create' | 'update'; readonly item: EwsItemSummary }
  | { readonly kind: 'delete'; readonly itemId: string }
  | { readonly kind: 'read-flag'; readonly itemId: string; readonly isRead: boolean };

export interface EwsSyncPage {
  /** Store it: the next sync resumes here. */
  readonly syncState: string;
  /** `false`: call again with `syncState` for more. */
  readonly includesLastItemInRange: boolean;
  readonly changes: readonly EwsSyncChange[];
}

export interface EwsSubscribed {
  readonly subscriptionId: string;
  /** Push subscriptions (and some servers for streaming): where this subscription starts. */
  readonly watermark?: string;
  /** `X-BackEndOverrideCookie` from `Set-Cookie`, when the server issued one (the anchor's Subscribe). */
  readonly backEndOverrideCookie?: string;
}

/** Neutral error kinds the watcher acts on; `responseCode` keeps EWS's own code. */
export const EWS_ERROR_KINDS = [
  /** `ErrorServerBusy` (honour `backOffMs`), HTTP 503, `ErrorTimeoutExpired`. */
  'server-busy',
  /** `ErrorSubscriptionNotFound`, `ErrorInvalidSubscription`: resubscribe. */
  'subscription-not-found',
  /** `ErrorInvalidWatermark`: subscribe without a watermark and catch up by sync. */
  'invalid-watermark',
  /** `ErrorExceededConnectionCount`: too many streaming connections for the account. */
  'connection-limit',
  /** `ErrorExceededSubscriptionCount`. */
  'subscription-limit',
  /** `ErrorProxyRequestNotAllowed`, `ErrorReadEventsFailed`, `ErrorMailboxMoveInProgress`: re-Autodiscover. */
  'mailbox-moved',
  /** `ErrorMissedNotificationEvents`: catch up. */
  'missed-events',
  /** `ErrorImpersonateUserDenied`, `ErrorImpersonationDenied`, `ErrorNonExistentMailbox`, `ErrorAccessDenied`. */
  'access-denied',
  /** HTTP 401, NTLM/Basic/OAuth failure. */
  'auth',
  /** `ErrorItemNotFound`, `ErrorFolderNotFound`. */
  'not-found',
  /** `ErrorInvalidSyncStateData`, `ErrorInvalidRequest`, `ErrorSchemaValidation` and other request faults. */
  'invalid-request',
  /** Transport failures, HTTP 5xx, `ErrorInternalServerError`. */
  'unavailable',
  /** A response mailpush cannot read. */
  'protocol',
] as const;
export type EwsErrorKind = (typeof EWS_ERROR_KINDS)[number];

export class EwsError extends Error {
  constructor(
    readonly kind: EwsErrorKind,
    message: string,
    readonly details: {
      /** EWS's `ResponseCode`, e.g. `ErrorServerBusy`. */
      readonly responseCode?: string;
      readonly httpStatus?: number;
      /** `BackOffMilliseconds` of `ErrorServerBusy`. */
      readonly backOffMs?: number;
      readonly cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EwsError';
  }
}

/** A long-lived `GetStreamingEvents` response: one message per SOAP envelope, until the server closes it. */
export interface EwsEventStream extends AsyncIterable<EwsStreamMessage> {
  /** Ends the stream (and the HTTP request) now. */
  close(): void;
}

export interface StreamingSubscribeRequest {
  /** Default `['NewMailEvent', 'CreatedEvent', 'ModifiedEvent']`; the inbox only. */
  readonly eventTypes?: readonly EwsEventType[];
}

export interface PushSubscribeRequest {
  readonly url: string;
  /** 1..1440 minutes. */
  readonly statusFrequencyMinutes: number;
  /** Resume where an earlier subscription ended. */
  readonly watermark?: string;
  readonly eventTypes?: readonly EwsEventType[];
}

export abstract class EwsApi {
  abstract subscribeStreaming(
    connection: EwsConnection,
    target: EwsTarget,
    request?: StreamingSubscribeRequest,
  ): Promise<EwsSubscribed>;

  abstract subscribePush(
    connection: EwsConnection,
    target: EwsTarget,
    request: PushSubscribeRequest,
  ): Promise<EwsSubscribed>;

  /**
   * Opens one `GetStreamingEvents` connection for at most 200 subscriptions of one affinity group
   * (`ConnectionTimeout` 1..30 minutes). Resolves once the server answered 200 and the stream began;
   * a refusal (e.g. `ErrorExceededConnectionCount`) rejects with an `EwsError`.
   */
  abstract getStreamingEvents(
    connection: EwsConnection,
    target: EwsTarget,
    subscriptionIds: readonly string[],
    connectionTimeoutMinutes: number,
  ): Promise<EwsEventStream>;

  /** An unknown or expired subscription is not an error. */
  abstract unsubscribe(connection: EwsConnection, target: EwsTarget, subscriptionId: string): Promise<void>;

  /** Summaries of the items, in order; items that are gone are left out. */
  abstract getItems(
    connection: EwsConnection,
    target: EwsTarget,
    itemIds: readonly string[],
  ): Promise<EwsItemSummary[]>;

  abstract getInbox(connection: EwsConnection, target: EwsTarget): Promise<EwsInboxState>;

  /** One page (at most `maxChanges`, 1..512) of inbox changes since `syncState` (from the start without one). */
  abstract syncInbox(
    connection: EwsConnection,
    target: EwsTarget,
    syncState: string | undefined,
    maxChanges?: number,
  ): Promise<EwsSyncPage>;
}
