import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { AppConfig } from '@mailpush/config';
import { currentTelemetry } from '@mailpush/telemetry';

/**
 * The Prometheus view of this process: prom-client's Node.js and HTTP server metrics, followed by every
 * OpenTelemetry metric the libraries record (bus, leases, ...).
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(config: AppConfig) {
    this.registry.setDefaultLabels({ app: config.value.app.name });
    collectDefaultMetrics({ register: this.registry, prefix: 'mailpush_' });
    this.httpDuration = new Histogram({
      name: 'mailpush_http_server_duration_seconds',
      help: 'HTTP requests served, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }

  /** Everything, as Prometheus text. */
  async text(): Promise<string> {
    const own = await this.registry.metrics();
    const telemetry = currentTelemetry();
    return telemetry === undefined ? own : `${own}\n${await telemetry.prometheusText()}`;
  }
}
