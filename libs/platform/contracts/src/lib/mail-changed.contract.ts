import { defineMessage, type PayloadOf } from '@mailpush/messaging';
import { z } from 'zod';

export const MAIL_CHANGE_KINDS = ['new', 'read', 'unread-count'] as const;
export type MailChangeKind = (typeof MAIL_CHANGE_KINDS)[number];

const MailChangedSchema = z.object({
  /**
   * Stable id of this change: mailbox + item id + kind (e.g. `<mailboxId>:<itemId>:new`). The same change
   * seen twice (redelivery, EWS's Created+NewMail+Modified trio, catch-up overlap) carries the same id, and
   * the dispatcher pushes it at most once per device.
   */
  changeId: z.string().min(1).max(512),
  mailboxId: z.string().min(1).max(36),
  /** Lower-case SMTP address of the mailbox. */
  smtpAddress: z.string().min(3).max(320),
  /** `new`: a message arrived; `read`/`unread-count`: only the unread count changed (badge-only update). */
  kind: z.enum(MAIL_CHANGE_KINDS),
  /** Well-known folder name (`inbox`) or the folder's display name. */
  folder: z.string().min(1).max(255),
  itemId: z.string().max(1024).optional(),
  subject: z.string().max(4096).optional(),
  from: z.object({ name: z.string().max(512).optional(), address: z.string().max(320).optional() }).optional(),
  /** ISO 8601. */
  receivedAt: z.iso.datetime({ offset: true }).optional(),
  /** Unread messages in the inbox after this change, when the source knows it. */
  unreadCount: z.number().int().min(0).optional(),
  /** Where the change came from. */
  source: z.enum(['ews', 'graph', 'test']),
});

/** A mailbox changed: published by the mail sources (and the admin test push), consumed by the dispatcher. */
export const MailChanged = defineMessage('mail.changed', 1, (payload) => MailChangedSchema.parse(payload));
export type MailChange = PayloadOf<typeof MailChanged>;

/** The stable change id: the same item and kind always give the same id. */
export function mailChangeId(mailboxId: string, itemId: string, kind: MailChangeKind): string {
  return `${mailboxId}:${itemId}:${kind}`;
}
