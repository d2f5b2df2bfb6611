import { Inject, Injectable } from '@nestjs/common';
import { RegistrationChanged, type RegistrationChangeKind } from '@mailpush/contracts';
import { EventBus } from '@mailpush/messaging';
import { DeviceRegistrationEntity, MailboxEntity } from '@mailpush/persistence';
import { MoreThan, type EntityManager } from 'typeorm';
import { RegistrationSettings } from '../registration.settings';
import { MAILBOX_UNWATCHED, MAILBOX_WATCHED } from './mailbox-watch-status';
import { ACTIVE } from './registration-view';

/**
 * Announces a change to a mailbox's registrations from inside the transaction that made it: brings the
 * mailbox's watch status up to date and publishes `RegistrationChanged` before the commit. If the bus does
 * not confirm, the publish throws and the transaction rolls back, so no change is ever stored unannounced.
 * (A publish that timed out may still arrive after a rollback; the event is a hint and consumers reload.)
 */
@Injectable()
export class RegistrationChangePublisher {
  constructor(
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(RegistrationSettings) private readonly settings: RegistrationSettings,
  ) {}

  /** Resolves to whether the mailbox is still watched (has an active registration). */
  async announce(
    manager: EntityManager,
    mailbox: MailboxEntity,
    registrationIds: readonly string[],
    change: RegistrationChangeKind,
    now: Date,
  ): Promise<boolean> {
    const active = await manager
      .getRepository(DeviceRegistrationEntity)
      .countBy({ mailboxId: mailbox.id, status: ACTIVE, expiresAt: MoreThan(now) });
    const watched = active > 0;
    await this.updateWatchStatus(manager, mailbox, watched, now);
    await this.bus.publish(
      RegistrationChanged,
      {
        mailboxId: mailbox.id,
        smtpAddress: mailbox.smtpAddress,
        registrationIds: [...registrationIds],
        change,
        backend: mailbox.backend,
        shard: mailbox.shard,
        watched,
      },
      { timeoutMs: this.settings.publishTimeoutMs },
    );
    return watched;
  }

  private async updateWatchStatus(
    manager: EntityManager,
    mailbox: MailboxEntity,
    watched: boolean,
    now: Date,
  ): Promise<void> {
    const [from, to] = watched ? [MAILBOX_UNWATCHED, MAILBOX_WATCHED] : [MAILBOX_WATCHED, MAILBOX_UNWATCHED];
    if (mailbox.status !== from) return;
    await manager.getRepository(MailboxEntity).update({ id: mailbox.id, status: from }, { status: to, updatedAt: now });
    mailbox.status = to;
  }
}
