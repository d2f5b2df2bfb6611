import { Inject, Injectable, Logger } from '@nestjs/common';
import { MailChanged } from '@mailpush/contracts';
import {
  GraphMailApi,
  GraphRequestError,
  type GraphConnection,
  type GraphMessageSummary,
} from '@mailpush/graph-client';
import { EventBus } from '@mailpush/messaging';
import type { MailboxEntity } from '@mailpush/persistence';
import { GraphWatchSettings } from '../graph-watch.settings';
import { newMailChange } from '../processing/mail-change.mapper';
import { GraphMailboxStore } from '../state/graph-mailbox.store';

/** Pages one delta round may read before it is cut short (and resumed by the next catch-up). */
const MAX_PAGES = 200;

interface Round {
  readonly unread: readonly GraphMessageSummary[];
  readonly deltaLink: string;
  /** Started without a stored deltaLink. */
  readonly fresh: boolean;
}

export interface CatchUpResult {
  /** New mail published (the dispatcher still drops what it already pushed). */
  readonly published: number;
  /** The round completed and its deltaLink is stored. */
  readonly complete: boolean;
}

/**
 * Catch-up by message delta: reads the inbox's changes since the stored deltaLink, publishes every unread
 * message among them as new mail, and only then stores the new deltaLink, so a crash or a failed publish
 * repeats the round rather than losing it. Without a deltaLink (a new subscription) the round starts at
 * `since`, which the caller puts a little before the subscription was created, so mail that arrived while
 * it was being set up is not missed either. Duplicates are harmless: mail changes carry stable ids.
 */
@Injectable()
export class DeltaCatchUp {
  private readonly logger = new Logger(DeltaCatchUp.name);

  constructor(
    @Inject(GraphMailApi) private readonly graph: GraphMailApi,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(GraphMailboxStore) private readonly store: GraphMailboxStore,
    @Inject(GraphWatchSettings) private readonly settings: GraphWatchSettings,
  ) {}

  async run(connection: GraphConnection, mailbox: MailboxEntity, epoch: number, since: Date): Promise<CatchUpResult> {
    const stored = mailbox.watermark ?? undefined;
    let round: Round | undefined;
    try {
      round = await this.readRound(connection, mailbox, stored, since);
    } catch (error) {
      if (!(error instanceof GraphRequestError) || error.kind !== 'gone' || stored === undefined) throw error;
      this.logger.warn(`the delta token of mailbox ${mailbox.id} expired; starting a new round`);
      round = await this.readRound(connection, mailbox, undefined, since);
    }
    if (round === undefined) {
      this.logger.warn(`the delta round of mailbox ${mailbox.id} did not end within ${MAX_PAGES} pages`);
      return { published: 0, complete: false };
    }
    // A new round only holds mail since `since`; a resumed one holds any message changed since the last round.
    const oldest = round.fresh ? since.getTime() : Date.now() - this.settings.catchUpWindowMs;
    const published = await this.publish(connection, mailbox, round.unread, oldest);
    await this.store.saveDeltaLink(mailbox, epoch, round.deltaLink);
    return { published, complete: true };
  }

  /** Pages through one round; `undefined` when it did not end within `MAX_PAGES`. */
  private async readRound(
    connection: GraphConnection,
    mailbox: MailboxEntity,
    stored: string | undefined,
    since: Date,
  ): Promise<Round | undefined> {
    const unread = new Map<string, GraphMessageSummary>();
    let link = stored;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const options = stored === undefined ? { receivedSince: since } : {};
      const result = await this.graph.deltaPage(connection, mailbox.smtpAddress, link, options);
      for (const message of result.messages) {
        if (message.removed === true || message.isRead) unread.delete(message.id);
        else unread.set(message.id, message);
      }
      if (result.deltaLink !== undefined) {
        return { unread: [...unread.values()], deltaLink: result.deltaLink, fresh: stored === undefined };
      }
      if (result.nextLink === undefined) return undefined;
      link = result.nextLink;
    }
    return undefined;
  }

  private async publish(
    connection: GraphConnection,
    mailbox: MailboxEntity,
    messages: readonly GraphMessageSummary[],
    oldest: number,
  ): Promise<number> {
    const news = messages.filter((message) => {
      const received = Date.parse(message.receivedDateTime ?? '');
      return Number.isNaN(received) || received >= oldest;
    });
    if (news.length === 0) return 0;
    const unreadCount = await this.graph.getInboxUnreadCount(connection, mailbox.smtpAddress);
    await Promise.all(
      news.map((message) => this.bus.publish(MailChanged, newMailChange(mailbox, message.id, message, unreadCount))),
    );
    this.logger.log(`catch-up of mailbox ${mailbox.id} published ${news.length} new message(s)`);
    return news.length;
  }
}
