import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, LessThanOrEqual, MoreThan, type EntityManager, type Repository } from 'typeorm';
import {
  DeviceRegistrationEntity,
  type DevicePlatform,
  type PushEnvironment,
} from '../entities/device-registration.entity';
import type { JsonObject } from '../entities/json-object';
import { storedNow } from './stored-now';

/** Well below SQL Server's 2,100 parameters per statement. */
const IDS_PER_STATEMENT = 500;

export interface NewDeviceRegistration {
  readonly deviceId: string;
  readonly platform: DevicePlatform;
  readonly pushToken: string;
  readonly appId: string;
  readonly environment: PushEnvironment;
  readonly locale?: string | null;
  readonly settings?: JsonObject;
  readonly status: string;
  readonly expiresAt: Date;
  /** When the caller took its time (e.g. to derive `expiresAt` from it); default: now. */
  readonly createdAt?: Date;
}

export type DeviceRegistrationChanges = Partial<
  Pick<
    DeviceRegistrationEntity,
    | 'platform'
    | 'pushToken'
    | 'appId'
    | 'environment'
    | 'locale'
    | 'settings'
    | 'status'
    | 'expiresAt'
    | 'failureCount'
    | 'lastPushAt'
  >
>;

/**
 * Device registrations. Every query names the mailbox that owns the registration, so a caller can only
 * ever reach the registrations of the mailbox it acts for.
 */
@Injectable()
export class DeviceRegistrationRepository {
  private readonly rows: Repository<DeviceRegistrationEntity>;

  /** `DataSource` for the default manager; a transaction's `EntityManager` through `within`. */
  constructor(@Inject(DataSource) source: DataSource | EntityManager) {
    this.rows = source.getRepository(DeviceRegistrationEntity);
  }

  /** The same repository inside a transaction: its reads and writes join `manager`'s transaction. */
  within(manager: EntityManager): DeviceRegistrationRepository {
    return new DeviceRegistrationRepository(manager);
  }

  async create(mailboxId: string, input: NewDeviceRegistration): Promise<DeviceRegistrationEntity> {
    const now = input.createdAt ?? storedNow();
    return this.insert({
      id: randomUUID(),
      mailboxId,
      deviceId: input.deviceId,
      platform: input.platform,
      pushToken: input.pushToken,
      appId: input.appId,
      environment: input.environment,
      locale: input.locale ?? null,
      settings: input.settings ?? {},
      status: input.status,
      expiresAt: input.expiresAt,
      failureCount: 0,
      lastPushAt: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  findForMailbox(mailboxId: string): Promise<DeviceRegistrationEntity[]> {
    return this.rows.find({ where: { mailboxId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The registrations of several mailboxes in one query (a dispatcher warming its cache for a burst). */
  async findForMailboxes(mailboxIds: readonly string[]): Promise<DeviceRegistrationEntity[]> {
    if (mailboxIds.length === 0) return [];
    return this.rows.find({ where: { mailboxId: In([...mailboxIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findOne(mailboxId: string, registrationId: string): Promise<DeviceRegistrationEntity | null> {
    return this.rows.findOneBy({ mailboxId, id: registrationId });
  }

  findByDevice(mailboxId: string, deviceId: string): Promise<DeviceRegistrationEntity | null> {
    return this.rows.findOneBy({ mailboxId, deviceId });
  }

  countForMailbox(mailboxId: string): Promise<number> {
    return this.rows.countBy({ mailboxId });
  }

  /** Applies the changes; `null` when the mailbox has no such registration. */
  async update(
    mailboxId: string,
    registrationId: string,
    changes: DeviceRegistrationChanges,
  ): Promise<DeviceRegistrationEntity | null> {
    const result = await this.rows.update({ mailboxId, id: registrationId }, { ...changes, updatedAt: storedNow() });
    if ((result.affected ?? 0) === 0) return null;
    return this.findOne(mailboxId, registrationId);
  }

  /**
   * The dispatcher's bookkeeping after pushes: `lastPushAt` and a reset failure count. Leaves `updatedAt`
   * alone, since that is when the device last registered (APNs 410 pruning compares against it).
   */
  async recordPushed(registrationIds: readonly string[], at: Date): Promise<void> {
    const unique = [...new Set(registrationIds)];
    for (let i = 0; i < unique.length; i += IDS_PER_STATEMENT) {
      await this.rows.update({ id: In(unique.slice(i, i + IDS_PER_STATEMENT)) }, { lastPushAt: at, failureCount: 0 });
    }
  }

  /**
   * Moves a registration from status `from` to `to`, only if it is still in `from` and, when
   * `unlessUpdatedAfter` is given, the device has not registered again since. `true` when it moved.
   */
  async changeStatus(
    mailboxId: string,
    registrationId: string,
    change: { readonly from: string; readonly to: string; readonly unlessUpdatedAfter?: Date },
  ): Promise<boolean> {
    const result = await this.rows.update(
      {
        mailboxId,
        id: registrationId,
        status: change.from,
        ...(change.unlessUpdatedAfter === undefined ? {} : { updatedAt: LessThanOrEqual(change.unlessUpdatedAfter) }),
      },
      { status: change.to, updatedAt: storedNow() },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Whether the mailbox has a registration in `status` that has not expired at `now`. */
  hasUnexpired(mailboxId: string, status: string, now: Date): Promise<boolean> {
    return this.rows.exists({ where: { mailboxId, status, expiresAt: MoreThan(now) } });
  }

  /** `false` when the mailbox has no such registration. */
  async delete(mailboxId: string, registrationId: string): Promise<boolean> {
    const result = await this.rows.delete({ mailboxId, id: registrationId });
    return (result.affected ?? 0) > 0;
  }

  private async insert(values: DeviceRegistrationEntity): Promise<DeviceRegistrationEntity> {
    const row = Object.assign(new DeviceRegistrationEntity(), values);
    await this.rows.insert(row);
    return row;
  }
}
