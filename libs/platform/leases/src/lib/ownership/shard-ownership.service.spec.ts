import { Logger } from '@nestjs/common';
import { metrics, type Attributes } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { ManualClock } from '../clock/manual-clock.adapter';
import { InProcessLeaseStore } from '../store/in-process-lease-store.adapter';
import { LeaseStore, type AcquiredLease, type HeldLease, type LeaseState } from '../store/lease-store.port';
import { ShardOwnership, type ShardLossReason, type ShardOwnershipOptions } from './shard-ownership.service';

Logger.overrideLogger(false);

const TTL = 1_000;
const RENEW = 250;
const SHARDS = 8;

class CollectingReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
const reader = new CollectingReader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

async function metricValue(name: string, attributes: Attributes): Promise<number | undefined> {
  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  const points = (metric?.dataPoints ?? []) as { attributes: Attributes; value: unknown }[];
  const point = points.find((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v));
  return point === undefined ? undefined : Number(point.value);
}

/** The in-process store, with a switch that makes it refuse every call (`down`) or never answer (`silent`). */
class SwitchableLeaseStore extends LeaseStore {
  mode: 'up' | 'down' | 'silent' = 'up';

  constructor(readonly inner: LeaseStore) {
    super();
  }

  acquire(key: string, holder: string, ttlMs: number): Promise<AcquiredLease | undefined> {
    return this.call(() => this.inner.acquire(key, holder, ttlMs));
  }
  renew(key: string, holder: string, epoch: number, ttlMs: number): Promise<boolean> {
    return this.call(() => this.inner.renew(key, holder, epoch, ttlMs));
  }
  release(key: string, holder: string, epoch: number): Promise<boolean> {
    return this.call(() => this.inner.release(key, holder, epoch));
  }
  holderOf(key: string): Promise<HeldLease | undefined> {
    return this.call(() => this.inner.holderOf(key));
  }
  list(keys: readonly string[]): Promise<LeaseState[]> {
    return this.call(() => this.inner.list(keys));
  }
  heartbeat(memberId: string, ttlMs: number): Promise<void> {
    return this.call(() => this.inner.heartbeat(memberId, ttlMs));
  }
  leave(memberId: string): Promise<void> {
    return this.call(() => this.inner.leave(memberId));
  }
  members(): Promise<string[]> {
    return this.call(() => this.inner.members());
  }
  ping(): Promise<void> {
    return this.call(() => this.inner.ping());
  }

  private call<T>(work: () => Promise<T>): Promise<T> {
    if (this.mode === 'down') return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
    if (this.mode === 'silent') return new Promise<T>(() => undefined);
    return work();
  }
}

interface ShardEvent {
  readonly member: string;
  readonly kind: 'acquired' | 'lost';
  readonly shard: number;
  readonly epoch: number;
  readonly reason?: ShardLossReason;
}

describe(ShardOwnership.name, () => {
  let clock: ManualClock;
  let inner: InProcessLeaseStore;
  let store: SwitchableLeaseStore;
  let events: ShardEvent[];
  let signals: Map<number, AbortSignal>;
  let running: ShardOwnership[];

  function member(memberId: string, overrides: Partial<ShardOwnershipOptions> = {}): ShardOwnership {
    const ownership = new ShardOwnership(store, clock, {
      memberId,
      shardCount: SHARDS,
      leaseTtlMs: TTL,
      renewIntervalMs: RENEW,
      ...overrides,
    });
    ownership.onShardAcquired((shard, epoch, signal) => {
      events.push({ member: memberId, kind: 'acquired', shard, epoch });
      signals.set(shard, signal);
    });
    ownership.onShardLost((shard, epoch, reason) => {
      events.push({ member: memberId, kind: 'lost', shard, epoch, reason });
    });
    running.push(ownership);
    return ownership;
  }

  const of = (memberId: string, kind: ShardEvent['kind']): ShardEvent[] =>
    events.filter((e) => e.member === memberId && e.kind === kind);

  beforeEach(() => {
    clock = new ManualClock();
    inner = new InProcessLeaseStore(clock);
    store = new SwitchableLeaseStore(inner);
    events = [];
    signals = new Map();
    running = [];
  });

  afterEach(async () => {
    store.mode = 'up';
    const progress = { stopped: false };
    const stopping = Promise.all(running.map((ownership) => ownership.stop())).then(() => {
      progress.stopped = true;
    });
    // Stopping waits for slow handlers and timed-out calls, which only end as the clock moves.
    for (let i = 0; i < 100 && !progress.stopped; i++) await clock.advance(RENEW);
    await stopping;
  });

  it('takes every shard one renew interval after joining when alone, and tells the handlers each epoch', async () => {
    const sut = member('member-a');

    await sut.start();
    expect(events).toEqual([]);
    await clock.advance(RENEW);

    expect(of('member-a', 'acquired').map((e) => e.shard)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const leases = await inner.list(Array.from({ length: SHARDS }, (_, shard) => `shard:${shard}`));
    expect(leases.map((l) => l.holder)).toEqual(new Array(SHARDS).fill('member-a'));
    expect([...sut.ownedShards()]).toEqual(leases.map((l, shard) => [shard, l.epoch]));
  });

  it('renews its leases every interval, so it keeps its shards long past one TTL', async () => {
    const sut = member('member-a');
    await sut.start();
    await clock.advance(RENEW);
    const owned = sut.ownedShards();

    await clock.advance(TTL * 5);

    expect(sut.ownedShards()).toEqual(owned);
    expect(of('member-a', 'lost')).toEqual([]);
  });

  it('stops a shard at once, with lease-lost, when its renewal is refused, aborting its signal', async () => {
    const sut = member('member-a');
    await sut.start();
    await clock.advance(RENEW);
    const epoch = sut.ownedShards().get(3) ?? -1;
    await inner.release('shard:3', 'member-a', epoch);
    await inner.acquire('shard:3', 'intruder', TTL * 10);

    await clock.advance(RENEW);

    expect(of('member-a', 'lost')).toEqual([
      { member: 'member-a', kind: 'lost', shard: 3, epoch, reason: 'lease-lost' },
    ]);
    expect(signals.get(3)?.aborted).toBe(true);
    expect(sut.isOwned(3)).toBe(false);
    expect(sut.ownedShards().size).toBe(SHARDS - 1);
    await expect(
      metricValue('mailpush.lease.renew_failures', { 'mailpush.member.id': 'member-a', reason: 'refused' }),
    ).resolves.toBe(1);
  });

  it('keeps working through a store outage shorter than the lease TTL', async () => {
    const sut = member('member-a');
    await sut.start();
    await clock.advance(RENEW);
    const owned = sut.ownedShards();

    store.mode = 'down';
    await clock.advance(TTL - RENEW - 1);
    store.mode = 'up';
    await clock.advance(TTL * 2);

    expect(sut.ownedShards()).toEqual(owned);
    expect(of('member-a', 'lost')).toEqual([]);
    await expect(
      metricValue('mailpush.lease.renew_failures', { 'mailpush.member.id': 'member-a', reason: 'error' }),
    ).resolves.toBeGreaterThan(0);
  });

  it.each(['down', 'silent'] as const)(
    'stops every shard with lease-expired exactly when the TTL since the last confirmed renewal runs out (store %s)',
    async (mode) => {
      const sut = member('member-a');
      await sut.start();
      await clock.advance(RENEW);
      // Acquired at RENEW, so proven until RENEW + TTL; no renewal is confirmed from now on.
      store.mode = mode;

      await clock.advance(TTL - 1);
      expect(sut.ownedShards().size).toBe(SHARDS);
      expect(of('member-a', 'lost')).toEqual([]);
      await clock.advance(1);

      expect(sut.ownedShards().size).toBe(0);
      expect(of('member-a', 'lost').map((e) => e.reason)).toEqual(new Array(SHARDS).fill('lease-expired'));
      expect([...signals.values()].every((signal) => signal.aborted)).toBe(true);
    },
  );

  it('takes its shards back, under new epochs, once the store answers again', async () => {
    const sut = member('member-a');
    await sut.start();
    await clock.advance(RENEW);
    const before = sut.ownedShards();
    store.mode = 'down';
    await clock.advance(TTL * 2);

    store.mode = 'up';
    await clock.advance(RENEW * 2);

    const after = sut.ownedShards();
    expect(after.size).toBe(SHARDS);
    for (const [shard, epoch] of after) expect(epoch).toBeGreaterThan(before.get(shard) ?? Infinity);
  });

  it('gives every shard up when stopped: lost handlers run while the lease is still held, then it is released', async () => {
    const sut = new ShardOwnership(store, clock, {
      memberId: 'member-a',
      shardCount: SHARDS,
      leaseTtlMs: TTL,
      renewIntervalMs: RENEW,
    });
    running.push(sut);
    const holdersDuringLoss: (string | undefined)[] = [];
    sut.onShardLost(async (shard, _epoch, reason) => {
      holdersDuringLoss.push(`${reason}:${(await inner.holderOf(`shard:${shard}`))?.holder}`);
    });
    await sut.start();
    await clock.advance(RENEW);

    await sut.stop();

    expect(holdersDuringLoss).toEqual(new Array(SHARDS).fill('shutdown:member-a'));
    const leases = await inner.list(Array.from({ length: SHARDS }, (_, shard) => `shard:${shard}`));
    expect(leases.every((l) => l.holder === undefined)).toBe(true);
    await expect(inner.members()).resolves.toEqual([]);
    expect(sut.ownedShards().size).toBe(0);
  });

  it('keeps renewing a shard it gives up while its lost handler is slow, so nobody takes it before the work stopped', async () => {
    const a = new ShardOwnership(store, clock, {
      memberId: 'member-a',
      shardCount: SHARDS,
      leaseTtlMs: TTL,
      renewIntervalMs: RENEW,
    });
    running.push(a);
    a.onShardLost(async (shard, epoch, reason) => {
      await new Promise<void>((resolve) => clock.setTimer(TTL * 3, resolve));
      events.push({ member: 'member-a', kind: 'lost', shard, epoch, reason });
    });
    await a.start();
    await clock.advance(RENEW);
    const b = member('member-b');

    await b.start();
    await clock.advance(TTL * 2);
    expect(of('member-b', 'acquired')).toEqual([]);
    await clock.advance(TTL * 2);

    const given = of('member-a', 'lost');
    const taken = of('member-b', 'acquired');
    expect(given.map((e) => e.reason)).toEqual(new Array(SHARDS / 2).fill('rebalance'));
    expect(taken.map((e) => e.shard).sort()).toEqual(given.map((e) => e.shard).sort());
    for (const acquired of taken) {
      const lost = events.findIndex((e) => e.member === 'member-a' && e.kind === 'lost' && e.shard === acquired.shard);
      expect(lost).toBeLessThan(events.indexOf(acquired));
    }
  });

  it('converges three members to even shares of 256 shards: 86/85/85, the first by id taking one more', async () => {
    const members = ['member-b', 'member-c', 'member-a'].map((id) => member(id, { shardCount: 256 }));
    await Promise.all(members.map((m) => m.start()));

    await clock.advance(RENEW * 4);

    expect(members.map((m) => [m.memberId, m.ownedShards().size])).toEqual([
      ['member-b', 85],
      ['member-c', 85],
      ['member-a', 86],
    ]);
  });

  it('logs a failing handler and keeps the shard', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    const sut = member('member-a');
    sut.onShardAcquired((shard) => {
      if (shard === 2) throw new Error('subscription failed');
    });
    await sut.start();

    await clock.advance(RENEW);

    expect(sut.isOwned(2)).toBe(true);
    expect(sut.ownedShards().size).toBe(SHARDS);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('shardAcquired(2, '));
    logged.mockRestore();
  });

  it('reports the shards it owns on the mailpush.shards.owned gauge', async () => {
    const sut = member('member-gauge');
    await sut.start();

    await clock.advance(RENEW);

    await expect(metricValue('mailpush.shards.owned', { 'mailpush.member.id': 'member-gauge' })).resolves.toBe(SHARDS);
  });

  it('refuses handlers registered after it started', async () => {
    const sut = member('member-a');
    await sut.start();

    expect(() => sut.onShardLost(() => undefined)).toThrow('before the ownership starts');
  });

  it('refuses a renew interval that is not shorter than the TTL', () => {
    expect(
      () => new ShardOwnership(store, clock, { memberId: 'a', shardCount: 1, leaseTtlMs: 1000, renewIntervalMs: 1000 }),
    ).toThrow(RangeError);
  });
});
