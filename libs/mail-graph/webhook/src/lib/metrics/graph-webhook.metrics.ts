import { Injectable } from '@nestjs/common';
import { metrics, type Counter, type Histogram } from '@opentelemetry/api';
import type { PublishFailure } from '@mailpush/messaging';

export type NotificationKind = 'change' | 'lifecycle';

/** Why a notification was acknowledged without being published. */
export type RejectionReason =
  /** No subscription of ours has its id (another app's, a deleted one, or forged). */
  | 'unknown_subscription'
  /** Its `clientState` is not the subscription's (or missing): not from Graph. */
  | 'client_state_mismatch'
  /** A `changeType` or `lifecycleEvent` mailpush does not know. */
  | 'unsupported_event'
  /** The same notification again in the same POST. */
  | 'duplicate';

/** How a POST to `/notificationClient` was answered. */
export type WebhookOutcome =
  | 'validated'
  | 'accepted'
  | 'invalid'
  | 'malformed_json'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'error';

/**
 * The webhook's instruments, through the OpenTelemetry API (`/metrics` serves them with a `_total` suffix on
 * counters): notifications received, rejected, published and not confirmed, and how long POSTs took.
 */
@Injectable()
export class GraphWebhookMetrics {
  private readonly meter = metrics.getMeter('@mailpush/graph-webhook');
  private readonly receivedCounter: Counter = this.meter.createCounter(
    'mailpush.graph_webhook.notifications.received',
    {
      description: 'Notifications in POSTs to /notificationClient that had a valid shape, by kind',
    },
  );
  private readonly rejectedCounter: Counter = this.meter.createCounter(
    'mailpush.graph_webhook.notifications.rejected',
    {
      description: 'Notifications acknowledged without being published, by reason',
    },
  );
  private readonly publishedCounter: Counter = this.meter.createCounter(
    'mailpush.graph_webhook.notifications.published',
    { description: 'Notifications published and confirmed by the bus, by kind' },
  );
  private readonly publishFailureCounter: Counter = this.meter.createCounter(
    'mailpush.graph_webhook.publish.failures',
    {
      description: 'Notifications the bus did not confirm (the POST was answered 503), by kind and failure',
    },
  );
  private readonly durationHistogram: Histogram = this.meter.createHistogram(
    'mailpush.graph_webhook.request.duration',
    {
      description: 'Time from receiving a POST to /notificationClient to answering it, by outcome',
      unit: 's',
    },
  );

  received(kind: NotificationKind, count: number): void {
    if (count > 0) this.receivedCounter.add(count, { kind });
  }

  rejected(reason: RejectionReason, count: number): void {
    if (count > 0) this.rejectedCounter.add(count, { reason });
  }

  published(kind: NotificationKind, count: number): void {
    if (count > 0) this.publishedCounter.add(count, { kind });
  }

  publishFailed(kind: NotificationKind, failure: PublishFailure | 'error'): void {
    this.publishFailureCounter.add(1, { kind, failure });
  }

  answered(outcome: WebhookOutcome, seconds: number): void {
    this.durationHistogram.record(seconds, { outcome });
  }
}
