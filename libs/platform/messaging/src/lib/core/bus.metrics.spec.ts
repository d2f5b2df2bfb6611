import { Logger } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { defineMessage } from '../contracts/message.contract';
import { InProcessEventBus } from '../in-process/in-process-event-bus.adapter';
import { deadLetters } from '../../testing/event-bus.behaviour';
import { BusMetrics } from './bus.metrics';

Logger.overrideLogger(false);

/** Collects on demand, as the Prometheus exporter does on a scrape. */
class OnDemandReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const Ping = defineMessage('test.ping', 1, (p) => p as { fail: boolean; invalid?: never });
const StrictPing = defineMessage('test.ping', 1, (p) => {
  if ((p as { invalid?: unknown }).invalid !== undefined) throw new Error('invalid must be absent');
  return p as { fail: boolean };
});

describe(BusMetrics.name, () => {
  let reader: OnDemandReader;
  let provider: MeterProvider;

  beforeAll(() => {
    reader = new OnDemandReader();
    provider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
  });

  afterAll(async () => {
    metrics.disable();
    await provider.shutdown();
  });

  async function collected(): Promise<Map<string, MetricData>> {
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics
      .filter((scope) => scope.scope.name === '@mailpush/messaging')
      .flatMap((scope) => scope.metrics);
    return new Map(all.map((metric) => [metric.descriptor.name, metric]));
  }

  function sumFor(metric: MetricData | undefined, type: string): number {
    const points = (metric?.dataPoints ?? []) as DataPoint<unknown>[];
    const point = points.find((p) => p.attributes['message.type'] === type);
    if (point === undefined) return 0;
    const { value } = point;
    return typeof value === 'number' ? value : (value as { count: number }).count;
  }

  it('counts published, consumed, retried and dead-lettered messages and times handlers, by message type', async () => {
    const sut = new InProcessEventBus({ retryDelaysMs: [10], prefetch: 5 });
    await sut.subscribe(
      StrictPing,
      ({ fail }) => {
        if (fail) throw new Error('nope');
      },
      { group: 'alpha' },
    );
    await sut.start();

    await sut.publish(Ping, { fail: false });
    await sut.publish(Ping, { fail: true });
    await sut.publish(Ping, { fail: false, invalid: 'yes' as never });
    await expect(deadLetters(sut, 'alpha', 2)).resolves.toHaveLength(2);
    await sut.close();

    const byName = await collected();
    expect(sumFor(byName.get('mailpush.messages.published'), 'test.ping')).toBe(3);
    expect(sumFor(byName.get('mailpush.messages.consumed'), 'test.ping')).toBe(1);
    expect(sumFor(byName.get('mailpush.messages.retried'), 'test.ping')).toBe(1);
    expect(sumFor(byName.get('mailpush.messages.dead_lettered'), 'test.ping')).toBe(2);
    expect(byName.get('mailpush.handler.duration')?.descriptor.unit).toBe('s');
    // one success, and the failing message's two tries; the invalid one never reaches the handler
    expect(sumFor(byName.get('mailpush.handler.duration'), 'test.ping')).toBe(3);
  });
});
