import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  GraphLifecycleNotified,
  type GraphLifecycleEventName,
  type GraphLifecycleNotification,
} from '@mailpush/contracts';
import { HandleMessage } from '@mailpush/messaging';
import { GraphWatchMetrics } from '../graph-watch.metrics';
import { GraphMailboxStore, type SyncRequest } from '../state/graph-mailbox.store';
import { GraphSubscriptionManager } from '../subscriptions/graph-subscription.manager';

export const GRAPH_LIFECYCLE_GROUP = 'graph-lifecycle';

const REQUESTS: Readonly<Record<GraphLifecycleEventName, SyncRequest>> = {
  subscriptionRemoved: 'recreate',
  reauthorizationRequired: 'reauthorize',
  missed: 'catch-up',
};

/**
 * Lifecycle notifications become a sync request on the mailbox row, which its shard owner acts on (at once
 * when that is this instance, within a poll otherwise). Stored rather than acted on here, because any
 * instance may receive the notification and only the owner may touch the subscription.
 */
@Injectable()
export class GraphLifecycleHandler {
  private readonly logger = new Logger(GraphLifecycleHandler.name);

  constructor(
    @Inject(GraphMailboxStore) private readonly store: GraphMailboxStore,
    @Inject(GraphSubscriptionManager) private readonly manager: GraphSubscriptionManager,
    @Inject(GraphWatchMetrics) private readonly metrics: GraphWatchMetrics,
  ) {}

  @HandleMessage(GraphLifecycleNotified, { group: GRAPH_LIFECYCLE_GROUP })
  async onLifecycle(notification: GraphLifecycleNotification): Promise<void> {
    this.metrics.lifecycleReceived(notification.lifecycleEvent);
    const mailbox = await this.store.findOne(notification.mailboxId);
    if (mailbox === null || mailbox.subscriptionId !== notification.subscriptionId) {
      this.logger.log(
        `${notification.lifecycleEvent} for subscription ${notification.subscriptionId}, which mailbox ${notification.mailboxId} no longer uses; ignored`,
      );
      return;
    }
    const request = REQUESTS[notification.lifecycleEvent];
    await this.store.requestSync(mailbox.id, request);
    this.logger.log(`mailbox ${mailbox.id}: ${notification.lifecycleEvent}, ${request} requested`);
    if (this.manager.owns(mailbox.shard)) this.manager.wake();
  }
}
