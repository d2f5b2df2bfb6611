import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import {
  GRAPH_CHANGE_TYPES,
  GRAPH_LIFECYCLE_EVENTS,
  GraphChangeNotified,
  GraphLifecycleNotified,
  type GraphChangeNotification,
  type GraphLifecycleEventName,
  type GraphLifecycleNotification,
  type GraphResourceData,
} from '@mailpush/contracts';
import { EventBus, PublishFailedError } from '@mailpush/messaging';
import { GraphWebhookMetrics, type NotificationKind, type RejectionReason } from '../metrics/graph-webhook.metrics';
import { RichContentError, RichNotificationReader } from '../rich/rich-notification.reader.port';
import { GraphSubscriptionDirectory, type KnownSubscription } from '../subscriptions/graph-subscription-directory.port';
import { clientStateMatches } from './client-state';
import { beforeDeadline, remainingMs } from './deadline';
import { NotificationsNotPersistedError } from './notifications-not-persisted.error';
import type { NotificationCollection, ParsedNotification } from './parsed-notification';

type GraphChangeType = GraphChangeNotification['changeType'];

/** The POST the notifications came in. */
export interface IntakeContext {
  /** When it arrived: the notifications' `notifiedAt`. */
  readonly receivedAt: Date;
  /** A `performance.now()` reading by which every publish must be confirmed (the answer budget). */
  readonly deadline: number;
}

/** What became of a POST's notifications. */
export interface IntakeOutcome {
  readonly published: number;
  /** Acknowledged without being published (unknown subscription, wrong clientState, unsupported, duplicate). */
  readonly rejected: number;
}

type Publication =
  | { readonly kind: 'change'; readonly payload: GraphChangeNotification }
  | { readonly kind: 'lifecycle'; readonly payload: GraphLifecycleNotification };

/** Subscription ids named in a log line at most; the rest are counted. */
const LOGGED_IDS = 5;

function isChangeType(value: string): value is GraphChangeType {
  return (GRAPH_CHANGE_TYPES as readonly string[]).includes(value);
}

function isLifecycleEvent(value: string): value is GraphLifecycleEventName {
  return (GRAPH_LIFECYCLE_EVENTS as readonly string[]).includes(value);
}

/** Notifications of one POST that were not published, grouped for the metrics and one log line per reason. */
class Rejections {
  private readonly byReason = new Map<RejectionReason, { count: number; subscriptions: Set<string> }>();
  total = 0;

  add(reason: RejectionReason, subscriptionId: string): void {
    let group = this.byReason.get(reason);
    if (group === undefined) {
      group = { count: 0, subscriptions: new Set() };
      this.byReason.set(reason, group);
    }
    group.count += 1;
    group.subscriptions.add(subscriptionId);
    this.total += 1;
  }

  report(metrics: GraphWebhookMetrics, logger: Logger): void {
    for (const [reason, { count, subscriptions }] of this.byReason) {
      metrics.rejected(reason, count);
      const ids = [...subscriptions];
      const named = ids.slice(0, LOGGED_IDS).join(', ');
      const more = ids.length > LOGGED_IDS ? ` and ${ids.length - LOGGED_IDS} more` : '';
      const message = `acknowledged and ignored ${count} notification(s), ${reason.replace(/_/g, ' ')}; subscription(s) ${named}${more}`;
      if (reason === 'duplicate') logger.debug(message);
      else logger.warn(message);
    }
  }
}

/**
 * What the webhook does with a POST's notifications: checks each against its subscription (known to us,
 * same `clientState`), drops repeats, publishes `GraphChangeNotified` / `GraphLifecycleNotified` for the
 * others, all at once, and resolves once the bus confirmed every one. Rejects with
 * `NotificationsNotPersistedError` when a lookup or a publish did not succeed by the deadline: the POST is
 * then answered 503 and Graph sends all of it again (consumers de-duplicate).
 */
@Injectable()
export class NotificationIntake {
  private readonly logger = new Logger('GraphWebhook');

  constructor(
    @Inject(GraphSubscriptionDirectory) private readonly directory: GraphSubscriptionDirectory,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(GraphWebhookMetrics) private readonly metrics: GraphWebhookMetrics,
    @Optional() @Inject(RichNotificationReader) private readonly rich?: RichNotificationReader,
  ) {}

  async accept(collection: NotificationCollection, context: IntakeContext): Promise<IntakeOutcome> {
    const { notifications } = collection;
    const changes = notifications.filter((n) => n.kind === 'change').length;
    this.metrics.received('change', changes);
    this.metrics.received('lifecycle', notifications.length - changes);

    const [subscriptions, resourceData] = await Promise.all([
      this.lookUp(new Set(notifications.map((n) => n.subscriptionId)), context.deadline),
      this.readRich(collection),
    ]);
    const notifiedAt = context.receivedAt.toISOString();
    const rejections = new Rejections();
    const seen = new Set<string>();
    const publications: Publication[] = [];
    for (const notification of notifications) {
      const judged = this.judge(
        notification,
        subscriptions.get(notification.subscriptionId),
        notifiedAt,
        resourceData.get(notification),
      );
      if (typeof judged === 'string') {
        rejections.add(judged, notification.subscriptionId);
      } else if (seen.has(judged.key)) {
        rejections.add('duplicate', notification.subscriptionId);
      } else {
        seen.add(judged.key);
        publications.push(judged.publication);
      }
    }
    rejections.report(this.metrics, this.logger);

    await this.publishAll(publications, context);
    return { published: publications.length, rejected: rejections.total };
  }

  private async lookUp(
    subscriptionIds: ReadonlySet<string>,
    deadline: number,
  ): Promise<ReadonlyMap<string, KnownSubscription | undefined>> {
    const lookups = Promise.all([...subscriptionIds].map(async (id) => [id, await this.directory.find(id)] as const));
    try {
      return new Map(
        await beforeDeadline(
          lookups,
          deadline,
          () => new NotificationsNotPersistedError('looking up the subscriptions took longer than the answer budget'),
        ),
      );
    } catch (error) {
      if (error instanceof NotificationsNotPersistedError) throw error;
      throw new NotificationsNotPersistedError(
        `the subscriptions could not be looked up: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * The decrypted summaries of rich notifications, when a reader is configured and the POST's validation
   * tokens verify. Content that cannot be trusted or read is left out: the item is then published as a basic
   * notification (its `clientState` still authenticates it) and the processor reads the summary from Graph,
   * so no mail is lost to a key set that cannot be fetched or a certificate that rotated.
   */
  private async readRich(
    collection: NotificationCollection,
  ): Promise<ReadonlyMap<ParsedNotification, GraphResourceData>> {
    const read = new Map<ParsedNotification, GraphResourceData>();
    const rich = this.rich;
    const encrypted = collection.notifications.filter((n) => n.kind === 'change' && n.encryptedContent !== undefined);
    if (rich === undefined || encrypted.length === 0) return read;
    const tokens = collection.validationTokens ?? [];
    if (tokens.length === 0 || !(await rich.verifyTokens(tokens))) {
      this.logger.warn(`validation tokens of a POST did not verify; ${encrypted.length} rich item(s) read as basic`);
      return read;
    }
    for (const notification of encrypted) {
      if (notification.kind !== 'change' || notification.encryptedContent === undefined) continue;
      try {
        read.set(notification, rich.decrypt(notification.encryptedContent));
      } catch (error) {
        if (!(error instanceof RichContentError)) throw error;
        this.logger.warn(`rich content of subscription ${notification.subscriptionId} unreadable: ${error.message}`);
      }
    }
    return read;
  }

  /** The publication and its de-duplication key, or why the notification is not published. */
  private judge(
    notification: ParsedNotification,
    subscription: KnownSubscription | undefined,
    notifiedAt: string,
    resourceData: GraphResourceData | undefined,
  ): { readonly key: string; readonly publication: Publication } | RejectionReason {
    if (subscription === undefined) return 'unknown_subscription';
    if (!clientStateMatches(subscription.clientState, notification.clientState)) return 'client_state_mismatch';
    const { subscriptionId, tenantId } = notification;
    const { mailboxId } = subscription;
    switch (notification.kind) {
      case 'change': {
        const { changeType, messageId } = notification;
        if (!isChangeType(changeType)) return 'unsupported_event';
        return {
          key: `c\n${subscriptionId}\n${changeType}\n${messageId}`,
          publication: {
            kind: 'change',
            payload: {
              subscriptionId,
              mailboxId,
              changeType,
              messageId,
              tenantId,
              notifiedAt,
              resourceData,
            },
          },
        };
      }
      case 'lifecycle': {
        const { lifecycleEvent } = notification;
        if (!isLifecycleEvent(lifecycleEvent)) return 'unsupported_event';
        return {
          key: `l\n${subscriptionId}\n${lifecycleEvent}`,
          publication: {
            kind: 'lifecycle',
            payload: { subscriptionId, mailboxId, lifecycleEvent, tenantId, notifiedAt },
          },
        };
      }
    }
  }

  private async publishAll(publications: readonly Publication[], context: IntakeContext): Promise<void> {
    if (publications.length === 0) return;
    const timeoutMs = remainingMs(context.deadline);
    const outcomes = await Promise.all(
      publications.map(async (publication) => {
        try {
          await this.publish(publication, timeoutMs, context.receivedAt);
          return { kind: publication.kind, error: undefined };
        } catch (error) {
          return { kind: publication.kind, error: error ?? new Error('publish failed') };
        }
      }),
    );
    const published: Record<NotificationKind, number> = { change: 0, lifecycle: 0 };
    const failures = new Set<string>();
    let failed = 0;
    let unexpected: unknown;
    for (const { kind, error } of outcomes) {
      if (error === undefined) {
        published[kind] += 1;
      } else if (error instanceof PublishFailedError) {
        failed += 1;
        failures.add(error.failure);
        this.metrics.publishFailed(kind, error.failure);
      } else {
        failed += 1;
        unexpected ??= error;
        this.metrics.publishFailed(kind, 'error');
      }
    }
    this.metrics.published('change', published.change);
    this.metrics.published('lifecycle', published.lifecycle);
    if (unexpected !== undefined) throw unexpected;
    if (failed > 0) {
      throw new NotificationsNotPersistedError(
        `${failed} of ${publications.length} notification(s) were not confirmed by the bus (${[...failures].join(', ')})`,
      );
    }
  }

  private async publish(publication: Publication, timeoutMs: number, occurredAt: Date): Promise<void> {
    switch (publication.kind) {
      case 'change':
        await this.bus.publish(GraphChangeNotified, publication.payload, { timeoutMs, occurredAt });
        return;
      case 'lifecycle':
        await this.bus.publish(GraphLifecycleNotified, publication.payload, { timeoutMs, occurredAt });
        return;
    }
  }
}
