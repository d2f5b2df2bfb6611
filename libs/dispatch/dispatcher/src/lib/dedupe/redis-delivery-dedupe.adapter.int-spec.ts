import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { describeDeliveryDedupe } from './delivery-dedupe.behaviour';
import { dedupeKey } from './delivery-dedupe.port';
import { RedisDeliveryDedupe } from './redis-delivery-dedupe.adapter';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

describe(RedisDeliveryDedupe.name, () => {
  const prefix = `mailpush-test-${randomBytes(6).toString('hex')}`;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true });
    await redis.connect();
  });

  afterAll(async () => {
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
    await redis.quit();
  });

  describeDeliveryDedupe(() => {
    const test = randomBytes(4).toString('hex');
    return {
      sut: new RedisDeliveryDedupe(redis),
      key: (name) => dedupeKey(prefix, `${test}:${name}:new`, 'reg-1'),
      wait: (ms) => sleep(ms),
    };
  });

  it('stores the claim and the commit as the documented values and ttls', async () => {
    const sut = new RedisDeliveryDedupe(redis);
    const key = dedupeKey(prefix, 'mbx:item:new', 'reg-2');

    await sut.claim(key, 30_000);
    const claimed = await Promise.all([redis.get(key), redis.pttl(key)]);
    await sut.commit(key, 3_600);
    const committed = await Promise.all([redis.get(key), redis.ttl(key)]);

    expect(key).toBe(`${prefix}:dedupe:mbx:item:new:reg-2`);
    expect(claimed[0]).toBe('sending');
    expect(claimed[1]).toBeGreaterThan(25_000);
    expect(committed[0]).toBe('sent');
    expect(committed[1]).toBeGreaterThan(3_500);
  });
});
