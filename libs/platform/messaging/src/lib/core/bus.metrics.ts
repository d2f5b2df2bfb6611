import { metrics, type Counter, type Histogram } from '@opentelemetry/api';

export const METER_NAME = '@mailpush/messaging';

/**
 * The bus's instruments, recorded through the OpenTelemetry API (the app registers the SDK). Created when the
 * bus is built, so the SDK must be started before: instruments of the API's no-op meter stay no-ops.
 */
export class BusMetrics {
  private readonly publishedCounter: Counter;
  private readonly consumedCounter: Counter;
  private readonly retriedCounter: Counter;
  private readonly deadLetteredCounter: Counter;
  private readonly durationHistogram: Histogram;

  constructor() {
    const meter = metrics.getMeter(METER_NAME);
    this.publishedCounter = meter.createCounter('mailpush.messages.published', {
      description: 'Messages published and confirmed',
    });
    this.consumedCounter = meter.createCounter('mailpush.messages.consumed', {
      description: 'Messages handled successfully and acknowledged',
    });
    this.retriedCounter = meter.createCounter('mailpush.messages.retried', {
      description: 'Failed handler runs scheduled for another try',
    });
    this.deadLetteredCounter = meter.createCounter('mailpush.messages.dead_lettered', {
      description: 'Messages moved to a dead-letter queue (retries exhausted, invalid, or no handler)',
    });
    this.durationHistogram = meter.createHistogram('mailpush.handler.duration', {
      description: 'Time spent in message handlers, failed runs included',
      unit: 's',
    });
  }

  published(type: string): void {
    this.publishedCounter.add(1, { 'message.type': type });
  }

  consumed(type: string): void {
    this.consumedCounter.add(1, { 'message.type': type });
  }

  retried(type: string): void {
    this.retriedCounter.add(1, { 'message.type': type });
  }

  deadLettered(type: string): void {
    this.deadLetteredCounter.add(1, { 'message.type': type });
  }

  handlerDuration(type: string, seconds: number): void {
    this.durationHistogram.record(seconds, { 'message.type': type });
  }
}
