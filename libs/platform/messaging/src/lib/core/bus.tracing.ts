import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { MessageHeaders } from './message.headers';

export const TRACER_NAME = '@mailpush/messaging';

/** Which transport a span describes (`messaging.system`). */
export type MessagingSystem = 'rabbitmq' | 'in-process';

const headerGetter: TextMapGetter<MessageHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    return Buffer.isBuffer(value) ? value.toString('utf8') : undefined;
  },
};

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Runs a publish in a PRODUCER span and hands `send` the headers carrying its W3C trace context
 * (`traceparent`, `tracestate`), so that the consumer's span continues this trace.
 */
export function tracePublish<R>(
  system: MessagingSystem,
  message: { readonly type: string; readonly id: string },
  send: (traceHeaders: Record<string, string>) => R | Promise<R>,
): Promise<R> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(
    `publish ${message.type}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': system,
        'messaging.operation.type': 'send',
        'messaging.destination.name': message.type,
        'messaging.message.id': message.id,
      },
    },
    async (span) => {
      const traceHeaders: Record<string, string> = {};
      propagation.inject(context.active(), traceHeaders);
      try {
        return await send(traceHeaders);
      } catch (error) {
        fail(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Runs a handler in a CONSUMER span whose parent is the trace context found in the message headers. */
export function traceConsume<R>(
  system: MessagingSystem,
  message: { readonly type: string; readonly id: string; readonly group: string; readonly attempt: number },
  headers: MessageHeaders,
  handle: () => Promise<R>,
): Promise<R> {
  const parent = propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  return trace.getTracer(TRACER_NAME).startActiveSpan(
    `process ${message.type}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': system,
        'messaging.operation.type': 'process',
        'messaging.destination.name': message.type,
        'messaging.message.id': message.id,
        'messaging.consumer.group.name': message.group,
        'mailpush.message.attempt': message.attempt,
      },
    },
    parent,
    async (span) => {
      try {
        return await handle();
      } catch (error) {
        fail(span, error);
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
