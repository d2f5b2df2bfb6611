import { createRequire } from 'node:module';
import { trace, type Span } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { MailpushConfig } from '@mailpush/config';
import { DiscardingSpanProcessor } from './discarding-span.processor';

/** Paths that would only add noise to traces: probes and scrapes. */
const UNTRACED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

export interface TelemetryOptions {
  /** Extra span processors, e.g. an in-memory exporter in tests. */
  readonly spanProcessors?: readonly SpanProcessor[];
}

/**
 * The OpenTelemetry SDK of this process: W3C trace context, HTTP spans in and out, our own spans and
 * metrics through `@opentelemetry/api`, an OTLP export when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and the
 * metrics always readable as Prometheus text for `/metrics`.
 */
export class Telemetry {
  private readonly serializer = new PrometheusSerializer(undefined, false, undefined, true, true);

  constructor(
    private readonly sdk: NodeSDK,
    private readonly prometheus: PrometheusExporter,
  ) {}

  /** The OpenTelemetry metrics in the Prometheus text format. */
  async prometheusText(): Promise<string> {
    const { resourceMetrics, errors } = await this.prometheus.collect();
    if (errors.length > 0) throw new AggregateError(errors, 'collecting OpenTelemetry metrics failed');
    return this.serializer.serialize(resourceMetrics);
  }

  /** Flushes what is buffered (spans, metrics) to the exporters. */
  async shutdown(): Promise<void> {
    await this.sdk.shutdown();
  }
}

let current: Telemetry | undefined;

/**
 * Starts the SDK once per process (later calls return the same instance: the OpenTelemetry API accepts
 * one global provider). Call it before the HTTP server exists; it then re-requires `http` and `https` so
 * the instrumentation patches them even when a bundle loaded them first.
 */
export function startTelemetry(config: MailpushConfig, options: TelemetryOptions = {}): Telemetry {
  if (current !== undefined) return current;
  const otlp = config.telemetry.otlpEndpoint;
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const sdk = new NodeSDK({
    serviceName: `mailpush-${config.app.name}`,
    spanProcessors: [
      otlp === undefined ? new DiscardingSpanProcessor() : new BatchSpanProcessor(new OTLPTraceExporter()),
      ...(options.spanProcessors ?? []),
    ],
    metricReaders: [
      prometheus,
      ...(otlp === undefined ? [] : [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter() })]),
    ],
    // Logs go to stdout as JSON (pino); no OTLP log pipeline.
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0] ?? ''),
      }),
    ],
  });
  sdk.start();
  const load = createRequire(__filename);
  load('http');
  load('https');
  current = new Telemetry(sdk, prometheus);
  return current;
}

/** The running telemetry, if `startTelemetry` was called in this process. */
export function currentTelemetry(): Telemetry | undefined {
  return current;
}

/** Trace and span id of the active span, for log lines. */
export function activeTraceFields(): { trace_id: string; span_id: string } | Record<string, never> {
  const span: Span | undefined = trace.getActiveSpan();
  if (span === undefined) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}
