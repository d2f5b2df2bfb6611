import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Clock, type ClockTimer } from '../clock/clock.port';
import { SystemClock } from '../clock/system-clock.adapter';
import { InProcessLeaseStore } from '../store/in-process-lease-store.adapter';
import type { LeaseStore } from '../store/lease-store.port';
import { RedisLeaseStore } from '../store/redis-lease-store.adapter';
import { ShardOwnership, type ShardLossReason } from './shard-ownership.service';

Logger.overrideLogger(['error']);

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SHARDS = 256;
const TTL = 1_000;
const RENEW = 250;
/** The contract: a silent member's shards are taken over within one TTL plus one renew interval. */
const TAKEOVER_BOUND = TTL + RENEW;
/** Timers firing late and a few store round trips on a busy test machine. */
const SCHEDULING_MARGIN = 250;
/** Generous bound for convergence after a change of members: a few renew intervals. */
const CONVERGE_WITHIN = 5_000;

/** The system clock, until `pause()`: then no timer fires any more, as in a frozen process. */
class PausableClock extends Clock {
  private readonly system = new SystemClock();
  private readonly pending = new Set<ClockTimer>();
  private paused = false;

  now(): number {
    return this.system.now();
  }

  monotonic(): number {
    return this.system.monotonic();
  }

  setTimer(delayMs: number, callback: () => void): ClockTimer {
    if (this.paused) return { cancel: () => undefined };
    const timer: ClockTimer = this.system.setTimer(delayMs, () => {
      this.pending.delete(timer);
      callback();
    });
    this.pending.add(timer);
    return {
      cancel: () => {
        timer.cancel();
        this.pending.delete(timer);
      },
    };
  }

  /** Stops every timer without running it: no renewals, no heartbeats, nothing released, no handler called. */
  pause(): void {
    this.paused = true;
    for (const timer of this.pending) timer.cancel();
    this.pending.clear();
  }
}

/** One lease store seen through a separate connection per member, as separate processes would. */
interface Backend {
  storeFor(memberId: string): Promise<LeaseStore>;
  close(): Promise<void>;
}

const backends: readonly [string, () => Promise<Backend>][] = [
  [
    'in-process',
    () => {
      const store = new InProcessLeaseStore(new SystemClock());
      return Promise.resolve({ storeFor: () => Promise.resolve(store), close: () => Promise.resolve() });
    },
  ],
  [
    'Redis',
    () => {
      const keyPrefix = `mailpush:test:${randomBytes(6).toString('hex')}:lease:`;
      const clients: Redis[] = [];
      return Promise.resolve({
        storeFor: async (memberId: string) => {
          const client = new Redis(REDIS_URL, {
            lazyConnect: true,
            enableAutoPipelining: true,
            connectionName: `mailpush-test:${memberId}`,
          });
          await client.connect();
          clients.push(client);
          return new RedisLeaseStore(client, { keyPrefix });
        },
        close: async () => {
          const [first] = clients;
          if (first !== undefined) {
            for await (const keys of first.scanStream({ match: `${keyPrefix}*`, count: 500 })) {
              if ((keys as string[]).length > 0) await first.del(...(keys as string[]));
            }
          }
          await Promise.all(clients.map((client) => client.quit()));
        },
      });
    },
  ],
];

interface ShardEvent {
  readonly member: string;
  /** Which start of that member id (a restart under the same id is another incarnation). */
  readonly incarnation: number;
  readonly kind: 'acquired' | 'lost';
  readonly shard: number;
  readonly epoch: number;
  readonly reason?: ShardLossReason;
}

interface Member {
  readonly id: string;
  readonly sut: ShardOwnership;
  readonly clock: PausableClock;
}

async function waitFor(what: string, condition: () => boolean, withinMs: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (condition()) return performance.now() - started;
    const elapsed = performance.now() - started;
    if (elapsed > withinMs) throw new Error(`${what}: still not the case after ${Math.round(elapsed)} ms`);
    await sleep(5);
  }
}

function sizes(members: readonly Member[]): number[] {
  return members.map((m) => m.sut.ownedShards().size);
}

function shardsOf(member: Member): number[] {
  return [...member.sut.ownedShards().keys()];
}

function strictlyIncreasingPerShard(events: readonly ShardEvent[]): string[] {
  const problems: string[] = [];
  const last = new Map<number, number>();
  for (const e of events.filter((x) => x.kind === 'acquired')) {
    const previous = last.get(e.shard) ?? 0;
    if (e.epoch <= previous) problems.push(`shard ${e.shard}: epoch ${e.epoch} after ${previous}`);
    last.set(e.shard, e.epoch);
  }
  return problems;
}

describe(ShardOwnership.name, () => {
  describe.each(backends)('on the %s lease store', (_name, openBackend) => {
    let backend: Backend;
    let events: ShardEvent[];
    let members: Member[];
    let overlaps: string[];
    let monitor: NodeJS.Timeout;
    const incarnations = new Map<string, number>();

    /** Starts a member; its handlers record every acquisition, and every loss once its work has stopped. */
    async function join(id: string, stopWorkMs = 20): Promise<Member> {
      const incarnation = (incarnations.get(id) ?? 0) + 1;
      incarnations.set(id, incarnation);
      const clock = new PausableClock();
      const sut = new ShardOwnership(await backend.storeFor(id), clock, {
        memberId: id,
        shardCount: SHARDS,
        leaseTtlMs: TTL,
        renewIntervalMs: RENEW,
      });
      sut.onShardAcquired((shard, epoch) => {
        events.push({ member: id, incarnation, kind: 'acquired', shard, epoch });
      });
      sut.onShardLost(async (shard, epoch, reason) => {
        await sleep(stopWorkMs);
        events.push({ member: id, incarnation, kind: 'lost', shard, epoch, reason });
      });
      const member = { id, sut, clock };
      members.push(member);
      await sut.start();
      return member;
    }

    beforeEach(async () => {
      backend = await openBackend();
      events = [];
      members = [];
      overlaps = [];
      incarnations.clear();
      // Never two owners at once: sampled every few milliseconds throughout each test.
      monitor = setInterval(() => {
        const owner = new Map<number, string>();
        for (const m of members) {
          for (const shard of m.sut.ownedShards().keys()) {
            const other = owner.get(shard);
            if (other !== undefined) overlaps.push(`shard ${shard} owned by ${other} and ${m.id}`);
            owner.set(shard, m.id);
          }
        }
      }, 3);
    });

    afterEach(async () => {
      clearInterval(monitor);
      await Promise.all(members.map((m) => m.sut.stop()));
      await backend.close();
      expect(overlaps.slice(0, 5)).toEqual([]);
    });

    it('converges three members to 86/85/85 of 256 shards, every shard owned by exactly one', async () => {
      const [a, b, c] = await Promise.all(['member-a', 'member-b', 'member-c'].map((id) => join(id)));
      const trio = [a, b, c].filter((m): m is Member => m !== undefined);

      await waitFor('86/85/85', () => sizes(trio).join() === '86,85,85', CONVERGE_WITHIN);

      const all = trio.flatMap(shardsOf).sort((x, y) => x - y);
      expect(all).toEqual(Array.from({ length: SHARDS }, (_, shard) => shard));
      expect(strictlyIncreasingPerShard(events)).toEqual([]);
    });

    it('hands the shards of a member that stops renewing to the survivors within the lease TTL plus one renew interval', async () => {
      const trio = await Promise.all(['member-a', 'member-b', 'member-c'].map((id) => join(id)));
      await waitFor('86/85/85', () => sizes(trio).join() === '86,85,85', CONVERGE_WITHIN);
      const [a, b, paused] = trio as [Member, Member, Member];
      const orphaned = shardsOf(paused);

      paused.clock.pause();
      const took = await waitFor(
        `all ${orphaned.length} shards of the paused member owned by a survivor`,
        () => orphaned.every((shard) => a.sut.isOwned(shard) || b.sut.isOwned(shard)),
        TAKEOVER_BOUND + SCHEDULING_MARGIN,
      );

      expect(took).toBeLessThanOrEqual(TAKEOVER_BOUND + SCHEDULING_MARGIN);
      expect(events.filter((e) => e.member === paused.id && e.kind === 'lost')).toEqual([]);
      await waitFor('128/128', () => sizes([a, b]).join() === '128,128', CONVERGE_WITHIN);
      expect(strictlyIncreasingPerShard(events)).toEqual([]);
    });

    it('issues a strictly greater epoch on every change of owner, through joins, a graceful leave and a pause', async () => {
      const a = await join('member-a');
      await waitFor('a owns all', () => sizes([a]).join() === '256', CONVERGE_WITHIN);
      const b = await join('member-b');
      await waitFor('128/128', () => sizes([a, b]).join() === '128,128', CONVERGE_WITHIN);
      const c = await join('member-c');
      await waitFor('86/85/85', () => sizes([a, b, c]).join() === '86,85,85', CONVERGE_WITHIN);
      await c.sut.stop();
      await waitFor('128/128 again', () => sizes([a, b]).join() === '128,128', CONVERGE_WITHIN);
      b.clock.pause();
      await waitFor('a owns all again', () => sizes([a]).join() === '256', CONVERGE_WITHIN);

      const acquisitions = events.filter((e) => e.kind === 'acquired');
      const changes = acquisitions.length - SHARDS;
      expect(changes).toBeGreaterThanOrEqual(128 + 85 + 85 + 128);
      expect(strictlyIncreasingPerShard(events)).toEqual([]);
      expect(new Set(acquisitions.map((e) => `${e.shard}@${e.epoch}`)).size).toBe(acquisitions.length);
    });

    it('gives a member that restarts under the same id after a crash most of its former shards back', async () => {
      const trio = await Promise.all(['member-a', 'member-b', 'member-c'].map((id) => join(id)));
      await waitFor('86/85/85', () => sizes(trio).join() === '86,85,85', CONVERGE_WITHIN);
      const [a, b, crashed] = trio as [Member, Member, Member];
      const before = new Set(shardsOf(crashed));

      crashed.clock.pause();
      const restarted = await join('member-c');
      await waitFor(
        '86/85/85 with the restarted member',
        () => sizes([a, b, restarted]).join() === '86,85,85',
        TTL + CONVERGE_WITHIN,
      );

      const regained = shardsOf(restarted).filter((shard) => before.has(shard)).length;
      expect(regained / before.size).toBeGreaterThanOrEqual(0.8);
    });

    it('releases the shards of a member that leaves gracefully, and each shardLost happens before the next owner shardAcquired', async () => {
      // The leaving member takes longer to stop its work than the others take to look for free shards.
      const trio = await Promise.all([join('member-a'), join('member-b'), join('member-c', RENEW * 2)]);
      await waitFor('86/85/85', () => sizes(trio).join() === '86,85,85', CONVERGE_WITHIN);
      const [a, b, leaving] = trio as [Member, Member, Member];
      const given = shardsOf(leaving);
      const inspect = await backend.storeFor('inspector');

      await leaving.sut.stop();

      const states = await inspect.list(given.map((shard) => `shard:${shard}`));
      expect(states.filter((s) => s.holder !== undefined)).toEqual([]);
      await expect(inspect.members()).resolves.toEqual(['member-a', 'member-b']);
      await waitFor('128/128', () => sizes([a, b]).join() === '128,128', CONVERGE_WITHIN);
      for (const shard of given) {
        let taken = -1;
        events.forEach((e, i) => {
          if (e.member === leaving.id && e.kind === 'acquired' && e.shard === shard) taken = i;
        });
        const lost = events.findIndex(
          (e, i) => i > taken && e.member === leaving.id && e.kind === 'lost' && e.shard === shard,
        );
        const next = events.findIndex((e, i) => i > taken && e.kind === 'acquired' && e.shard === shard);
        expect(taken).toBeGreaterThanOrEqual(0);
        expect(events[lost]?.reason).toBe('shutdown');
        expect(next).toBeGreaterThan(lost);
      }
    });

    it('gives a member that left gracefully and comes back under the same id its former shards back', async () => {
      const trio = await Promise.all(['member-a', 'member-b', 'member-c'].map((id) => join(id)));
      await waitFor('86/85/85', () => sizes(trio).join() === '86,85,85', CONVERGE_WITHIN);
      const [a, b, leaving] = trio as [Member, Member, Member];
      const before = new Set(shardsOf(leaving));
      await leaving.sut.stop();
      await waitFor('128/128', () => sizes([a, b]).join() === '128,128', CONVERGE_WITHIN);

      const back = await join('member-c');
      await waitFor('86/85/85 again', () => sizes([a, b, back]).join() === '86,85,85', CONVERGE_WITHIN);

      const regained = shardsOf(back).filter((shard) => before.has(shard)).length;
      expect(regained / before.size).toBeGreaterThanOrEqual(0.8);
    });
  });
});
