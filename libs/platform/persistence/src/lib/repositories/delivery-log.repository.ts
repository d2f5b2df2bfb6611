import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, LessThan, type Repository } from 'typeorm';
import { DeliveryLogEntity } from '../entities/delivery-log.entity';
import { storedNow } from './stored-now';

export interface NewDeliveryLog {
  readonly registrationId: string;
  readonly changeId: string;
  readonly status: string;
  readonly providerMessageId?: string | null;
  readonly error?: string | null;
}

/** Length of the `error` column; longer provider messages are cut rather than failing the insert. */
const ERROR_LENGTH = 2000;

/** Recent pushes per device, kept for a bounded time. */
@Injectable()
export class DeliveryLogRepository {
  private readonly rows: Repository<DeliveryLogEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.rows = dataSource.getRepository(DeliveryLogEntity);
  }

  async record(mailboxId: string, entry: NewDeliveryLog): Promise<DeliveryLogEntity> {
    return this.insert({
      id: randomUUID(),
      registrationId: entry.registrationId,
      mailboxId,
      changeId: entry.changeId,
      status: entry.status,
      providerMessageId: entry.providerMessageId ?? null,
      error: entry.error == null ? null : entry.error.slice(0, ERROR_LENGTH),
      createdAt: storedNow(),
    });
  }

  /**
   * Several entries (of any mailboxes) in one statement per 50 rows: the dispatcher logs in batches, and a
   * round trip per row would cost more than the push it records.
   */
  async recordMany(entries: readonly (NewDeliveryLog & { readonly mailboxId: string })[]): Promise<void> {
    const now = storedNow();
    const rows = entries.map((entry) =>
      Object.assign(new DeliveryLogEntity(), {
        id: randomUUID(),
        registrationId: entry.registrationId,
        mailboxId: entry.mailboxId,
        changeId: entry.changeId,
        status: entry.status,
        providerMessageId: entry.providerMessageId ?? null,
        error: entry.error == null ? null : entry.error.slice(0, ERROR_LENGTH),
        createdAt: now,
      }),
    );
    // 50 rows a statement: TypeORM scans its parameter list once per parameter, so cost grows with its square.
    for (let i = 0; i < rows.length; i += 50) {
      await this.rows
        .createQueryBuilder()
        .insert()
        .values(rows.slice(i, i + 50))
        .updateEntity(false)
        .execute();
    }
  }

  /** The latest entries of one registration of the mailbox, newest first. */
  findRecentForRegistration(mailboxId: string, registrationId: string, limit = 50): Promise<DeliveryLogEntity[]> {
    return this.rows.find({
      where: { mailboxId, registrationId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  /** Retention: deletes entries created before the cutoff and returns how many went. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.rows.delete({ createdAt: LessThan(cutoff) });
    return result.affected ?? 0;
  }

  private async insert(values: DeliveryLogEntity): Promise<DeliveryLogEntity> {
    const row = Object.assign(new DeliveryLogEntity(), values);
    await this.rows.insert(row);
    return row;
  }
}
