import { mailChangeId, type GraphResourceData, type MailChange } from '@mailpush/contracts';
import type { GraphMessageSummary } from '@mailpush/graph-client';
import type { MailboxEntity } from '@mailpush/persistence';

type Summary = Pick<GraphMessageSummary, 'subject' | 'from' | 'receivedDateTime'> | GraphResourceData;

/** A new message in the inbox, as the dispatcher reads it. */
export function newMailChange(
  mailbox: Pick<MailboxEntity, 'id' | 'smtpAddress'>,
  messageId: string,
  summary: Summary,
  unreadCount: number | undefined,
): MailChange {
  const from = summary.from === undefined ? undefined : definedOnly(summary.from);
  return {
    changeId: mailChangeId(mailbox.id, messageId, 'new'),
    mailboxId: mailbox.id,
    smtpAddress: mailbox.smtpAddress,
    kind: 'new',
    folder: 'inbox',
    itemId: messageId,
    ...(summary.subject === undefined ? {} : { subject: summary.subject }),
    ...(from === undefined || Object.keys(from).length === 0 ? {} : { from }),
    ...(summary.receivedDateTime === undefined ? {} : { receivedAt: summary.receivedDateTime }),
    ...(unreadCount === undefined ? {} : { unreadCount }),
    source: 'graph',
  };
}

/**
 * A message was read: a badge-only update. The id carries the unread count, so a message read, marked unread
 * and read again updates the badge each time, while redeliveries of one change still push once.
 */
export function readChange(
  mailbox: Pick<MailboxEntity, 'id' | 'smtpAddress'>,
  messageId: string,
  unreadCount: number,
): MailChange {
  return {
    changeId: mailChangeId(mailbox.id, `${messageId}#unread=${unreadCount}`, 'read'),
    mailboxId: mailbox.id,
    smtpAddress: mailbox.smtpAddress,
    kind: 'read',
    folder: 'inbox',
    itemId: messageId,
    unreadCount,
    source: 'graph',
  };
}

function definedOnly(from: { readonly name?: string; readonly address?: string }): { name?: string; address?: string } {
  return {
    ...(from.name === undefined || from.name === '' ? {} : { name: from.name }),
    ...(from.address === undefined || from.address === '' ? {} : { address: from.address.toLowerCase() }),
  };
}
