import { Inject, Injectable } from '@nestjs/common';
import { claimShard, fencedUpdate, type ShardClaimResult } from '@mailpush/leases';
import { clientStateContext, MailboxEntity, storedNow } from '@mailpush/persistence';
import { SecretBox } from '@mailpush/secrets';
import { Brackets, DataSource, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm';

/**
 * Work a lifecycle notification leaves for the shard owner, strongest first: a removed subscription is
 * recreated (and caught up), one that needs reauthorizing is reauthorized (and caught up), missed
 * notifications are caught up. A stronger request replaces a weaker one, never the reverse.
 */
export const SYNC_REQUESTS = ['recreate', 'reauthorize', 'catch-up'] as const;
export type SyncRequest = (typeof SYNC_REQUESTS)[number];

export function isSyncRequest(value: string | null): value is SyncRequest {
  return (SYNC_REQUESTS as readonly (string | null)[]).includes(value);
}

/** `mailbox.status` while a mailbox has an active registration (set by the registration API). */
export const WATCHED = 'watched';

/**
 * The Graph watch state of mailboxes. Every write by a shard owner is fenced by its lease epoch (a paused
 * former owner writes nothing); only `requestSync`, which any instance may call, is not.
 */
@Injectable()
export class GraphMailboxStore {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(SecretBox) private readonly secrets: SecretBox,
  ) {}

  /** Stamps the shard's rows with the new owner's epoch, before the owner reads them. */
  claim(shard: number, epoch: number): Promise<ShardClaimResult> {
    return claimShard(this.db, { entity: MailboxEntity, shard, epoch, scope: { backend: 'graph' } });
  }

  findOne(mailboxId: string): Promise<MailboxEntity | null> {
    return this.db.getRepository(MailboxEntity).findOneBy({ id: mailboxId });
  }

  /** Every Graph mailbox of these shards, watched or not. */
  inShards(shards: readonly number[]): Promise<MailboxEntity[]> {
    if (shards.length === 0) return Promise.resolve([]);
    return this.db.getRepository(MailboxEntity).find({ where: { backend: 'graph', shard: In([...shards]) } });
  }

  /**
   * Graph mailboxes of these shards whose subscription needs work: watched without one, unwatched with one,
   * or with a sync request. One indexed query, cheap enough to run every second.
   */
  needingWork(shards: readonly number[]): Promise<MailboxEntity[]> {
    if (shards.length === 0) return Promise.resolve([]);
    return this.db
      .getRepository(MailboxEntity)
      .createQueryBuilder('m')
      .where('m.shard IN (:...shards)', { shards })
      .andWhere('m.backend = :graph', { graph: 'graph' })
      .andWhere(
        new Brackets((any) => {
          any
            .where('m.syncRequest IS NOT NULL')
            .orWhere('(m.status = :watched AND m.subscriptionId IS NULL)', { watched: WATCHED })
            .orWhere('(m.status <> :watched AND m.subscriptionId IS NOT NULL)', { watched: WATCHED });
        }),
      )
      .getMany();
  }

  /** The subscription's secret, as stored sealed with the mailbox. */
  openClientState(mailbox: MailboxEntity): string | undefined {
    if (mailbox.sealedClientState === null) return undefined;
    return this.secrets.open(mailbox.sealedClientState, clientStateContext(mailbox.id));
  }

  saveSubscription(
    mailbox: MailboxEntity,
    epoch: number,
    subscription: { readonly id: string; readonly expiresAt: Date; readonly clientState: string },
  ): Promise<boolean> {
    return this.write(mailbox, epoch, {
      subscriptionId: subscription.id,
      subscriptionExpiresAt: subscription.expiresAt,
      sealedClientState: this.secrets.seal(subscription.clientState, clientStateContext(mailbox.id)),
      watchError: null,
    });
  }

  saveExpiry(mailbox: MailboxEntity, epoch: number, expiresAt: Date): Promise<boolean> {
    return this.write(mailbox, epoch, { subscriptionExpiresAt: expiresAt, watchError: null });
  }

  clearSubscription(mailbox: MailboxEntity, epoch: number): Promise<boolean> {
    return this.write(mailbox, epoch, { subscriptionId: null, subscriptionExpiresAt: null, sealedClientState: null });
  }

  /** Where the next catch-up resumes (Graph's deltaLink). */
  saveDeltaLink(mailbox: MailboxEntity, epoch: number, deltaLink: string | null): Promise<boolean> {
    return this.write(mailbox, epoch, { watermark: deltaLink });
  }

  recordError(mailbox: MailboxEntity, epoch: number, message: string): Promise<boolean> {
    return this.write(mailbox, epoch, { watchError: message.slice(0, 1000) });
  }

  /** Clears a sync request once done, unless another one replaced it meanwhile. */
  async clearSyncRequest(mailbox: MailboxEntity, epoch: number, request: SyncRequest): Promise<boolean> {
    const { applied } = await fencedUpdate(this.db, {
      entity: MailboxEntity,
      where: { id: mailbox.id, shard: mailbox.shard, syncRequest: request },
      epoch,
      set: { syncRequest: null, updatedAt: storedNow() },
    });
    return applied;
  }

  /** Asks the mailbox's owner to do `request` (kept if a stronger one is already waiting). Any instance may. */
  async requestSync(mailboxId: string, request: SyncRequest): Promise<void> {
    const weaker = SYNC_REQUESTS.slice(SYNC_REQUESTS.indexOf(request) + 1);
    await this.db
      .getRepository(MailboxEntity)
      .createQueryBuilder()
      .update()
      .set({ syncRequest: request, updatedAt: storedNow() })
      .where('id = :id', { id: mailboxId })
      .andWhere(
        new Brackets((any) => {
          any.where('sync_request IS NULL');
          if (weaker.length > 0) any.orWhere('sync_request IN (:...weaker)', { weaker });
        }),
      )
      .execute();
  }

  /**
   * Hands pending mailboxes of the connection's domains to Graph (registered before the connection existed,
   * or while the registration API could not see it). `*` takes every domain no other connection lists.
   */
  async adoptPending(
    connectionId: string,
    domains: readonly string[],
    claimedElsewhere: readonly string[],
  ): Promise<number> {
    if (domains.length === 0) return 0;
    const query = this.db
      .getRepository(MailboxEntity)
      .createQueryBuilder()
      .update()
      .set({ backend: 'graph', connectionId, updatedAt: storedNow() })
      .where('backend = :pending', { pending: 'pending' });
    if (domains.includes('*')) {
      claimedElsewhere.forEach((domain, index) => {
        query.andWhere(`smtp_address NOT LIKE :other${index}`, { [`other${index}`]: `%@${domain}` });
      });
    } else {
      query.andWhere(
        new Brackets((any) => {
          domains.forEach((domain, index) => {
            any.orWhere(`smtp_address LIKE :domain${index}`, { [`domain${index}`]: `%@${domain}` });
          });
        }),
      );
    }
    return (await query.execute()).affected ?? 0;
  }

  private async write(
    mailbox: MailboxEntity,
    epoch: number,
    set: QueryDeepPartialEntity<MailboxEntity>,
  ): Promise<boolean> {
    const { applied } = await fencedUpdate(this.db, {
      entity: MailboxEntity,
      where: { id: mailbox.id, shard: mailbox.shard },
      epoch,
      set: { ...set, updatedAt: storedNow() },
    });
    return applied;
  }
}
