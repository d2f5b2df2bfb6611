import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * Keeps tracing on (trace ids in logs, context across the bus) when no exporter is configured, without
 * buffering spans nobody will read.
 */
export class DiscardingSpanProcessor implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {
    // nothing to do: spans are not exported
  }

  onEnd(_span: ReadableSpan): void {
    // nothing to do: spans are not exported
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
