/**
 * One Exchange Online organisation mailpush reaches with app-only (client credentials) access. Built from
 * a `mail_connection` row of kind `graph` (or from the GRAPH_* environment), credentials already unsealed.
 */
export interface GraphConnection {
  /** The `mail_connection` id; clients and token caches are kept per connection. */
  readonly id: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly credential: GraphClientCredential;
  /** Graph's root without the version, e.g. `https://graph.microsoft.com`. */
  readonly baseUrl: string;
  /** e.g. `https://login.microsoftonline.com`. */
  readonly authorityHost: string;
  /** Extra CA certificates (PEM) trusted for Graph and the authority (a local simulator, a TLS proxy). */
  readonly caPem?: string;
}

export type GraphClientCredential =
  | { readonly kind: 'secret'; readonly clientSecret: string }
  | {
      readonly kind: 'certificate';
      /** PEM of the certificate registered on the app (its SHA-256 thumbprint is sent as `x5t#S256`). */
      readonly certificatePem: string;
      /** PEM of its private key. */
      readonly privateKeyPem: string;
    };

/** What mailpush asks Graph to create for one mailbox. */
export interface NewGraphSubscription {
  /** The Graph user id or user principal name of the mailbox. */
  readonly user: string;
  /** `users/{user}/mailFolders('inbox')/messages` unless given. */
  readonly resource?: string;
  /** Default `created,updated`. */
  readonly changeType?: string;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl: string;
  readonly expirationDateTime: Date;
  /** At most 128 characters; secret per subscription. */
  readonly clientState: string;
  /** Rich notifications: the public certificate (base64 DER) and its id. */
  readonly encryption?: { readonly certificate: string; readonly certificateId: string };
}

/** A subscription as Graph returns it (the fields mailpush reads). */
export interface GraphSubscriptionView {
  readonly id: string;
  readonly resource: string;
  readonly changeType: string;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl?: string;
  readonly expirationDateTime: Date;
}

/** The part of a message a push shows. */
export interface GraphMessageSummary {
  readonly id: string;
  readonly subject?: string;
  readonly from?: { readonly name?: string; readonly address?: string };
  /** ISO 8601. */
  readonly receivedDateTime?: string;
  readonly isRead: boolean;
  readonly parentFolderId?: string;
}

/** One page of a message delta round. */
export interface GraphDeltaPage {
  /** Messages added or changed since the last round (a removed one carries `removed: true`). */
  readonly messages: readonly (GraphMessageSummary & { readonly removed?: boolean })[];
  /** Follow this for the next page of the same round. */
  readonly nextLink?: string;
  /** The round is complete: store this and start the next round from it. */
  readonly deltaLink?: string;
}

/**
 * Why a Graph call failed, in terms mailpush acts on:
 * - `throttled`: 429 (or 503 with `Retry-After`) still after the client's own waits; retry after `retryAfterMs`;
 * - `not-found`: 404 (a subscription or message that is gone);
 * - `gone`: 410, e.g. an expired delta token (start a new round from scratch);
 * - `auth`: the token could not be obtained or was refused (401/403): fix the connection;
 * - `invalid`: any other 4xx (a bug or a refused request, e.g. a failed validation handshake on create);
 * - `unavailable`: 5xx, timeouts and network errors: retry with backoff.
 */
export type GraphErrorKind = 'throttled' | 'not-found' | 'gone' | 'auth' | 'invalid' | 'unavailable';

export class GraphRequestError extends Error {
  override readonly name = 'GraphRequestError';

  constructor(
    readonly kind: GraphErrorKind,
    message: string,
    readonly status: number | undefined,
    /** Graph's `error.code`, e.g. `TooManyRequests`, `ErrorItemNotFound`. */
    readonly code: string | undefined,
    /** From `Retry-After`, when Graph sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
  }
}

/**
 * The Graph calls mailpush makes for Exchange Online mailboxes. Every method takes the connection to use;
 * tokens are acquired (and cached until near expiry) per connection. Implementations honour 429
 * `Retry-After`, keep at most 4 concurrent requests per mailbox (Outlook's limit per app and mailbox), and
 * throw `GraphRequestError` for anything they could not complete.
 */
export abstract class GraphMailApi {
  abstract createSubscription(
    connection: GraphConnection,
    request: NewGraphSubscription,
  ): Promise<GraphSubscriptionView>;

  /** PATCH `expirationDateTime`. Throws `not-found` when the subscription is gone. */
  abstract renewSubscription(
    connection: GraphConnection,
    subscriptionId: string,
    expirationDateTime: Date,
  ): Promise<GraphSubscriptionView>;

  /** POST `/subscriptions/{id}/reauthorize`. Throws `not-found` when the subscription is gone. */
  abstract reauthorizeSubscription(connection: GraphConnection, subscriptionId: string): Promise<void>;

  /** DELETE; resolves also when the subscription was already gone (404). */
  abstract deleteSubscription(connection: GraphConnection, subscriptionId: string): Promise<void>;

  /** GET; `undefined` when it is gone. */
  abstract getSubscription(
    connection: GraphConnection,
    subscriptionId: string,
  ): Promise<GraphSubscriptionView | undefined>;

  /**
   * The summaries of messages of one mailbox, by id, in one call for one id and through `$batch` (at most 20
   * per batch) for more. A message that no longer exists maps to `undefined`.
   */
  abstract getMessages(
    connection: GraphConnection,
    user: string,
    messageIds: readonly string[],
  ): Promise<ReadonlyMap<string, GraphMessageSummary | undefined>>;

  /** The inbox's `unreadItemCount`. */
  abstract getInboxUnreadCount(connection: GraphConnection, user: string): Promise<number>;

  /**
   * One page of the inbox's message delta: from `link` (a stored deltaLink or a nextLink) or, without one, the
   * first page of a new round that selects the summary fields, limited to messages received at or after
   * `options.receivedSince` when given (`$filter=receivedDateTime ge ...`, kept in the round's tokens by Graph).
   * Throws `gone` when the link has expired.
   */
  abstract deltaPage(
    connection: GraphConnection,
    user: string,
    link: string | undefined,
    options?: { readonly receivedSince?: Date },
  ): Promise<GraphDeltaPage>;
}
