import { Injectable } from '@nestjs/common';
import {
  GraphChangeNotified,
  GraphLifecycleNotified,
  type GraphChangeNotification,
  type GraphLifecycleNotification,
} from '@mailpush/contracts';
import { HandleMessage } from '@mailpush/messaging';

/** Consumes what the webhook publishes in a test app, as the Graph processor would, and keeps it. */
@Injectable()
export class GraphNotificationLog {
  readonly changes: GraphChangeNotification[] = [];
  readonly lifecycles: GraphLifecycleNotification[] = [];

  @HandleMessage(GraphChangeNotified, { group: 'graph-webhook-test-observer' })
  onChange(change: GraphChangeNotification): void {
    this.changes.push(change);
  }

  @HandleMessage(GraphLifecycleNotified, { group: 'graph-webhook-test-observer' })
  onLifecycle(lifecycle: GraphLifecycleNotification): void {
    this.lifecycles.push(lifecycle);
  }

  changesOf(subscriptionId: string): GraphChangeNotification[] {
    return this.changes.filter((c) => c.subscriptionId === subscriptionId);
  }

  lifecyclesOf(subscriptionId: string): GraphLifecycleNotification[] {
    return this.lifecycles.filter((l) => l.subscriptionId === subscriptionId);
  }
}
