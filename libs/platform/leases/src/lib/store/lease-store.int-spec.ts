import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { ManualClock } from '../clock/manual-clock.adapter';
import { InProcessLeaseStore } from './in-process-lease-store.adapter';
import { EPOCH_ORIGIN_SECONDS } from './lease-epoch';
import { LeaseStore } from './lease-store.port';
import { RedisLeaseStore } from './redis-lease-store.adapter';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** Short enough to wait out in real time against Redis, long enough not to lapse between two commands. */
const TTL = 300;

/** One adapter under the contract, with a way to let time pass in its clock. */
interface Harness {
  readonly store: LeaseStore;
  /** Wall time by the store's clock, in ms, to check the epoch floor. */
  now(): number;
  pass(ms: number): Promise<void>;
  close(): Promise<void>;
}

const adapters: readonly [string, () => Promise<Harness>][] = [
  [
    InProcessLeaseStore.name,
    () => {
      const clock = new ManualClock();
      return Promise.resolve({
        store: new InProcessLeaseStore(clock),
        now: () => clock.now(),
        pass: (ms) => clock.advance(ms),
        close: () => Promise.resolve(),
      });
    },
  ],
  [
    RedisLeaseStore.name,
    async () => {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, enableAutoPipelining: true });
      await redis.connect();
      const keyPrefix = `mailpush:test:${randomBytes(6).toString('hex')}:lease:`;
      return {
        store: new RedisLeaseStore(redis, { keyPrefix }),
        now: () => Date.now(),
        pass: (ms) => sleep(ms),
        close: async () => {
          await deleteKeys(redis, keyPrefix);
          await redis.quit();
        },
      };
    },
  ],
];

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
  }
}

describe(LeaseStore.name, () => {
  describe.each(adapters)('%s', (_name, open) => {
    let harness: Harness;
    let sut: LeaseStore;

    beforeEach(async () => {
      harness = await open();
      sut = harness.store;
    });

    afterEach(async () => {
      await harness.close();
    });

    it('gives a free key to the first holder, with an epoch, and refuses everyone else while it is held', async () => {
      const lease = await sut.acquire('shard:1', 'a', TTL);

      expect(lease?.epoch).toBeGreaterThan(0);
      await expect(sut.holderOf('shard:1')).resolves.toEqual({ holder: 'a', epoch: lease?.epoch });
      await expect(sut.acquire('shard:1', 'b', TTL)).resolves.toBeUndefined();
      await expect(sut.acquire('shard:1', 'a', TTL)).resolves.toBeUndefined();
    });

    it('issues epochs of at least the whole seconds since 2024, so they stay ahead of lost counters', async () => {
      const lease = await sut.acquire('shard:1', 'a', TTL);

      expect(lease?.epoch).toBeGreaterThanOrEqual(Math.floor(harness.now() / 1000) - EPOCH_ORIGIN_SECONDS - 1);
      expect(lease?.epoch).toBeLessThan(2 ** 31);
    });

    it('renews only for the holder with its epoch, and a renewed lease outlives its first TTL', async () => {
      const lease = await sut.acquire('shard:1', 'a', TTL);
      const epoch = lease?.epoch ?? -1;

      await expect(sut.renew('shard:1', 'b', epoch, TTL)).resolves.toBe(false);
      await expect(sut.renew('shard:1', 'a', epoch - 1, TTL)).resolves.toBe(false);
      await harness.pass(TTL * 0.6);
      await expect(sut.renew('shard:1', 'a', epoch, TTL)).resolves.toBe(true);
      await harness.pass(TTL * 0.6);

      await expect(sut.holderOf('shard:1')).resolves.toEqual({ holder: 'a', epoch });
    });

    it('releases only for the holder with its epoch', async () => {
      const lease = await sut.acquire('shard:1', 'a', TTL);
      const epoch = lease?.epoch ?? -1;

      await expect(sut.release('shard:1', 'b', epoch)).resolves.toBe(false);
      await expect(sut.release('shard:1', 'a', epoch + 1)).resolves.toBe(false);
      await expect(sut.holderOf('shard:1')).resolves.toEqual({ holder: 'a', epoch });
      await expect(sut.release('shard:1', 'a', epoch)).resolves.toBe(true);
      await expect(sut.holderOf('shard:1')).resolves.toBeUndefined();
      await expect(sut.release('shard:1', 'a', epoch)).resolves.toBe(false);
    });

    it('lets a lease lapse after its TTL: then it cannot be renewed, and anyone may take it', async () => {
      const first = await sut.acquire('shard:1', 'a', TTL);

      await harness.pass(TTL + 50);

      await expect(sut.holderOf('shard:1')).resolves.toBeUndefined();
      await expect(sut.renew('shard:1', 'a', first?.epoch ?? -1, TTL)).resolves.toBe(false);
      const second = await sut.acquire('shard:1', 'b', TTL);
      expect(second?.epoch).toBeGreaterThan(first?.epoch ?? Infinity);
    });

    it('increments the epoch on every new lease: another holder, or the same holder after a lapse', async () => {
      const epochs: number[] = [];
      const take = async (holder: string): Promise<number> => {
        const lease = await sut.acquire('shard:1', holder, TTL);
        if (lease === undefined) throw new Error(`${holder} could not take the lease`);
        epochs.push(lease.epoch);
        return lease.epoch;
      };

      await sut.release('shard:1', 'a', await take('a'));
      await sut.release('shard:1', 'b', await take('b'));
      await take('b');
      await harness.pass(TTL + 50);
      await take('b');

      expect(epochs).toHaveLength(4);
      for (let i = 1; i < epochs.length; i++) expect(epochs[i]).toBeGreaterThan(epochs[i - 1] ?? Infinity);
    });

    it('lists holder, epoch and remaining time per key, in the order asked, keeping the last epoch of free keys', async () => {
      const held = await sut.acquire('shard:2', 'a', TTL);
      const released = await sut.acquire('shard:3', 'b', TTL);
      await sut.release('shard:3', 'b', released?.epoch ?? -1);

      const states = await sut.list(['shard:2', 'shard:1', 'shard:3']);

      expect(states).toEqual([
        { key: 'shard:2', holder: 'a', epoch: held?.epoch, ttlMs: expect.any(Number) as number },
        { key: 'shard:1', holder: undefined, epoch: 0, ttlMs: undefined },
        { key: 'shard:3', holder: undefined, epoch: released?.epoch, ttlMs: undefined },
      ]);
      expect(states[0]?.ttlMs).toBeGreaterThan(0);
      expect(states[0]?.ttlMs).toBeLessThanOrEqual(TTL);
    });

    it('keeps holders with colons in their names intact', async () => {
      const lease = await sut.acquire('shard:1', 'ews-watcher-0:pod:7', TTL);

      await expect(sut.holderOf('shard:1')).resolves.toEqual({ holder: 'ews-watcher-0:pod:7', epoch: lease?.epoch });
      await expect(sut.renew('shard:1', 'ews-watcher-0:pod:7', lease?.epoch ?? -1, TTL)).resolves.toBe(true);
    });

    it('lists members while their heartbeat lasts, sorted, and forgets them when they leave or lapse', async () => {
      await sut.heartbeat('c', TTL);
      await sut.heartbeat('a', TTL * 3);
      await sut.heartbeat('b', TTL * 3);

      await expect(sut.members()).resolves.toEqual(['a', 'b', 'c']);
      await sut.leave('b');
      await harness.pass(TTL + 50);

      await expect(sut.members()).resolves.toEqual(['a']);
    });

    it('refuses a TTL that is not a positive whole number of milliseconds', async () => {
      await expect(sut.acquire('shard:1', 'a', 0)).rejects.toThrow(RangeError);
      await expect(sut.heartbeat('a', 1.5)).rejects.toThrow(RangeError);
    });

    it('answers ping', async () => {
      await expect(sut.ping()).resolves.toBeUndefined();
    });
  });
});
