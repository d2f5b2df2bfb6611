import { Injectable } from '@nestjs/common';
import { metrics, type Counter } from '@opentelemetry/api';

/** OpenTelemetry instruments of the Graph watch (exported to /metrics with the rest). */
@Injectable()
export class GraphWatchMetrics {
  private readonly subscriptions: Counter;
  private readonly failures: Counter;
  private readonly changes: Counter;
  private readonly lifecycle: Counter;

  constructor() {
    const meter = metrics.getMeter('@mailpush/graph-watch');
    this.subscriptions = meter.createCounter('mailpush.graph.subscriptions', {
      description: 'Graph subscriptions created, recreated, renewed and deleted',
      unit: '{subscription}',
    });
    this.failures = meter.createCounter('mailpush.graph.subscription_failures', {
      description: 'Subscription work that failed and will be retried',
      unit: '{failure}',
    });
    this.changes = meter.createCounter('mailpush.graph.changes', {
      description: 'Change notifications processed, by outcome',
      unit: '{notification}',
    });
    this.lifecycle = meter.createCounter('mailpush.graph.lifecycle_events', {
      description: 'Lifecycle notifications received, by event',
      unit: '{notification}',
    });
  }

  subscriptionCreated(how: 'created' | 'recreated'): void {
    this.subscriptions.add(1, { action: how });
  }

  subscriptionRenewed(): void {
    this.subscriptions.add(1, { action: 'renewed' });
  }

  subscriptionDeleted(): void {
    this.subscriptions.add(1, { action: 'deleted' });
  }

  subscriptionFailed(): void {
    this.failures.add(1);
  }

  changeProcessed(outcome: 'published' | 'read' | 'gone' | 'skipped' | 'unknown-mailbox'): void {
    this.changes.add(1, { outcome });
  }

  lifecycleReceived(event: string): void {
    this.lifecycle.add(1, { event });
  }
}
