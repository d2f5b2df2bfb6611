import { Injectable } from '@nestjs/common';
import { metrics, type Counter } from '@opentelemetry/api';

export type RegistrationOutcome =
  | 'created'
  | 'refreshed'
  | 'settings_updated'
  | 'deleted'
  | 'expired'
  | 'invalid'
  | 'unauthorized'
  | 'not_found'
  | 'rate_limited'
  | 'rejected_body'
  | 'unavailable'
  | 'error';

/**
 * `mailpush.registrations{outcome}`: registration API requests by how they ended, and purged registrations
 * (`expired`). Recorded through the OpenTelemetry API like every metric added after ADR 0005's amendment;
 * `/metrics` serves it as `mailpush_registrations_total`.
 */
@Injectable()
export class RegistrationMetrics {
  private readonly outcomes: Counter = metrics
    .getMeter('@mailpush/registration')
    .createCounter('mailpush.registrations', {
      description: 'Registration API requests by outcome, and purged registrations',
    });

  record(outcome: RegistrationOutcome, count = 1): void {
    this.outcomes.add(count, { outcome });
  }
}
