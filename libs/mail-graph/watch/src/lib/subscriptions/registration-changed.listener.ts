import { Inject, Injectable } from '@nestjs/common';
import { RegistrationChanged, type RegistrationChange } from '@mailpush/contracts';
import { HandleMessage } from '@mailpush/messaging';
import { GraphSubscriptionManager } from './graph-subscription.manager';

export const GRAPH_WATCH_GROUP = 'graph-watch';

/**
 * Wakes the subscription manager when a Graph mailbox this instance owns gains its first device or loses
 * its last, so the subscription follows at once instead of at the next poll. The database stays the source
 * of truth: an instance that does not own the shard ignores the event, and the owner's poll finds the work.
 */
@Injectable()
export class RegistrationChangedListener {
  constructor(@Inject(GraphSubscriptionManager) private readonly manager: GraphSubscriptionManager) {}

  @HandleMessage(RegistrationChanged, { group: GRAPH_WATCH_GROUP })
  onRegistrationChanged(change: RegistrationChange): void {
    if (change.backend === 'graph' && this.manager.owns(change.shard)) this.manager.wake();
  }
}
