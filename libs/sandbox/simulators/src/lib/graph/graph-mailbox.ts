import { randomBytes, randomUUID } from 'node:crypto';
import type { GraphMailboxInfo, GraphMessage, MailInput } from './graph-records';

/** One entry of a mailbox's change log: the message changed at `sequence` (created or updated). */
interface Change {
  readonly sequence: number;
  readonly messageId: string;
}

/** A page of a delta round: the messages, and where the round goes on (or that it has ended). */
export interface DeltaPage {
  readonly messages: readonly GraphMessage[];
  /** Offset of the next page, or `undefined` when this was the last page of the round. */
  readonly nextOffset?: number;
  /** The sequence the round reads up to: the `deltaLink` of the last page resumes from it. */
  readonly until: number;
}

/**
 * One user's mailbox with an inbox only. Every change appends to a change log, so that a delta round sees a
 * stable list (sequences `since < s <= until`) however much mail arrives while it is paging.
 */
export class GraphMailbox {
  readonly inboxId = `AQMk${randomBytes(24).toString('base64url')}`;
  private readonly messages = new Map<string, GraphMessage>();
  private readonly changes: Change[] = [];

  constructor(readonly info: GraphMailboxInfo) {}

  get sequence(): number {
    return this.changes.length;
  }

  deliver(input: MailInput, recipient: { name: string; address: string }): GraphMessage {
    const received = (input.receivedDateTime ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
    const changeKey = `CQAAABYAAAD${randomBytes(12).toString('base64')}`;
    const message: GraphMessage = {
      id: `AAMkA${randomBytes(48).toString('base64url')}`,
      '@odata.etag': `W/"${changeKey}"`,
      changeKey,
      createdDateTime: received,
      lastModifiedDateTime: received,
      receivedDateTime: received,
      sentDateTime: received,
      subject: input.subject,
      bodyPreview: input.bodyPreview ?? '',
      importance: input.importance ?? 'normal',
      parentFolderId: this.inboxId,
      conversationId: `AAQkA${randomUUID().replaceAll('-', '')}`,
      isRead: false,
      hasAttachments: input.hasAttachments ?? false,
      from: { emailAddress: { name: input.from.name, address: input.from.address } },
      sender: { emailAddress: { name: input.from.name, address: input.from.address } },
      toRecipients: [{ emailAddress: recipient }],
    };
    this.messages.set(message.id, message);
    this.changes.push({ sequence: this.changes.length + 1, messageId: message.id });
    return message;
  }

  /** Marks a message read; `undefined` when there is no such message, the unchanged message when it was read. */
  markRead(messageId: string): { message: GraphMessage; changed: boolean } | undefined {
    const message = this.messages.get(messageId);
    if (message === undefined) return undefined;
    if (message.isRead) return { message, changed: false };
    const changeKey = `CQAAABYAAAD${randomBytes(12).toString('base64')}`;
    const updated: GraphMessage = {
      ...message,
      isRead: true,
      changeKey,
      '@odata.etag': `W/"${changeKey}"`,
      lastModifiedDateTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    };
    this.messages.set(messageId, updated);
    this.changes.push({ sequence: this.changes.length + 1, messageId });
    return { message: updated, changed: true };
  }

  message(messageId: string): GraphMessage | undefined {
    return this.messages.get(messageId);
  }

  counts(): { totalItemCount: number; unreadItemCount: number } {
    const all = [...this.messages.values()];
    return { totalItemCount: all.length, unreadItemCount: all.filter((message) => !message.isRead).length };
  }

  /**
   * Messages changed after `since` and up to `until`, each once (at its latest change in that range), in change
   * order, `pageSize` from `offset`.
   */
  deltaPage(since: number, until: number, offset: number, pageSize: number): DeltaPage {
    const latest = new Map<string, number>();
    for (const change of this.changes.slice(since, until)) latest.set(change.messageId, change.sequence);
    const ids = [...latest].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    const messages = ids
      .slice(offset, offset + pageSize)
      .map((id) => this.messages.get(id))
      .filter((message): message is GraphMessage => message !== undefined);
    const nextOffset = offset + pageSize < ids.length ? offset + pageSize : undefined;
    return nextOffset === undefined ? { messages, until } : { messages, nextOffset, until };
  }
}
