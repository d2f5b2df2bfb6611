import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager, type Repository } from 'typeorm';
import { MailboxEntity, type MailboxBackend } from '../entities/mailbox.entity';
import { storedNow } from './stored-now';

export interface NewMailbox {
  /** Chosen beforehand when something was derived from it (a Graph mailbox's shard key); a new UUID otherwise. */
  readonly id?: string;
  readonly smtpAddress: string;
  readonly backend: MailboxBackend;
  readonly shardKey: string;
  readonly shard: number;
  readonly status: string;
  readonly connectionId?: string | null;
  readonly affinityGroup?: string | null;
}

/** Mailboxes. SMTP addresses are stored and looked up in lower case. */
@Injectable()
export class MailboxRepository {
  private readonly rows: Repository<MailboxEntity>;

  /** `DataSource` for the default manager; a transaction's `EntityManager` through `within`. */
  constructor(@Inject(DataSource) source: DataSource | EntityManager) {
    this.rows = source.getRepository(MailboxEntity);
  }

  /** The same repository inside a transaction: its reads and writes join `manager`'s transaction. */
  within(manager: EntityManager): MailboxRepository {
    return new MailboxRepository(manager);
  }

  async create(input: NewMailbox): Promise<MailboxEntity> {
    const now = storedNow();
    return this.insert({
      id: input.id ?? randomUUID(),
      smtpAddress: input.smtpAddress.toLowerCase(),
      connectionId: input.connectionId ?? null,
      backend: input.backend,
      shardKey: input.shardKey,
      shard: input.shard,
      affinityGroup: input.affinityGroup ?? null,
      subscriptionId: null,
      subscriptionExpiresAt: null,
      watermark: null,
      sealedClientState: null,
      status: input.status,
      syncRequest: null,
      watchError: null,
      ownerEpoch: 0,
      lastEventAt: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  findOne(mailboxId: string): Promise<MailboxEntity | null> {
    return this.rows.findOneBy({ id: mailboxId });
  }

  findBySmtpAddress(smtpAddress: string): Promise<MailboxEntity | null> {
    return this.rows.findOneBy({ smtpAddress: smtpAddress.toLowerCase() });
  }

  /** The mailboxes of the shards a watcher instance owns. */
  async findForShards(shards: readonly number[]): Promise<MailboxEntity[]> {
    if (shards.length === 0) return [];
    return this.rows.find({ where: { shard: In([...shards]) }, order: { shard: 'ASC', id: 'ASC' } });
  }

  private async insert(values: MailboxEntity): Promise<MailboxEntity> {
    const row = Object.assign(new MailboxEntity(), values);
    await this.rows.insert(row);
    return row;
  }
}
