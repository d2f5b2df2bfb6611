import { randomBytes } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { GraphMailApi, GraphRequestError, type GraphConnection } from '@mailpush/graph-client';
import { ShardOwnership } from '@mailpush/leases';
import { backoffDelay } from '@mailpush/messaging';
import type { MailboxEntity } from '@mailpush/persistence';
import { DeltaCatchUp } from '../catch-up/delta-catch-up';
import { GraphConnections } from '../connections/graph-connections';
import { GraphWatchSettings } from '../graph-watch.settings';
import { GraphWatchMetrics } from '../graph-watch.metrics';
import { GraphMailboxStore, isSyncRequest, WATCHED, type SyncRequest } from '../state/graph-mailbox.store';
import { SubscriptionEncryption } from './subscription-encryption';

/** A new subscription's first catch-up starts this long before it was asked for (clock skew, set-up time). */
const SETUP_SLACK_MS = 60_000;
/** How often pending mailboxes of the Graph connections' domains are adopted. */
const ADOPTION_INTERVAL_MS = 60_000;
const RETRY_BACKOFF = { initialDelayMs: 1000, maxDelayMs: 5 * 60_000 };

interface Holding {
  readonly epoch: number;
  readonly signal: AbortSignal;
}

interface Due {
  readonly at: number;
  readonly attempts: number;
  readonly verify: boolean;
}

/**
 * Keeps exactly one Graph subscription per watched Exchange Online mailbox of the shards this instance owns.
 *
 * The database holds the desired state (`mailbox.status`, set by the registration API; `sync_request`, set by
 * lifecycle notifications) and the actual one (subscription id, expiry, deltaLink); this reconciles them:
 * - every second it reads the owned mailboxes that need work (watched without a subscription, unwatched with
 *   one, a sync request) and creates, deletes, recreates or reauthorizes, each followed by a delta catch-up;
 * - on a shard acquired it verifies every subscription of the shard with Graph (repairing what is gone) and
 *   catches up, because notifications may have been lost while nobody owned it;
 * - each subscription is renewed a quarter of its lifetime before it expires, with jitter.
 * Every write is fenced by the shard's lease epoch; a failure is retried with backoff and recorded in
 * `mailbox.watch_error`.
 */
@Injectable()
export class GraphSubscriptionManager implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(GraphSubscriptionManager.name);
  private readonly owned = new Map<number, Holding>();
  private readonly sweeps = new Set<number>();
  private readonly busy = new Set<string>();
  private readonly due = new Map<string, Due>();
  private readonly renewals = new Map<string, { readonly timer: NodeJS.Timeout; readonly shard: number }>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private lastAdoption = 0;

  constructor(
    @Inject(ShardOwnership) private readonly ownership: ShardOwnership,
    @Inject(GraphMailboxStore) private readonly store: GraphMailboxStore,
    @Inject(GraphConnections) private readonly connections: GraphConnections,
    @Inject(GraphMailApi) private readonly graph: GraphMailApi,
    @Inject(DeltaCatchUp) private readonly catchUp: DeltaCatchUp,
    @Inject(GraphWatchSettings) private readonly settings: GraphWatchSettings,
    @Inject(GraphWatchMetrics) private readonly metrics: GraphWatchMetrics,
    @Optional() @Inject(SubscriptionEncryption) private readonly encryption?: SubscriptionEncryption,
  ) {}

  onModuleInit(): void {
    this.ownership.onShardAcquired((shard, epoch, signal) => this.acquire(shard, epoch, signal));
    this.ownership.onShardLost((shard) => this.lose(shard));
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const { timer } of this.renewals.values()) clearTimeout(timer);
    this.renewals.clear();
    await this.ticking;
  }

  /** Looks for work now rather than at the next poll (a registration or lifecycle event arrived). */
  wake(): void {
    if (this.ticking !== undefined) this.again = true;
    else this.schedule(0);
  }

  /** Whether this instance owns the shard now. */
  owns(shard: number): boolean {
    return this.owned.has(shard);
  }

  private async acquire(shard: number, epoch: number, signal: AbortSignal): Promise<void> {
    const { newer } = await this.store.claim(shard, epoch);
    if (newer > 0) {
      this.logger.warn(
        `shard ${shard}: ${newer} mailbox(es) carry an epoch newer than ${epoch}; their writes are refused`,
      );
    }
    this.owned.set(shard, { epoch, signal });
    this.sweeps.add(shard);
    this.wake();
  }

  private lose(shard: number): void {
    this.owned.delete(shard);
    this.sweeps.delete(shard);
    for (const [mailboxId, renewal] of this.renewals) {
      if (renewal.shard !== shard) continue;
      clearTimeout(renewal.timer);
      this.renewals.delete(mailboxId);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.runTick(), delayMs);
    this.timer.unref();
  }

  private runTick(): void {
    this.ticking = this.tick()
      .catch((error: unknown) => this.logger.error(`reconciling Graph subscriptions failed: ${describe(error)}`))
      .finally(() => {
        this.ticking = undefined;
        const again = this.again;
        this.again = false;
        this.schedule(again ? 0 : this.settings.pollIntervalMs);
      });
  }

  private async tick(): Promise<void> {
    await this.adoptPending().catch((error: unknown) => {
      this.logger.warn(`adopting pending mailboxes failed: ${describe(error)}`);
    });
    const sweep = [...this.sweeps];
    this.sweeps.clear();
    const work = new Map<string, { row: MailboxEntity; verify: boolean }>();
    try {
      for (const row of await this.store.inShards(sweep)) work.set(row.id, { row, verify: true });
    } catch (error) {
      sweep.forEach((shard) => this.owned.has(shard) && this.sweeps.add(shard));
      throw error;
    }
    for (const row of await this.store.needingWork([...this.owned.keys()])) {
      if (!work.has(row.id)) work.set(row.id, { row, verify: false });
    }
    const now = Date.now();
    const retries = [...this.due].filter(([id, due]) => due.at <= now && !work.has(id));
    for (const [id, due] of retries) {
      const row = await this.store.findOne(id);
      if (row === null || row.backend !== 'graph') this.due.delete(id);
      else work.set(id, { row, verify: due.verify });
    }
    const ready = [...work.values()].filter(({ row, verify }) => {
      const due = this.due.get(row.id);
      if (due !== undefined && due.at > now) {
        if (verify) this.due.set(row.id, { ...due, verify: true });
        return false;
      }
      return this.owned.has(row.shard) && !this.busy.has(row.id);
    });
    await pool(ready, this.settings.concurrency, ({ row, verify }) => this.work(row, verify));
  }

  private async work(row: MailboxEntity, verify: boolean): Promise<void> {
    const holding = this.owned.get(row.shard);
    if (holding === undefined || holding.signal.aborted) return;
    this.busy.add(row.id);
    try {
      await this.reconcile(row, holding.epoch, verify);
      this.due.delete(row.id);
    } catch (error) {
      const attempts = (this.due.get(row.id)?.attempts ?? 0) + 1;
      const backoff = backoffDelay(attempts, RETRY_BACKOFF);
      const delay =
        error instanceof GraphRequestError && error.retryAfterMs !== undefined
          ? Math.max(error.retryAfterMs, backoff)
          : backoff;
      this.due.set(row.id, { at: Date.now() + delay, attempts, verify });
      this.metrics.subscriptionFailed();
      const message = describe(error);
      this.logger.warn(`mailbox ${row.id}: ${message}; retrying in ${delay} ms (attempt ${attempts})`);
      await this.store.recordError(row, holding.epoch, message).catch(() => undefined);
    } finally {
      this.busy.delete(row.id);
    }
  }

  private async reconcile(row: MailboxEntity, epoch: number, verify: boolean): Promise<void> {
    const request = isSyncRequest(row.syncRequest) ? row.syncRequest : undefined;
    if (row.status !== WATCHED) {
      if (row.subscriptionId !== null) await this.unsubscribe(row, epoch);
      if (request !== undefined) await this.store.clearSyncRequest(row, epoch, request);
      return;
    }
    const connection = await this.connection(row);
    if (row.subscriptionId === null || request === 'recreate') {
      await this.subscribe(connection, row, epoch, request);
      return;
    }
    if (request === 'reauthorize' && !(await this.reauthorize(connection, row))) {
      await this.subscribe(connection, row, epoch, request);
      return;
    }
    if (verify && request === undefined && !(await this.verify(connection, row, epoch))) {
      await this.subscribe(connection, row, epoch, undefined);
      return;
    }
    await this.catchUp.run(connection, row, epoch, new Date(Date.now() - SETUP_SLACK_MS));
    if (request !== undefined) await this.store.clearSyncRequest(row, epoch, request);
    this.scheduleRenewal(row);
  }

  /** Creates the mailbox's subscription (replacing one that is gone), stores it, then catches up. */
  private async subscribe(
    connection: GraphConnection,
    row: MailboxEntity,
    epoch: number,
    request: SyncRequest | undefined,
  ): Promise<void> {
    const started = Date.now();
    const clientState = randomBytes(32).toString('base64url');
    const encryption = await this.encryption?.forSubscription();
    const created = await this.graph.createSubscription(connection, {
      user: row.smtpAddress,
      notificationUrl: this.settings.notificationUrl,
      lifecycleNotificationUrl: this.settings.lifecycleNotificationUrl,
      expirationDateTime: new Date(started + this.settings.lifetimeMs),
      clientState,
      ...(encryption === undefined ? {} : { encryption }),
    });
    const saved = await this.store.saveSubscription(row, epoch, {
      id: created.id,
      expiresAt: created.expirationDateTime,
      clientState,
    });
    if (!saved) {
      // A newer owner holds the shard: leave the mailbox to it.
      await this.graph.deleteSubscription(connection, created.id).catch(() => undefined);
      return;
    }
    const previous = row.subscriptionId;
    if (previous !== null && previous !== created.id) {
      await this.graph.deleteSubscription(connection, previous).catch(() => undefined);
    }
    this.metrics.subscriptionCreated(previous === null ? 'created' : 'recreated');
    this.logger.log(`mailbox ${row.id}: subscription ${created.id} until ${created.expirationDateTime.toISOString()}`);
    const current = Object.assign(row, {
      subscriptionId: created.id,
      subscriptionExpiresAt: created.expirationDateTime,
    });
    await this.catchUp.run(connection, current, epoch, new Date(started - SETUP_SLACK_MS));
    if (request !== undefined) await this.store.clearSyncRequest(current, epoch, request);
    this.scheduleRenewal(current);
  }

  private async unsubscribe(row: MailboxEntity, epoch: number): Promise<void> {
    const subscriptionId = row.subscriptionId;
    if (subscriptionId === null) return;
    if (row.connectionId !== null) {
      await this.graph.deleteSubscription(await this.connection(row), subscriptionId);
    }
    await this.store.clearSubscription(row, epoch);
    this.cancelRenewal(row.id);
    this.metrics.subscriptionDeleted();
    this.logger.log(`mailbox ${row.id}: unwatched, subscription ${subscriptionId} deleted`);
  }

  /** `false` when the subscription is gone. */
  private async reauthorize(connection: GraphConnection, row: MailboxEntity): Promise<boolean> {
    try {
      await this.graph.reauthorizeSubscription(connection, row.subscriptionId ?? '');
      this.logger.log(`mailbox ${row.id}: subscription ${row.subscriptionId ?? ''} reauthorized`);
      return true;
    } catch (error) {
      if (error instanceof GraphRequestError && error.kind === 'not-found') return false;
      throw error;
    }
  }

  /** Checks the subscription still exists, renewing it now when it is close to expiry; `false` when gone. */
  private async verify(connection: GraphConnection, row: MailboxEntity, epoch: number): Promise<boolean> {
    const subscription = await this.graph.getSubscription(connection, row.subscriptionId ?? '');
    if (subscription === undefined) {
      this.logger.warn(`mailbox ${row.id}: subscription ${row.subscriptionId ?? ''} is gone; recreating it`);
      return false;
    }
    if (subscription.expirationDateTime.getTime() - Date.now() < this.settings.renewAheadMs) {
      return this.renew(connection, row, epoch);
    }
    row.subscriptionExpiresAt = subscription.expirationDateTime;
    return true;
  }

  /** `false` when the subscription is gone. */
  private async renew(connection: GraphConnection, row: MailboxEntity, epoch: number): Promise<boolean> {
    try {
      const renewed = await this.graph.renewSubscription(
        connection,
        row.subscriptionId ?? '',
        new Date(Date.now() + this.settings.lifetimeMs),
      );
      await this.store.saveExpiry(row, epoch, renewed.expirationDateTime);
      row.subscriptionExpiresAt = renewed.expirationDateTime;
      this.metrics.subscriptionRenewed();
      this.logger.log(`mailbox ${row.id}: subscription renewed until ${renewed.expirationDateTime.toISOString()}`);
      return true;
    } catch (error) {
      if (error instanceof GraphRequestError && error.kind === 'not-found') return false;
      throw error;
    }
  }

  private scheduleRenewal(row: MailboxEntity): void {
    const expiresAt = row.subscriptionExpiresAt;
    if (expiresAt === null) {
      this.cancelRenewal(row.id);
      return;
    }
    const ahead = this.settings.renewAheadMs;
    const jitter = Math.random() * ahead * 0.2;
    this.setRenewalTimer(row, Math.max(0, expiresAt.getTime() - ahead - jitter - Date.now()));
  }

  private cancelRenewal(mailboxId: string): void {
    clearTimeout(this.renewals.get(mailboxId)?.timer);
    this.renewals.delete(mailboxId);
  }

  private async renewDue(mailboxId: string): Promise<void> {
    this.renewals.delete(mailboxId);
    const row = await this.store.findOne(mailboxId).catch(() => null);
    if (row === null || row.subscriptionId === null || row.status !== WATCHED) return;
    const holding = this.owned.get(row.shard);
    if (holding === undefined) return;
    if (this.busy.has(row.id)) {
      this.setRenewalTimer(row, 1000);
      return;
    }
    this.busy.add(row.id);
    try {
      if (!(await this.renew(await this.connection(row), row, holding.epoch))) {
        this.logger.warn(`mailbox ${row.id}: subscription ${row.subscriptionId} is gone at renewal; recreating it`);
        await this.store.requestSync(row.id, 'recreate');
        this.wake();
        return;
      }
      this.scheduleRenewal(row);
    } catch (error) {
      const remaining = (row.subscriptionExpiresAt?.getTime() ?? Date.now()) - Date.now();
      const retryIn = Math.max(1000, Math.min(60_000, remaining / 4));
      this.metrics.subscriptionFailed();
      this.logger.warn(`mailbox ${row.id}: renewal failed (${describe(error)}); retrying in ${Math.round(retryIn)} ms`);
      this.setRenewalTimer(row, retryIn);
    } finally {
      this.busy.delete(row.id);
    }
  }

  /** Runs `renewDue` for the mailbox in `delayMs`, replacing any timer it had. */
  private setRenewalTimer(row: MailboxEntity, delayMs: number): void {
    this.cancelRenewal(row.id);
    if (this.stopped) return;
    const timer = setTimeout(() => void this.renewDue(row.id), delayMs);
    timer.unref();
    this.renewals.set(row.id, { timer, shard: row.shard });
  }

  private async connection(row: MailboxEntity): Promise<GraphConnection> {
    if (row.connectionId === null) throw new Error('the mailbox has no mail connection');
    return this.connections.get(row.connectionId);
  }

  /** Every instance adopts, now and then; the update is idempotent. */
  private async adoptPending(): Promise<void> {
    const now = Date.now();
    if (now - this.lastAdoption < ADOPTION_INTERVAL_MS) return;
    this.lastAdoption = now;
    const every = await this.connections.everyEnabled();
    // An EWS connection serving every domain places its mailboxes through Autodiscover, which hands the
    // ones that live in Exchange Online to Graph: a Graph `*` then leaves them to it.
    const ewsTakesTheRest = every.some((row) => row.kind === 'ews' && row.domains.includes('*'));
    for (const connection of every.filter((row) => row.kind === 'graph')) {
      const elsewhere = every
        .filter((other) => other.id !== connection.id)
        .flatMap((other) => other.domains.filter((domain) => domain !== '*'));
      const domains = ewsTakesTheRest ? connection.domains.filter((domain) => domain !== '*') : connection.domains;
      const adopted = await this.store.adoptPending(connection.id, domains, elsewhere);
      if (adopted > 0) this.logger.log(`${adopted} pending mailbox(es) adopted by Graph connection ${connection.name}`);
    }
  }
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
