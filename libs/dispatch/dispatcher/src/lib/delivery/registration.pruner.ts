import { Logger } from '@nestjs/common';
import { RegistrationChanged } from '@mailpush/contracts';
import type { Clock } from '@mailpush/leases';
import type { EventBus } from '@mailpush/messaging';
import type { MailboxRepository } from '@mailpush/persistence';
import type { Device } from '../devices/device';
import type { DeviceDirectory } from '../devices/device-directory.port';
import type { RegistrationUpkeep } from './registration-upkeep.port';

/**
 * Retires a registration whose token the provider declared dead: marks it invalid (for an APNs 410, only if
 * the device did not register again after the moment APNs names), drops the cached devices of its mailbox
 * and tells the other services (`RegistrationChanged` `pruned`), so that a mailbox left without devices
 * stops being watched.
 */
export class RegistrationPruner {
  private readonly logger = new Logger(RegistrationPruner.name);

  constructor(
    private readonly upkeep: RegistrationUpkeep,
    private readonly mailboxes: Pick<MailboxRepository, 'findOne'>,
    private readonly devices: DeviceDirectory,
    private readonly bus: EventBus,
    private readonly clock: Clock,
  ) {}

  /** Resolves `true` when the registration was pruned, `false` when it was kept (refreshed since). */
  async prune(device: Device, tokenInvalidSince: Date | undefined): Promise<boolean> {
    const { mailboxId } = device;
    const { registrationId } = device.target;
    const pruned = await this.upkeep.markInvalid(mailboxId, registrationId, tokenInvalidSince);
    this.devices.forget(mailboxId);
    if (!pruned) return false;
    this.logger.log(`registration ${registrationId} of mailbox ${mailboxId} pruned: its push token is no longer valid`);
    try {
      await this.announce(mailboxId, registrationId);
    } catch (error) {
      // The prune itself stands; a mail source that missed it keeps watching until the next registration change.
      this.logger.warn(
        `registration ${registrationId} pruned, but announcing it failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return true;
  }

  private async announce(mailboxId: string, registrationId: string): Promise<void> {
    const mailbox = await this.mailboxes.findOne(mailboxId);
    if (mailbox === null) return;
    const watched = await this.upkeep.hasActiveRegistrations(mailboxId, new Date(this.clock.now()));
    await this.bus.publish(RegistrationChanged, {
      mailboxId,
      smtpAddress: mailbox.smtpAddress,
      registrationIds: [registrationId],
      change: 'pruned',
      backend: mailbox.backend,
      shard: mailbox.shard,
      watched,
    });
  }
}
