import type { DeviceRegistrationRepository } from '@mailpush/persistence';
import { ACTIVE_STATUS } from '../devices/cached-device-directory.adapter';
import { INVALID_STATUS, RegistrationUpkeep } from './registration-upkeep.port';

/** `RegistrationUpkeep` on the `device_registration` table, through its repository. */
export class TypeOrmRegistrationUpkeep extends RegistrationUpkeep {
  constructor(private readonly registrations: DeviceRegistrationRepository) {
    super();
  }

  recordPushed(registrationIds: readonly string[], at: Date): Promise<void> {
    return this.registrations.recordPushed(registrationIds, at);
  }

  markInvalid(mailboxId: string, registrationId: string, unlessRefreshedAfter: Date | undefined): Promise<boolean> {
    return this.registrations.changeStatus(mailboxId, registrationId, {
      from: ACTIVE_STATUS,
      to: INVALID_STATUS,
      unlessUpdatedAfter: unlessRefreshedAfter,
    });
  }

  hasActiveRegistrations(mailboxId: string, now: Date): Promise<boolean> {
    return this.registrations.hasUnexpired(mailboxId, ACTIVE_STATUS, now);
  }
}
