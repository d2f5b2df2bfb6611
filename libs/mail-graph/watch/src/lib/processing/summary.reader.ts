import { Inject, Injectable } from '@nestjs/common';
import { GraphMailApi, type GraphConnection, type GraphMessageSummary } from '@mailpush/graph-client';

export interface MessageReading {
  /** `undefined` when the message no longer exists. */
  readonly summary: GraphMessageSummary | undefined;
  readonly unreadCount: number;
}

interface Waiter {
  readonly resolve: (reading: MessageReading) => void;
  readonly reject: (error: unknown) => void;
}

interface MailboxReads {
  readonly connection: GraphConnection;
  readonly waiters: Map<string, Waiter[]>;
}

/**
 * Reads message summaries and the inbox unread count, gathering the reads asked for one mailbox in the same
 * event-loop turn into one `$batch` (or one GET) and one unread-count call: a burst of notifications for one
 * mailbox costs a couple of Graph calls instead of two per message.
 */
@Injectable()
export class SummaryReader {
  private pending = new Map<string, MailboxReads>();
  private scheduled = false;

  constructor(@Inject(GraphMailApi) private readonly graph: GraphMailApi) {}

  read(connection: GraphConnection, user: string, messageId: string): Promise<MessageReading> {
    return new Promise<MessageReading>((resolve, reject) => {
      const key = `${connection.id}\n${user.toLowerCase()}`;
      let reads = this.pending.get(key);
      if (reads === undefined) {
        reads = { connection, waiters: new Map() };
        this.pending.set(key, reads);
      }
      reads.waiters.set(messageId, [...(reads.waiters.get(messageId) ?? []), { resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [key, reads] of batch) void this.readMailbox(key.slice(key.indexOf('\n') + 1), reads);
  }

  private async readMailbox(user: string, reads: MailboxReads): Promise<void> {
    try {
      const [summaries, unreadCount] = await Promise.all([
        this.graph.getMessages(reads.connection, user, [...reads.waiters.keys()]),
        this.graph.getInboxUnreadCount(reads.connection, user),
      ]);
      for (const [messageId, waiters] of reads.waiters) {
        waiters.forEach((waiter) => waiter.resolve({ summary: summaries.get(messageId), unreadCount }));
      }
    } catch (error) {
      for (const waiters of reads.waiters.values()) waiters.forEach((waiter) => waiter.reject(error));
    }
  }
}
