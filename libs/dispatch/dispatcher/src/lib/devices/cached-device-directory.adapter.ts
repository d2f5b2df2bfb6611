import { Logger } from '@nestjs/common';
import type { Clock } from '@mailpush/leases';
import type { DeviceRegistrationEntity, DeviceRegistrationRepository } from '@mailpush/persistence';
import { readDeviceSettings } from '../compose/device-settings';
import type { Device } from './device';
import { DeviceDirectory } from './device-directory.port';
import { TtlCache } from './ttl-cache';

export const ACTIVE_STATUS = 'active';

export interface CachedDeviceDirectoryOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
}

/**
 * The registrations of a mailbox, read from the database and kept in memory for a short time (bounded in
 * entries), so that a burst of mail to one mailbox reads its devices once. Lookups of one mailbox that
 * overlap share one query. `RegistrationChanged` drops the entry; the ttl bounds staleness where an
 * instance did not see that event (the consumer group hands each event to one instance only).
 */
export class CachedDeviceDirectory extends DeviceDirectory {
  private readonly logger = new Logger(DeviceDirectory.name);
  private readonly cache: TtlCache<Promise<readonly Device[]>>;

  constructor(
    private readonly registrations: Pick<DeviceRegistrationRepository, 'findForMailbox'>,
    private readonly clock: Clock,
    options: CachedDeviceDirectoryOptions,
  ) {
    super();
    this.cache = new TtlCache(clock, options);
  }

  activeDevices(mailboxId: string): Promise<readonly Device[]> {
    const cached = this.cache.get(mailboxId);
    if (cached !== undefined) return cached;
    const loading = this.load(mailboxId);
    this.cache.set(mailboxId, loading);
    // A failed read is not cached; the next lookup tries again.
    loading.catch(() => {
      if (this.cache.holds(mailboxId, loading)) this.cache.delete(mailboxId);
    });
    return loading;
  }

  forget(mailboxId: string): void {
    this.cache.delete(mailboxId);
  }

  private async load(mailboxId: string): Promise<readonly Device[]> {
    const rows = await this.registrations.findForMailbox(mailboxId);
    const now = this.clock.now();
    return rows
      .filter((row) => row.status === ACTIVE_STATUS && row.expiresAt.getTime() > now)
      .map((row) => this.toDevice(row));
  }

  private toDevice(row: DeviceRegistrationEntity): Device {
    const { settings, problem } = readDeviceSettings(row.settings);
    if (problem !== undefined) {
      this.logger.warn(`registration ${row.id}: ${problem}; pushing without preview until the device saves them again`);
    }
    return {
      mailboxId: row.mailboxId,
      target: {
        registrationId: row.id,
        platform: row.platform,
        token: row.pushToken,
        appId: row.appId,
        environment: row.environment,
      },
      locale: row.locale ?? undefined,
      settings,
      refreshedAt: row.updatedAt,
    };
  }
}
