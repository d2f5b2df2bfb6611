import { Injectable } from '@nestjs/common';
import { RegistrationChanged, type RegistrationChange } from '@mailpush/contracts';
import { HandleMessage } from '@mailpush/messaging';

/** Consumes `RegistrationChanged` in a test app, as a watcher would, and keeps what it saw. */
@Injectable()
export class RegistrationEventLog {
  readonly events: RegistrationChange[] = [];

  @HandleMessage(RegistrationChanged, { group: 'registration-test-observer' })
  record(change: RegistrationChange): void {
    this.events.push(change);
  }

  of(smtpAddress: string): RegistrationChange[] {
    return this.events.filter((e) => e.smtpAddress === smtpAddress);
  }
}
