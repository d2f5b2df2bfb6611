import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeviceRegistrationEntity, MailboxEntity, storedNow } from '@mailpush/persistence';
import { DataSource, LessThanOrEqual } from 'typeorm';
import { RegistrationMetrics } from '../metrics/registration.metrics';
import { RegistrationSettings } from '../registration.settings';
import { RegistrationChangePublisher } from './registration-change.publisher';
import { RegistrationTransactions } from './registration.transactions';

/** Expired registrations looked at per round; one transaction per mailbox among them. */
const BATCH_SIZE = 500;

/**
 * Deletes registrations whose expiry passed (devices that stopped refreshing, as BEMS drops devices after
 * 30 days) and publishes `expired` for each mailbox that lost some. Runs at start and then every
 * `purgeIntervalMs`, on every replica: each row is deleted on its own with its expiry re-checked, and only
 * rows this instance actually deleted are announced, so replicas purging together never announce a
 * registration twice, nor one that a device refreshed in the meantime.
 */
@Injectable()
export class RegistrationPurge implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RegistrationPurge.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(RegistrationTransactions) private readonly transactions: RegistrationTransactions,
    @Inject(RegistrationChangePublisher) private readonly publisher: RegistrationChangePublisher,
    @Inject(RegistrationSettings) private readonly settings: RegistrationSettings,
    @Inject(RegistrationMetrics) private readonly metrics: RegistrationMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.purgeInBackground(), this.settings.purgeIntervalMs);
    this.timer.unref();
    this.purgeInBackground();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Purges what expired by now (or joins the purge already running); resolves to the number of
   * registrations this instance deleted.
   */
  purgeExpired(): Promise<number> {
    this.running ??= this.purgeAll(storedNow()).finally(() => (this.running = undefined));
    return this.running;
  }

  private purgeInBackground(): void {
    this.purgeExpired().then(
      (deleted) => {
        if (deleted > 0) this.logger.log(`purged ${deleted} expired registration(s)`);
      },
      (error: unknown) => this.logger.error(`purging expired registrations failed: ${String(error)}`),
    );
  }

  private async purgeAll(now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.dataSource.getRepository(DeviceRegistrationEntity).find({
        select: { id: true, mailboxId: true },
        where: { expiresAt: LessThanOrEqual(now) },
        order: { expiresAt: 'ASC', id: 'ASC' },
        take: BATCH_SIZE,
      });
      let deleted = 0;
      for (const [mailboxId, ids] of groupByMailbox(expired)) deleted += await this.purgeMailbox(mailboxId, ids, now);
      total += deleted;
      // A short batch was the last one; a round without progress (the bus refused) is retried next time.
      if (expired.length < BATCH_SIZE || deleted === 0) return total;
    }
  }

  private async purgeMailbox(mailboxId: string, ids: readonly string[], now: Date): Promise<number> {
    try {
      const deleted = await this.transactions.run(async (manager) => {
        const mailbox = await manager.getRepository(MailboxEntity).findOneBy({ id: mailboxId });
        if (mailbox === null) return [];
        const rows = manager.getRepository(DeviceRegistrationEntity);
        const mine: string[] = [];
        for (const id of ids) {
          const result = await rows.delete({ id, mailboxId, expiresAt: LessThanOrEqual(now) });
          if ((result.affected ?? 0) > 0) mine.push(id);
        }
        if (mine.length > 0) await this.publisher.announce(manager, mailbox, mine, 'expired', now);
        return mine;
      });
      if (deleted.length > 0) this.metrics.record('expired', deleted.length);
      return deleted.length;
    } catch (error) {
      this.logger.warn(`expired registrations of mailbox ${mailboxId} kept for the next purge: ${String(error)}`);
      return 0;
    }
  }
}

function groupByMailbox(rows: readonly Pick<DeviceRegistrationEntity, 'id' | 'mailboxId'>[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const row of rows) groups.set(row.mailboxId, [...(groups.get(row.mailboxId) ?? []), row.id]);
  return groups;
}
