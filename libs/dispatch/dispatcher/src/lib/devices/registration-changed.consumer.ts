import { Inject, Injectable } from '@nestjs/common';
import { RegistrationChanged, type RegistrationChange } from '@mailpush/contracts';
import { HandleMessage } from '@mailpush/messaging';
import { DeviceDirectory } from './device-directory.port';

/** Keeps the device cache honest: any change to a mailbox's registrations drops its cached devices. */
@Injectable()
export class RegistrationChangedConsumer {
  constructor(@Inject(DeviceDirectory) private readonly devices: DeviceDirectory) {}

  @HandleMessage(RegistrationChanged, { group: 'dispatcher' })
  onRegistrationChanged(change: RegistrationChange): void {
    this.devices.forget(change.mailboxId);
  }
}
