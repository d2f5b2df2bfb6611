import { Inject, Injectable, Logger } from '@nestjs/common';
import { GraphChangeNotified, MailChanged, type GraphChangeNotification } from '@mailpush/contracts';
import { EventBus, HandleMessage } from '@mailpush/messaging';
import type { MailboxEntity } from '@mailpush/persistence';
import { GraphConnections } from '../connections/graph-connections';
import { GraphWatchMetrics } from '../graph-watch.metrics';
import { GraphMailboxStore, WATCHED } from '../state/graph-mailbox.store';
import { newMailChange, readChange } from './mail-change.mapper';
import { SummaryReader } from './summary.reader';

export const GRAPH_PROCESSOR_GROUP = 'graph-processor';
/** An `updated` notification for an unread message this recent is treated as its arrival (deduplicated). */
const RECENT_MS = 15 * 60_000;
const MAILBOX_CACHE_MS = 30_000;

/**
 * Turns the change notifications the webhook queued into mail changes: reads the message's summary and the
 * inbox unread count (unless a rich notification carried the summary), then publishes `mail.changed`:
 * `new` for a message that arrived, `read` (badge only) for one that was read. Runs on any instance; Graph
 * is called here, never in the webhook. Throttling and outages throw, so the bus retries with backoff.
 */
@Injectable()
export class GraphChangeProcessor {
  private readonly logger = new Logger(GraphChangeProcessor.name);
  private readonly mailboxes = new Map<string, { readonly at: number; readonly row: Promise<MailboxEntity | null> }>();

  constructor(
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(GraphMailboxStore) private readonly store: GraphMailboxStore,
    @Inject(GraphConnections) private readonly connections: GraphConnections,
    @Inject(SummaryReader) private readonly reader: SummaryReader,
    @Inject(GraphWatchMetrics) private readonly metrics: GraphWatchMetrics,
  ) {}

  @HandleMessage(GraphChangeNotified, { group: GRAPH_PROCESSOR_GROUP })
  async onChange(notification: GraphChangeNotification): Promise<void> {
    const mailbox = await this.mailbox(notification.mailboxId);
    if (mailbox === null || mailbox.backend !== 'graph' || mailbox.connectionId === null) {
      this.metrics.changeProcessed('unknown-mailbox');
      this.logger.warn(`change for mailbox ${notification.mailboxId}, which is not a Graph mailbox; ignored`);
      return;
    }
    if (mailbox.status !== WATCHED || notification.changeType === 'deleted') {
      this.metrics.changeProcessed('skipped');
      return;
    }
    const rich = notification.resourceData;
    if (rich !== undefined) {
      await this.publishRich(mailbox, notification, rich);
      return;
    }
    const connection = await this.connections.get(mailbox.connectionId);
    const { summary, unreadCount } = await this.reader.read(connection, mailbox.smtpAddress, notification.messageId);
    if (summary === undefined) {
      this.metrics.changeProcessed('gone');
      return;
    }
    if (summary.isRead) {
      if (notification.changeType === 'updated') {
        await this.bus.publish(MailChanged, readChange(mailbox, summary.id, unreadCount));
        this.metrics.changeProcessed('read');
      } else this.metrics.changeProcessed('skipped');
      return;
    }
    if (notification.changeType === 'updated' && !isRecent(summary.receivedDateTime)) {
      this.metrics.changeProcessed('skipped');
      return;
    }
    await this.bus.publish(MailChanged, newMailChange(mailbox, summary.id, summary, unreadCount));
    this.metrics.changeProcessed('published');
  }

  private async publishRich(
    mailbox: MailboxEntity,
    notification: GraphChangeNotification,
    rich: NonNullable<GraphChangeNotification['resourceData']>,
  ): Promise<void> {
    const arrived = rich.isRead !== true && (notification.changeType === 'created' || isRecent(rich.receivedDateTime));
    if (!arrived) {
      this.metrics.changeProcessed('skipped');
      return;
    }
    await this.bus.publish(MailChanged, newMailChange(mailbox, notification.messageId, rich, undefined));
    this.metrics.changeProcessed('published');
  }

  private mailbox(mailboxId: string): Promise<MailboxEntity | null> {
    const now = Date.now();
    const cached = this.mailboxes.get(mailboxId);
    if (cached !== undefined && now - cached.at < MAILBOX_CACHE_MS) return cached.row;
    if (this.mailboxes.size > 10_000) this.mailboxes.clear();
    const row = this.store.findOne(mailboxId);
    row.catch(() => this.mailboxes.delete(mailboxId));
    this.mailboxes.set(mailboxId, { at: now, row });
    return row;
  }
}

function isRecent(receivedDateTime: string | undefined): boolean {
  const received = Date.parse(receivedDateTime ?? '');
  return !Number.isNaN(received) && Date.now() - received < RECENT_MS;
}
