/** What the simulator answered to one Graph or login request. */
export interface RecordedGraphRequest {
  readonly at: Date;
  readonly method: string;
  /** Path and query as sent (for a `$batch` step: its relative URL). */
  readonly path: string;
  readonly status: number;
  /** The application of the bearer token, when it was valid. */
  readonly applicationId?: string;
  /** True for a step executed inside `POST /v1.0/$batch`. */
  readonly inBatch: boolean;
}

export type GraphChangeType = 'created' | 'updated' | 'deleted';
export type GraphLifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

/** A subscription as Graph returns it. */
export interface GraphSubscription {
  readonly id: string;
  readonly resource: string;
  readonly applicationId: string;
  readonly changeType: string;
  readonly clientState: string | null;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl: string | null;
  readonly expirationDateTime: string;
  readonly creatorId: string;
  readonly includeResourceData: boolean;
  readonly latestSupportedTlsVersion: string;
  /** Base64 DER of the certificate rich notifications are encrypted for (`includeResourceData`). */
  readonly encryptionCertificate: string | null;
  readonly encryptionCertificateId: string | null;
  readonly notificationQueryOptions: null;
  readonly notificationUrlAppId: null;
}

/** The simulator's own view of a subscription: Graph's object plus what a test wants to see. */
export interface SubscriptionState extends GraphSubscription {
  readonly mailboxId: string;
  readonly tenantId: string;
  /** Set by a `reauthorizationRequired` lifecycle event, cleared by `/reauthorize` or a renewal. */
  readonly reauthorizationRequired: boolean;
  readonly reauthorizedCount: number;
}

/** One POST of a notification collection (each retry is its own record). */
export interface NotificationPost {
  readonly at: Date;
  readonly kind: 'change' | 'lifecycle';
  readonly url: string;
  /** 1 for the first try, 2 for the first retry, ... */
  readonly attempt: number;
  /** The collection posted: `{ value: [...] }`, plus `validationTokens` when an item carries resource data. */
  readonly body: { readonly value: readonly Record<string, unknown>[]; readonly validationTokens?: readonly string[] };
  /** HTTP status; 0 when no response came (connection error or no answer within the deadline). */
  readonly status: number;
  readonly error?: string;
  /** Milliseconds from sending to the response head (or to the failure). */
  readonly responseTimeMs: number;
}

/** One validation handshake (`POST notificationUrl?validationToken=...`). */
export interface ValidationRequest {
  readonly at: Date;
  readonly url: string;
  readonly token: string;
  readonly status: number;
  /** Why the handshake failed; absent when it passed. */
  readonly failure?: string;
}

/** A message as Graph returns it (the properties a mail notifier reads). */
export interface GraphMessage {
  readonly id: string;
  readonly '@odata.etag': string;
  readonly changeKey: string;
  readonly createdDateTime: string;
  readonly lastModifiedDateTime: string;
  readonly receivedDateTime: string;
  readonly sentDateTime: string;
  readonly subject: string;
  readonly bodyPreview: string;
  readonly importance: string;
  readonly parentFolderId: string;
  readonly conversationId: string;
  readonly isRead: boolean;
  readonly hasAttachments: boolean;
  readonly from: { readonly emailAddress: { readonly name: string; readonly address: string } };
  readonly sender: { readonly emailAddress: { readonly name: string; readonly address: string } };
  readonly toRecipients: readonly { readonly emailAddress: { readonly name: string; readonly address: string } }[];
}

/** What `deliverMail` needs; the rest of the message is filled in. */
export interface MailInput {
  readonly subject: string;
  readonly from: { readonly name: string; readonly address: string };
  readonly bodyPreview?: string;
  readonly importance?: 'low' | 'normal' | 'high';
  readonly hasAttachments?: boolean;
  readonly receivedDateTime?: Date;
}

export interface GraphMailboxInfo {
  readonly id: string;
  readonly userPrincipalName: string;
}
