import {
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  metrics,
  type Attributes,
  type Counter,
  type ObservableGauge,
  type ObservableResult,
} from '@opentelemetry/api';
import { Clock, type ClockTimer } from '../clock/clock.port';
import { LeaseStore } from '../store/lease-store.port';
import { assignShards } from './shard-assignment';

/**
 * Why a member stopped working a shard:
 * - `rebalance`: it gave the shard up so that shares stay even (graceful: the lease was still held);
 * - `shutdown`: it is leaving (graceful);
 * - `lease-lost`: renewal was refused, someone else holds the lease now (or it lapsed and was taken);
 * - `lease-expired`: renewal could not be confirmed (store unreachable) for the whole lease TTL.
 */
export type ShardLossReason = 'rebalance' | 'shutdown' | 'lease-lost' | 'lease-expired';

/**
 * Called once this member holds `shard` under `epoch`: start its work, and make every database write of it
 * conditional on `epoch` (see `fencedUpdate`). `signal` aborts the moment the shard is lost or given up.
 */
export type ShardAcquiredHandler = (shard: number, epoch: number, signal: AbortSignal) => void | Promise<void>;
/**
 * Called when this member stops owning `shard` (always after the acquired handlers of the same epoch have
 * finished). Stop the shard's work before returning: on a graceful loss the lease is released only then.
 */
export type ShardLostHandler = (shard: number, epoch: number, reason: ShardLossReason) => void | Promise<void>;

export interface ShardOwnershipOptions {
  /** Stable id of this member (e.g. the pod name): a restart with the same id gets the same shards back. */
  readonly memberId: string;
  /** Virtual shards, numbered 0 to `shardCount - 1`; the same on every member. */
  readonly shardCount: number;
  readonly leaseTtlMs: number;
  /** How often leases are renewed and shares rebalanced; less than `leaseTtlMs` (half or less advised). */
  readonly renewIntervalMs: number;
}

type Status = 'active' | 'releasing' | 'gone';

/** One lease this member holds (or is giving up). */
interface Holding {
  readonly shard: number;
  readonly epoch: number;
  /** Monotonic time until which the lease is proven: the send time of the last confirmed renewal plus TTL. */
  validUntil: number;
  status: Status;
  /** The acquired handlers have been called, so the lost handlers must be called too. */
  announced: boolean;
  /** The lost handlers have been called. */
  farewelled: boolean;
  readonly abort: AbortController;
}

const METER = '@mailpush/leases';

/**
 * Owns this member's share of the virtual shards through leases, and tells the features when a shard is
 * theirs and when it is not any more.
 *
 * Every `renewIntervalMs` the member heartbeats, renews its leases, then computes from the live members the
 * shards it should own (`assignShards`: even shares, rendezvous hashing) and acquires those that are free
 * (lapsed leases included) and gives up, gracefully, those it should not hold. A lease whose renewal is
 * refused is lost at once; one whose renewal cannot be confirmed is lost when its TTL, counted from the
 * last confirmed renewal, runs out, whatever the store does meanwhile. Handlers never block renewals.
 */
export class ShardOwnership implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(ShardOwnership.name);
  private readonly acquiredHandlers: ShardAcquiredHandler[] = [];
  private readonly lostHandlers: ShardLostHandler[] = [];
  private readonly holdings = new Map<number, Holding>();
  /** Per shard, the handler and release steps in order, so a shard's events never overtake each other. */
  private readonly chains = new Map<number, Promise<void>>();
  private readonly keys: readonly string[];
  private readonly attributes: Attributes;
  private readonly renewFailures: Counter;
  private readonly ownedGauge: ObservableGauge;
  private readonly observeOwned = (result: ObservableResult): void => {
    result.observe(this.ownedShards().size, this.attributes);
  };
  private phase: 'idle' | 'running' | 'leaving' | 'stopped' = 'idle';
  private tickTimer: ClockTimer | undefined;
  private watchdog: ClockTimer | undefined;
  private nextTickAt = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private stopping: Promise<void> | undefined;
  private assignment: { readonly members: string; readonly mine: ReadonlySet<number> } | undefined;

  constructor(
    private readonly store: LeaseStore,
    private readonly clock: Clock,
    private readonly options: ShardOwnershipOptions,
  ) {
    const { shardCount, leaseTtlMs, renewIntervalMs, memberId } = options;
    if (!Number.isInteger(shardCount) || shardCount <= 0) throw new RangeError('shardCount must be positive');
    if (!Number.isInteger(leaseTtlMs) || leaseTtlMs <= 0) throw new RangeError('leaseTtlMs must be positive');
    if (!(renewIntervalMs > 0 && renewIntervalMs < leaseTtlMs)) {
      throw new RangeError('renewIntervalMs must be positive and less than leaseTtlMs');
    }
    if (memberId.length === 0) throw new RangeError('memberId must not be empty');
    this.keys = Array.from({ length: shardCount }, (_, shard) => shardLeaseKey(shard));
    this.attributes = { 'mailpush.member.id': memberId };
    const meter = metrics.getMeter(METER);
    this.ownedGauge = meter.createObservableGauge('mailpush.shards.owned', {
      description: 'Shards this member owns (holds a proven lease on and works)',
      unit: '{shard}',
    });
    this.renewFailures = meter.createCounter('mailpush.lease.renew_failures', {
      description: 'Lease renewals that were refused (lease lost) or could not be confirmed (store error)',
      unit: '{renewal}',
    });
  }

  get memberId(): string {
    return this.options.memberId;
  }

  /** Registers a handler; call before `start` (a feature module's `onModuleInit`). Returns its removal. */
  onShardAcquired(handler: ShardAcquiredHandler): () => void {
    return this.register(this.acquiredHandlers, handler);
  }

  /** Registers a handler; call before `start` (a feature module's `onModuleInit`). Returns its removal. */
  onShardLost(handler: ShardLostHandler): () => void {
    return this.register(this.lostHandlers, handler);
  }

  /** Shards this member owns now, with their epochs: active, and proven within the lease TTL. */
  ownedShards(): ReadonlyMap<number, number> {
    const now = this.clock.monotonic();
    const owned = new Map<number, number>();
    for (const h of this.holdings.values())
      if (h.status === 'active' && now < h.validUntil) owned.set(h.shard, h.epoch);
    return new Map([...owned].sort(([a], [b]) => a - b));
  }

  /** Whether this member owns `shard` now (under `epoch`, when given). Check before a side effect. */
  isOwned(shard: number, epoch?: number): boolean {
    const h = this.holdings.get(shard);
    return (
      h !== undefined &&
      h.status === 'active' &&
      this.clock.monotonic() < h.validUntil &&
      (epoch === undefined || h.epoch === epoch)
    );
  }

  /**
   * Joins: announces this member, then takes its share from the next round on (one renew interval later,
   * so that members starting together see each other before taking shards). Resolves once announced.
   */
  async start(): Promise<void> {
    if (this.phase !== 'idle') return;
    this.phase = 'running';
    this.ownedGauge.addCallback(this.observeOwned);
    const { memberId, shardCount, leaseTtlMs, renewIntervalMs } = this.options;
    this.logger.log(
      `member ${memberId} joining: ${shardCount} shards, leases of ${leaseTtlMs} ms renewed every ${renewIntervalMs} ms`,
    );
    this.nextTickAt = this.clock.monotonic();
    const problems: string[] = [];
    await this.heartbeat(problems);
    this.report(problems);
    this.schedule();
  }

  /**
   * Leaves gracefully: stops heartbeating, then for every shard calls the lost handlers (reason `shutdown`),
   * waits for them and releases the lease, so the others can take the shards at once. Leases stay renewed
   * meanwhile. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.leave();
    return this.stopping;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
  }

  /** Before any module closes its connections, so that the features' lost handlers can still use them. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private register<H>(handlers: H[], handler: H): () => void {
    if (this.phase !== 'idle') {
      throw new Error('shard handlers must be registered before the ownership starts (in onModuleInit)');
    }
    handlers.push(handler);
    return () => {
      const index = handlers.indexOf(handler);
      if (index >= 0) handlers.splice(index, 1);
    };
  }

  private async leave(): Promise<void> {
    if (this.phase !== 'running') {
      this.phase = 'stopped';
      return;
    }
    this.phase = 'leaving';
    await this.inFlight;
    try {
      await this.withTimeout(this.store.leave(this.memberId), 'leave');
    } catch (error) {
      this.logger.warn(`could not remove member ${this.memberId} from the members: ${messageOf(error)}`);
    }
    const held = [...this.holdings.values()];
    await Promise.all(held.map((h) => this.relinquish(h, 'shutdown')));
    await Promise.all(this.chains.values());
    this.phase = 'stopped';
    this.tickTimer?.cancel();
    this.watchdog?.cancel();
    this.ownedGauge.removeCallback(this.observeOwned);
    this.logger.log(`member ${this.memberId} left; gave up ${held.length} shards`);
  }

  private schedule(): void {
    if (this.phase !== 'running' && this.phase !== 'leaving') return;
    const now = this.clock.monotonic();
    this.nextTickAt = Math.max(this.nextTickAt + this.options.renewIntervalMs, now);
    this.tickTimer = this.clock.setTimer(this.nextTickAt - now, () => {
      this.inFlight = this.runTick();
    });
  }

  private async runTick(): Promise<void> {
    const problems: string[] = [];
    try {
      await this.tick(problems);
    } catch (error) {
      problems.push(messageOf(error));
    }
    this.report(problems);
    this.armWatchdog();
    this.schedule();
  }

  private async tick(problems: string[]): Promise<void> {
    if (this.phase === 'running') await this.heartbeat(problems);
    await this.renewAll(problems);
    this.expireUnproven();
    if (this.phase === 'running') await this.rebalance(problems);
  }

  private async heartbeat(problems: string[]): Promise<void> {
    try {
      await this.withTimeout(this.store.heartbeat(this.memberId, this.options.leaseTtlMs), 'heartbeat');
    } catch (error) {
      problems.push(`heartbeat: ${messageOf(error)}`);
    }
  }

  private async renewAll(problems: string[]): Promise<void> {
    const refused: Holding[] = [];
    let errors = 0;
    let firstError: unknown;
    await Promise.all(
      [...this.holdings.values()].map(async (h) => {
        const sent = this.clock.monotonic();
        try {
          const renewed = await this.withTimeout(
            this.store.renew(shardLeaseKey(h.shard), this.memberId, h.epoch, this.options.leaseTtlMs),
            'renew',
          );
          if (h.status === 'gone') return;
          if (renewed) h.validUntil = Math.max(h.validUntil, sent + this.options.leaseTtlMs);
          else refused.push(h);
        } catch (error) {
          errors++;
          firstError ??= error;
        }
      }),
    );
    if (refused.length > 0) {
      this.renewFailures.add(refused.length, { ...this.attributes, reason: 'refused' });
      this.logger.error(
        `lost ${refused.length} shards, their leases are held by others now: ${shardList(refused)}; their work stops now`,
      );
      for (const h of refused) this.lose(h, 'lease-lost');
    }
    if (errors > 0) {
      this.renewFailures.add(errors, { ...this.attributes, reason: 'error' });
      problems.push(`renewing ${errors} leases: ${messageOf(firstError)}`);
    }
  }

  /** Gives up, at once, every shard whose lease could not be proven for a whole TTL. */
  private expireUnproven(): void {
    const now = this.clock.monotonic();
    const expired = [...this.holdings.values()].filter((h) => h.status !== 'gone' && now >= h.validUntil);
    if (expired.length === 0) return;
    this.logger.error(
      `lost ${expired.length} shards, their leases could not be renewed within ${this.options.leaseTtlMs} ms: ` +
        `${shardList(expired)}; their work stops now`,
    );
    for (const h of expired) this.lose(h, 'lease-expired');
  }

  private armWatchdog(): void {
    this.watchdog?.cancel();
    this.watchdog = undefined;
    if (this.phase === 'stopped') return;
    let earliest = Infinity;
    for (const h of this.holdings.values()) if (h.status !== 'gone') earliest = Math.min(earliest, h.validUntil);
    if (earliest === Infinity) return;
    this.watchdog = this.clock.setTimer(earliest - this.clock.monotonic(), () => {
      this.expireUnproven();
      this.armWatchdog();
    });
  }

  private async rebalance(problems: string[]): Promise<void> {
    let members: string[];
    let states: Awaited<ReturnType<LeaseStore['list']>>;
    try {
      members = await this.withTimeout(this.store.members(), 'members');
      // Without our own heartbeat in the list we would hand everything away: wait for the next round.
      if (!members.includes(this.memberId)) return;
      states = await this.withTimeout(this.store.list(this.keys), 'list');
    } catch (error) {
      problems.push(`rebalancing: ${messageOf(error)}`);
      return;
    }
    if (this.phase !== 'running') return;
    const mine = this.myShards(members);

    const free = states
      .map((state, shard) => ({ state, shard }))
      .filter(({ state, shard }) => state.holder === undefined && mine.has(shard) && !this.holdings.has(shard))
      .map(({ shard }) => shard);
    const taken: Holding[] = [];
    let firstError: unknown;
    await Promise.all(
      free.map(async (shard) => {
        const sent = this.clock.monotonic();
        try {
          const lease = await this.withTimeout(
            this.store.acquire(shardLeaseKey(shard), this.memberId, this.options.leaseTtlMs),
            'acquire',
          );
          if (lease !== undefined) taken.push(this.took(shard, lease.epoch, sent));
        } catch (error) {
          firstError ??= error;
        }
      }),
    );
    if (firstError !== undefined) problems.push(`acquiring: ${messageOf(firstError)}`);
    if (taken.length > 0) this.logger.log(`took ${taken.length} shards: ${shardList(taken)}`);

    const excess = [...this.holdings.values()].filter((h) => h.status === 'active' && !mine.has(h.shard));
    if (excess.length > 0) {
      this.logger.log(`giving up ${excess.length} shards to even out the shares: ${shardList(excess)}`);
      for (const h of excess) void this.relinquish(h, 'rebalance');
    }
  }

  private myShards(members: readonly string[]): ReadonlySet<number> {
    const key = members.join('\n');
    if (this.assignment?.members !== key) {
      const mine = assignShards(members, this.options.shardCount).get(this.memberId) ?? [];
      this.assignment = { members: key, mine: new Set(mine) };
    }
    return this.assignment.mine;
  }

  private took(shard: number, epoch: number, sent: number): Holding {
    const h: Holding = {
      shard,
      epoch,
      validUntil: sent + this.options.leaseTtlMs,
      status: 'active',
      announced: false,
      farewelled: false,
      abort: new AbortController(),
    };
    this.holdings.set(shard, h);
    void this.enqueue(shard, async () => {
      if (h.status !== 'active') return;
      h.announced = true;
      for (const handler of [...this.acquiredHandlers]) {
        await this.callHandler(() => handler(shard, epoch, h.abort.signal), `shardAcquired(${shard}, ${epoch})`);
      }
    });
    return h;
  }

  /** The lease is gone or unproven: stop the work at once; nothing to release. */
  private lose(h: Holding, reason: 'lease-lost' | 'lease-expired'): void {
    if (h.status === 'gone') return;
    h.status = 'gone';
    if (this.holdings.get(h.shard) === h) this.holdings.delete(h.shard);
    h.abort.abort(new Error(`shard ${h.shard} lost: ${reason}`));
    void this.enqueue(h.shard, () => this.farewell(h, reason));
  }

  /** Gives the shard up gracefully: the lost handlers finish, then the lease is released. Renewed meanwhile. */
  private relinquish(h: Holding, reason: 'rebalance' | 'shutdown'): Promise<void> {
    if (h.status !== 'active') return this.chains.get(h.shard) ?? Promise.resolve();
    h.status = 'releasing';
    h.abort.abort(new Error(`shard ${h.shard} given up: ${reason}`));
    return this.enqueue(h.shard, async () => {
      await this.farewell(h, reason);
      if (h.status !== 'releasing') return;
      try {
        await this.withTimeout(this.store.release(shardLeaseKey(h.shard), this.memberId, h.epoch), 'release');
      } catch (error) {
        this.logger.warn(`could not release shard ${h.shard}; its lease lapses on its own: ${messageOf(error)}`);
      }
      h.status = 'gone';
      if (this.holdings.get(h.shard) === h) this.holdings.delete(h.shard);
    });
  }

  private async farewell(h: Holding, reason: ShardLossReason): Promise<void> {
    if (!h.announced || h.farewelled) return;
    h.farewelled = true;
    for (const handler of [...this.lostHandlers]) {
      await this.callHandler(() => handler(h.shard, h.epoch, reason), `shardLost(${h.shard}, ${h.epoch}, ${reason})`);
    }
  }

  private async callHandler(call: () => void | Promise<void>, what: string): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.logger.error(`${what} handler failed: ${messageOf(error)}`);
    }
  }

  private enqueue(shard: number, step: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(shard) ?? Promise.resolve()).then(step).catch((error: unknown) => {
      this.logger.error(`shard ${shard}: ${messageOf(error)}`);
    });
    this.chains.set(shard, next);
    return next;
  }

  /** A store call that does not answer within a renew interval counts as failed; rounds never hang. */
  private withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
    const ms = this.options.renewIntervalMs;
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimer(ms, () => reject(new Error(`${what}: no answer within ${ms} ms`)));
      promise.then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (error: unknown) => {
          timer.cancel();
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  private report(problems: readonly string[]): void {
    if (problems.length > 0) this.logger.warn(`lease store trouble: ${problems.join('; ')}`);
  }
}

/** The lease key of a shard in the `LeaseStore`. */
function shardLeaseKey(shard: number): string {
  return `shard:${shard}`;
}

function shardList(holdings: readonly Holding[]): string {
  return [...holdings]
    .sort((a, b) => a.shard - b.shard)
    .map((h) => `${h.shard}@${h.epoch}`)
    .join(', ');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
