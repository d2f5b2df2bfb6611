import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { RedisLeaseStore } from './redis-lease-store.adapter';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const TTL = 5_000;

function uniquePrefix(): string {
  return `mailpush:test:${randomBytes(6).toString('hex')}:lease:`;
}

describe(RedisLeaseStore.name, () => {
  let redis: Redis;
  let keyPrefix: string;
  let sut: RedisLeaseStore;
  const prefixes: string[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
  });

  beforeEach(() => {
    keyPrefix = uniquePrefix();
    prefixes.push(keyPrefix);
    sut = new RedisLeaseStore(redis, { keyPrefix });
  });

  afterAll(async () => {
    for (const prefix of prefixes) {
      for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
      }
    }
    await redis.quit();
  });

  it('keeps a lease under the prefix with its TTL, and the epoch counter forever, both hash-tagged with the key', async () => {
    const lease = await sut.acquire('shard:7', 'member-a', TTL);

    await expect(redis.get(`${keyPrefix}{shard:7}:holder`)).resolves.toBe(`${lease?.epoch}:member-a`);
    const pttl = await redis.pttl(`${keyPrefix}{shard:7}:holder`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(TTL);
    await sut.release('shard:7', 'member-a', lease?.epoch ?? -1);
    await expect(redis.get(`${keyPrefix}{shard:7}:epoch`)).resolves.toBe(String(lease?.epoch));
    await expect(redis.pttl(`${keyPrefix}{shard:7}:epoch`)).resolves.toBe(-1);
  });

  it('does not see the leases or members of another prefix', async () => {
    const otherPrefix = uniquePrefix();
    prefixes.push(otherPrefix);
    const other = new RedisLeaseStore(redis, { keyPrefix: otherPrefix });
    await other.acquire('shard:1', 'graph-receiver-0', TTL);
    await other.heartbeat('graph-receiver-0', TTL);

    await expect(sut.holderOf('shard:1')).resolves.toBeUndefined();
    await expect(sut.members()).resolves.toEqual([]);
    await expect(sut.acquire('shard:1', 'ews-watcher-0', TTL)).resolves.toEqual({
      epoch: expect.any(Number) as number,
    });
  });

  it('after losing its epoch counter (a failover without the latest writes), issues epochs above those issued over a second before', async () => {
    const before = await sut.acquire('shard:1', 'member-a', TTL);
    await redis.del(`${keyPrefix}{shard:1}:holder`, `${keyPrefix}{shard:1}:epoch`);
    await sleep(1_100);

    const after = await sut.acquire('shard:1', 'member-b', TTL);

    expect(after?.epoch).toBeGreaterThan(before?.epoch ?? Infinity);
  });

  it('still works when the server has forgotten its scripts (a restart or failover)', async () => {
    const lease = await sut.acquire('shard:1', 'member-a', TTL);
    await redis.script('FLUSH');

    await expect(sut.renew('shard:1', 'member-a', lease?.epoch ?? -1, TTL)).resolves.toBe(true);
    await expect(sut.acquire('shard:2', 'member-a', TTL)).resolves.toEqual({ epoch: expect.any(Number) as number });
  });

  it('rejects a key prefix with braces, which would break the hash tags', () => {
    expect(() => new RedisLeaseStore(redis, { keyPrefix: 'mailpush:{lease}:' })).toThrow('must not contain braces');
  });
});
