import type { EncryptedContent } from '../rich/rich-notification.reader.port';

/** One change notification of a POST, as read (its `clientState` not checked yet). */
export interface ParsedChangeNotification {
  readonly kind: 'change';
  /** Position in `value`, for messages that name it. */
  readonly index: number;
  readonly subscriptionId: string;
  readonly clientState: string | undefined;
  /** As Graph sent it; only `created`, `updated` and `deleted` are published. */
  readonly changeType: string;
  /** `resourceData.id`, else the last segment of `resource`. */
  readonly messageId: string;
  readonly tenantId: string | undefined;
  /** Rich notifications only; passed on unread (see the README, "Rich notifications"). */
  readonly encryptedContent: EncryptedContent | undefined;
}

/** One lifecycle notification of a POST, as read. */
export interface ParsedLifecycleNotification {
  readonly kind: 'lifecycle';
  readonly index: number;
  readonly subscriptionId: string;
  readonly clientState: string | undefined;
  /** As Graph sent it; only `reauthorizationRequired`, `subscriptionRemoved` and `missed` are published. */
  readonly lifecycleEvent: string;
  readonly tenantId: string | undefined;
}

export type ParsedNotification = ParsedChangeNotification | ParsedLifecycleNotification;

/** A notification POST (`changeNotificationCollection`), read and checked for shape. */
export interface NotificationCollection {
  readonly notifications: readonly ParsedNotification[];
  /** Rich notifications only: one token per app and tenant in `value`, passed on unchecked. */
  readonly validationTokens: readonly string[] | undefined;
}
