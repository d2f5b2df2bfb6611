import { metrics, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '@mailpush/config';
import { activeTraceFields, currentTelemetry, startTelemetry } from './telemetry';

describe(startTelemetry.name, () => {
  const spans = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(spans);
  const sut = startTelemetry(loadConfig({ app: 'dispatcher' }, {}), { spanProcessors: [processor] });

  it('is started once per process', () => {
    expect(startTelemetry(loadConfig({ app: 'dispatcher' }, {}))).toBe(sut);
    expect(currentTelemetry()).toBe(sut);
  });

  it('shows OpenTelemetry instruments as Prometheus text', async () => {
    metrics
      .getMeter('test')
      .createCounter('mailpush.test.things', { description: 'things counted in a test' })
      .add(3, { 'message.type': 'mail.changed' });

    const text = await sut.prometheusText();

    expect(text).toContain('# HELP mailpush_test_things_total things counted in a test');
    expect(text).toContain('mailpush_test_things_total{message_type="mail.changed"} 3');
  });

  it('records spans under the service name and exposes the active ids for log lines', async () => {
    const fields = trace.getTracer('test').startActiveSpan('unit of work', (span) => {
      const inside = activeTraceFields();
      span.end();
      return { inside, ids: span.spanContext() };
    });

    expect(fields.inside).toEqual({ trace_id: fields.ids.traceId, span_id: fields.ids.spanId });
    expect(activeTraceFields()).toEqual({});
    await processor.forceFlush();
    const recorded = spans.getFinishedSpans().find((s) => s.name === 'unit of work');
    expect(recorded?.resource.attributes['service.name']).toBe('mailpush-dispatcher');
  });
});
