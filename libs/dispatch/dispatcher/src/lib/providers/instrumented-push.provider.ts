import { performance } from 'node:perf_hooks';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { PushProvider, type PushOutcome, type PushRequest } from '@mailpush/push';
import { DISPATCH_INSTRUMENTATION, type DispatchMetrics, type PushResult } from '../telemetry/dispatch.metrics';

/**
 * Wraps a provider so that every send is a CLIENT span (child of the message's consumer span, so a trace
 * follows a mail change to APNs/FCM) and counted by result. Observability in one place, not in the use case.
 */
export class InstrumentedPushProvider extends PushProvider {
  readonly platform: 'ios' | 'android';

  constructor(
    private readonly inner: PushProvider,
    private readonly metrics: DispatchMetrics,
    private readonly credentialLabel: string,
  ) {
    super();
    this.platform = inner.platform;
  }

  send(requests: readonly PushRequest[]): Promise<readonly PushOutcome[]> {
    return trace.getTracer(DISPATCH_INSTRUMENTATION).startActiveSpan(
      `push ${this.platform === 'ios' ? 'apns' : 'fcm'}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'mailpush.push.platform': this.platform,
          'mailpush.push.credential': this.credentialLabel,
          'mailpush.push.requests': requests.length,
          'mailpush.registration.ids': requests.map((r) => r.target.registrationId),
        },
      },
      async (span) => {
        const started = performance.now();
        try {
          const outcomes = await this.inner.send(requests);
          const counts = new Map<PushResult, number>();
          for (const outcome of outcomes) {
            const result: PushResult = outcome.status === 'sent' ? 'sent' : outcome.disposition;
            counts.set(result, (counts.get(result) ?? 0) + 1);
          }
          for (const [result, count] of counts) {
            this.metrics.pushed(this.platform, result, count);
            span.setAttribute(`mailpush.push.${result}`, count);
          }
          return outcomes;
        } catch (error) {
          span.recordException(error instanceof Error ? error : new Error(String(error)));
          span.setStatus({
            code: SpanStatusCode.ERROR,
            message: error instanceof Error ? error.message : String(error),
          });
          throw error;
        } finally {
          this.metrics.sent(this.platform, (performance.now() - started) / 1000);
          span.end();
        }
      },
    );
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
