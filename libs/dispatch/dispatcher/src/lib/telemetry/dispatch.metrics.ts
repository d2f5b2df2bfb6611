import { metrics, type Counter, type Histogram } from '@opentelemetry/api';

export const DISPATCH_INSTRUMENTATION = '@mailpush/dispatch';

/** What a provider answered, for the pushes counter: `sent` or the failure's disposition. */
export type PushResult = 'sent' | 'prune' | 'retry' | 'credential' | 'reject';

/**
 * The dispatcher's instruments, through the OpenTelemetry API like the bus's (`/metrics` shows them next to
 * prom-client's). Built at module creation, after the app started the SDK.
 */
export class DispatchMetrics {
  private readonly pushes: Counter;
  private readonly coalesced: Counter;
  private readonly duplicates: Counter;
  private readonly sendDuration: Histogram;

  constructor() {
    const meter = metrics.getMeter(DISPATCH_INSTRUMENTATION);
    this.pushes = meter.createCounter('mailpush.dispatch.pushes', {
      description: 'Push requests answered by APNs or FCM, by platform and result',
    });
    this.coalesced = meter.createCounter('mailpush.dispatch.coalesced_changes', {
      description: 'Mail changes merged into the push of an earlier change of the same mailbox',
    });
    this.duplicates = meter.createCounter('mailpush.dispatch.duplicates_skipped', {
      description: 'Pushes not sent because the device already got that change',
    });
    this.sendDuration = meter.createHistogram('mailpush.dispatch.send.duration', {
      description: 'Time a provider took to answer one send call',
      unit: 's',
    });
  }

  pushed(platform: string, result: PushResult, count = 1): void {
    this.pushes.add(count, { platform, result });
  }

  coalescedChanges(count: number): void {
    if (count > 0) this.coalesced.add(count);
  }

  duplicateSkipped(): void {
    this.duplicates.add(1);
  }

  sent(platform: string, seconds: number): void {
    this.sendDuration.record(seconds, { platform });
  }
}
