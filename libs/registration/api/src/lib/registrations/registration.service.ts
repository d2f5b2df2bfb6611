import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_DEVICE_SETTINGS, type DeviceSettings } from '@mailpush/contracts';
import { shardOf } from '@mailpush/leases';
import {
  DeviceRegistrationRepository,
  MailboxRepository,
  storedNow,
  type DeviceRegistrationEntity,
  type MailboxEntity,
} from '@mailpush/persistence';
import type { EntityManager } from 'typeorm';
import type { Caller } from '../auth/caller';
import { MailboxBackendResolver, type MailboxPlacement } from '../backend/mailbox-backend-resolver.port';
import { RegistrationSettings } from '../registration.settings';
import type { RegisterDevice } from '../validation/registration-request.schemas';
import type { RegistrationView } from '../validation/registration-response.schemas';
import { MAILBOX_WATCHED } from './mailbox-watch-status';
import { RegistrationChangePublisher } from './registration-change.publisher';
import { RegistrationNotFoundError } from './registration-not-found.error';
import { ACTIVE, settingsColumn, toRegistrationView } from './registration-view';
import { RegistrationTransactions } from './registration.transactions';

/** `created`: a new device; `refreshed`: the same device registered again (token, expiry and details renewed). */
export interface RegisterResult {
  readonly outcome: 'created' | 'refreshed';
  readonly registration: RegistrationView;
}

interface NewMailboxPlan {
  readonly id: string;
  readonly placement: MailboxPlacement;
}

/**
 * The registration use cases. Every one is scoped to the caller's mailbox: a registration of another
 * mailbox is indistinguishable from one that does not exist. Every write runs in one transaction with the
 * `RegistrationChanged` event it causes (see `RegistrationChangePublisher`).
 */
@Injectable()
export class RegistrationService {
  constructor(
    @Inject(RegistrationTransactions) private readonly transactions: RegistrationTransactions,
    @Inject(RegistrationChangePublisher) private readonly publisher: RegistrationChangePublisher,
    @Inject(MailboxBackendResolver) private readonly resolver: MailboxBackendResolver,
    @Inject(RegistrationSettings) private readonly settings: RegistrationSettings,
    @Inject(MailboxRepository) private readonly mailboxes: MailboxRepository,
    @Inject(DeviceRegistrationRepository) private readonly registrations: DeviceRegistrationRepository,
  ) {}

  /** Creates the device's registration, or renews it when this mailbox already has the device. */
  async register(caller: Caller, input: RegisterDevice): Promise<RegisterResult> {
    // Resolved before the transaction: a real resolver talks to Autodiscover or Graph.
    const plan = await this.planNewMailbox(caller.mailbox);
    return this.transactions.run(async (manager) => {
      const now = storedNow();
      const mailbox = await this.findOrCreateMailbox(manager, caller.mailbox, plan);
      const registrations = this.registrations.within(manager);
      const existing = await registrations.findByDevice(mailbox.id, input.deviceId);
      const expiresAt = new Date(now.getTime() + this.settings.ttlMs);
      const row =
        existing === null
          ? await registrations.create(mailbox.id, {
              deviceId: input.deviceId,
              platform: input.platform,
              pushToken: input.pushToken,
              appId: input.appId,
              environment: input.environment,
              locale: input.locale ?? null,
              settings: settingsColumn(input.settings ?? DEFAULT_DEVICE_SETTINGS),
              status: ACTIVE,
              expiresAt,
              createdAt: now,
            })
          : await this.renewRegistration(registrations, existing, input, expiresAt);
      await this.publisher.announce(manager, mailbox, [row.id], existing === null ? 'created' : 'updated', now);
      return {
        outcome: existing === null ? 'created' : 'refreshed',
        registration: toRegistrationView(row, mailbox, now),
      };
    });
  }

  async list(caller: Caller): Promise<RegistrationView[]> {
    const mailbox = await this.mailboxes.findBySmtpAddress(caller.mailbox);
    if (mailbox === null) return [];
    const now = new Date();
    return (await this.registrations.findForMailbox(mailbox.id)).map((row) => toRegistrationView(row, mailbox, now));
  }

  async get(caller: Caller, registrationId: string): Promise<RegistrationView> {
    const mailbox = await this.mailboxes.findBySmtpAddress(caller.mailbox);
    const row = mailbox === null ? null : await this.registrations.findOne(mailbox.id, registrationId);
    if (mailbox === null || row === null) throw new RegistrationNotFoundError(registrationId);
    return toRegistrationView(row, mailbox, new Date());
  }

  async updateSettings(caller: Caller, registrationId: string, settings: DeviceSettings): Promise<RegistrationView> {
    return this.transactions.run(async (manager) => {
      const now = storedNow();
      const mailbox = await this.ownMailbox(manager, caller, registrationId);
      const row = await this.registrations
        .within(manager)
        .update(mailbox.id, registrationId, { settings: settingsColumn(settings) });
      if (row === null) throw new RegistrationNotFoundError(registrationId);
      await this.publisher.announce(manager, mailbox, [row.id], 'updated', now);
      return toRegistrationView(row, mailbox, now);
    });
  }

  /** Deletes the registration; the mailbox stops being watched when its last active one goes. */
  async unregister(caller: Caller, registrationId: string): Promise<void> {
    await this.transactions.run(async (manager) => {
      const now = storedNow();
      const mailbox = await this.ownMailbox(manager, caller, registrationId);
      const deleted = await this.registrations.within(manager).delete(mailbox.id, registrationId);
      if (!deleted) throw new RegistrationNotFoundError(registrationId);
      await this.publisher.announce(manager, mailbox, [registrationId], 'deleted', now);
    });
  }

  private async ownMailbox(manager: EntityManager, caller: Caller, registrationId: string): Promise<MailboxEntity> {
    const mailbox = await this.mailboxes.within(manager).findBySmtpAddress(caller.mailbox);
    if (mailbox === null) throw new RegistrationNotFoundError(registrationId);
    return mailbox;
  }

  private async planNewMailbox(smtpAddress: string): Promise<NewMailboxPlan | undefined> {
    if ((await this.mailboxes.findBySmtpAddress(smtpAddress)) !== null) return undefined;
    return this.resolvePlacement(smtpAddress);
  }

  private async resolvePlacement(smtpAddress: string): Promise<NewMailboxPlan> {
    const id = randomUUID();
    return { id, placement: await this.resolver.resolve(smtpAddress, id) };
  }

  private async findOrCreateMailbox(
    manager: EntityManager,
    smtpAddress: string,
    plan: NewMailboxPlan | undefined,
  ): Promise<MailboxEntity> {
    const mailboxes = this.mailboxes.within(manager);
    const existing = await mailboxes.findBySmtpAddress(smtpAddress);
    if (existing !== null) return existing;
    // Without a plan only when the mailbox existed at the look-up and was deleted since.
    const { id, placement } = plan ?? (await this.resolvePlacement(smtpAddress));
    return mailboxes.create({
      id,
      smtpAddress,
      connectionId: placement.connectionId,
      backend: placement.backend,
      shardKey: placement.shardKey,
      shard: shardOf(placement.shardKey, this.settings.shardCount),
      affinityGroup: placement.affinityGroup,
      status: MAILBOX_WATCHED,
    });
  }

  /**
   * A registration states the device's current details in full: platform, token, app, environment and
   * locale are replaced (an omitted locale clears it), settings only when given. A new token also clears
   * the failure count the dispatcher keeps for the old one.
   */
  private async renewRegistration(
    registrations: DeviceRegistrationRepository,
    existing: DeviceRegistrationEntity,
    input: RegisterDevice,
    expiresAt: Date,
  ): Promise<DeviceRegistrationEntity> {
    const renewed = await registrations.update(existing.mailboxId, existing.id, {
      platform: input.platform,
      pushToken: input.pushToken,
      appId: input.appId,
      environment: input.environment,
      locale: input.locale ?? null,
      status: ACTIVE,
      expiresAt,
      ...(input.settings === undefined ? {} : { settings: settingsColumn(input.settings) }),
      ...(input.pushToken === existing.pushToken ? {} : { failureCount: 0 }),
    });
    // Found in this transaction a moment ago: only a concurrent delete can make it disappear.
    if (renewed === null) throw new RegistrationNotFoundError(existing.id);
    return renewed;
  }
}
