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

/** Mailboxes read in one query at most (SQL Server allows 2100 parameters per statement). */
const MAX_BATCH = 500;

interface PendingLoad {
  readonly resolve: (devices: readonly Device[]) => void;
  readonly reject: (error: unknown) => void;
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
  /** Misses of this turn of the event loop, read together in one query. */
  private pending = new Map<string, PendingLoad>();

  constructor(
    private readonly registrations: Pick<DeviceRegistrationRepository, 'findForMailboxes'>,
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

  /**
   * Queues the mailbox for the next batched read: a prefetch's worth of changes to different mailboxes costs
   * one query instead of one each.
   */
  private load(mailboxId: string): Promise<readonly Device[]> {
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) setImmediate(() => void this.readPending());
      this.pending.set(mailboxId, { resolve, reject });
      if (this.pending.size >= MAX_BATCH) void this.readPending();
    });
  }

  private async readPending(): Promise<void> {
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    try {
      const rows = await this.registrations.findForMailboxes([...batch.keys()]);
      const now = this.clock.now();
      const devices = new Map<string, Device[]>();
      for (const row of rows) {
        if (row.status !== ACTIVE_STATUS || row.expiresAt.getTime() <= now) continue;
        const list = devices.get(row.mailboxId) ?? [];
        list.push(this.toDevice(row));
        devices.set(row.mailboxId, list);
      }
      for (const [mailboxId, waiter] of batch) waiter.resolve(devices.get(mailboxId) ?? []);
    } catch (error) {
      for (const waiter of batch.values()) waiter.reject(error);
    }
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
