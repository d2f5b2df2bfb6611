import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig, type Environment } from '@mailpush/config';
import { ReadinessCheck } from '@mailpush/runtime';
import { Redis } from 'ioredis';
import { LeasesReadinessCheck } from './leases-readiness.check';
import { LeasesModule } from './leases.module';
import { ShardOwnership } from './ownership/shard-ownership.service';
import { InProcessLeaseStore } from './store/in-process-lease-store.adapter';
import { LeaseStore } from './store/lease-store.port';
import { RedisLeaseStore } from './store/redis-lease-store.adapter';

Logger.overrideLogger(['error']);

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const SHARDS = 16;

/** A feature module as the watchers will have them: handlers registered in onModuleInit. */
@Injectable()
class ShardWork implements OnModuleInit {
  readonly log: string[] = [];

  constructor(private readonly ownership: ShardOwnership) {}

  onModuleInit(): void {
    this.ownership.onShardAcquired((shard, epoch) => {
      this.log.push(`start ${shard}@${epoch}`);
    });
    this.ownership.onShardLost((shard, epoch, reason) => {
      this.log.push(`stop ${shard}@${epoch} ${reason}`);
    });
  }
}

@Module({ providers: [ShardWork] })
class ShardWorkModule {}

function config(env: Environment) {
  return loadConfig(
    { app: 'ews-watcher' },
    {
      SHARD_COUNT: String(SHARDS),
      MEMBER_ID: 'module-test',
      LEASE_TTL_MS: '1000',
      LEASE_RENEW_INTERVAL_MS: '250',
      ...env,
    },
  );
}

async function eventually(condition: () => boolean, withinMs = 3_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!condition() && Date.now() < until) await sleep(10);
}

describe(LeasesModule.name, () => {
  let app: TestingModule | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  describe('with REDIS_URL', () => {
    const keyPrefix = `mailpush:test:${randomBytes(6).toString('hex')}:lease:`;
    let inspector: Redis;
    let inspect: RedisLeaseStore;

    beforeAll(async () => {
      inspector = new Redis(REDIS_URL, { lazyConnect: true });
      await inspector.connect();
      inspect = new RedisLeaseStore(inspector, { keyPrefix });
    });

    afterAll(async () => {
      for await (const keys of inspector.scanStream({ match: `${keyPrefix}*`, count: 500 })) {
        if ((keys as string[]).length > 0) await inspector.del(...(keys as string[]));
      }
      await inspector.quit();
    });

    it('leases shards in Redis for the features, is ready on PING, and gives everything back on shutdown', async () => {
      app = await Test.createTestingModule({
        imports: [LeasesModule.forRoot(config({ REDIS_URL }), { keyPrefix }), ShardWorkModule],
      }).compile();
      await app.init();
      const work = app.get(ShardWork);

      expect(app.get(LeaseStore)).toBeInstanceOf(RedisLeaseStore);
      await eventually(() => work.log.length === SHARDS);
      expect(work.log).toHaveLength(SHARDS);
      const states = await inspect.list(Array.from({ length: SHARDS }, (_, shard) => `shard:${shard}`));
      expect(states.map((s) => s.holder)).toEqual(new Array(SHARDS).fill('module-test'));
      const readiness = app.get(LeasesReadinessCheck);
      expect(readiness).toBeInstanceOf(ReadinessCheck);
      expect(readiness.name).toBe('leases');
      await expect(readiness.check()).resolves.toBeUndefined();

      await app.close();
      app = undefined;

      expect(work.log.filter((line) => line.endsWith(' shutdown'))).toHaveLength(SHARDS);
      const after = await inspect.list(Array.from({ length: SHARDS }, (_, shard) => `shard:${shard}`));
      expect(after.filter((s) => s.holder !== undefined)).toEqual([]);
      await expect(inspect.members()).resolves.toEqual([]);
    });

    it('reconnects when its connection drops, and keeps its shards through a short outage', async () => {
      app = await Test.createTestingModule({
        imports: [LeasesModule.forRoot(config({ REDIS_URL, MEMBER_ID: 'module-reconnect' }), { keyPrefix })],
      }).compile();
      await app.init();
      const ownership = app.get(ShardOwnership);
      await eventually(() => ownership.ownedShards().size === SHARDS);
      const epochs = ownership.ownedShards();
      const clients = (await inspector.client('LIST')) as string;
      const id = /id=(\d+) .*name=mailpush:ews-watcher:leases /.exec(clients)?.[1];

      await inspector.client('KILL', 'ID', id ?? 'none');
      await sleep(600);

      await expect(app.get(LeasesReadinessCheck).check()).resolves.toBeUndefined();
      expect(ownership.ownedShards()).toEqual(epochs);
    });

    it('keys the leases by app name by default, so different apps do not share shards', async () => {
      app = await Test.createTestingModule({ imports: [LeasesModule.forRoot(config({ REDIS_URL }))] }).compile();
      const redis = new Redis(REDIS_URL, { lazyConnect: true });
      await redis.connect();
      const store = new RedisLeaseStore(redis, { keyPrefix: 'mailpush:lease:ews-watcher:' });
      const key = `module-test-${randomBytes(6).toString('hex')}`;
      const lease = await app.get(LeaseStore).acquire(key, 'someone', 5_000);

      try {
        await expect(store.holderOf(key)).resolves.toEqual({ holder: 'someone', epoch: lease?.epoch });
      } finally {
        await redis.del(`mailpush:lease:ews-watcher:{${key}}:holder`, `mailpush:lease:ews-watcher:{${key}}:epoch`);
        await redis.quit();
      }
    });

    it('starts the keys with LEASE_KEY_PREFIX, so deployments sharing one Redis do not share shards', async () => {
      const prefix = `deployment-${randomBytes(4).toString('hex')}:lease:`;
      app = await Test.createTestingModule({
        imports: [LeasesModule.forRoot(config({ REDIS_URL, LEASE_KEY_PREFIX: prefix }))],
      }).compile();
      const redis = new Redis(REDIS_URL, { lazyConnect: true });
      await redis.connect();
      const store = new RedisLeaseStore(redis, { keyPrefix: `${prefix}ews-watcher:` });
      const key = `module-test-${randomBytes(6).toString('hex')}`;
      const lease = await app.get(LeaseStore).acquire(key, 'someone', 5_000);

      try {
        await expect(store.holderOf(key)).resolves.toEqual({ holder: 'someone', epoch: lease?.epoch });
      } finally {
        await redis.del(`${prefix}ews-watcher:{${key}}:holder`, `${prefix}ews-watcher:{${key}}:epoch`);
        await redis.quit();
      }
    });

    it('refuses to start when Redis does not answer', async () => {
      const build = Test.createTestingModule({
        imports: [LeasesModule.forRoot(config({ REDIS_URL: 'redis://127.0.0.1:1' }))],
      }).compile();

      await expect(build).rejects.toThrow(/Redis \(REDIS_URL\) did not answer: .*ECONNREFUSED/);
    });
  });

  describe('without REDIS_URL', () => {
    it('leases shards in process, and is always ready', async () => {
      app = await Test.createTestingModule({ imports: [LeasesModule.forRoot(config({})), ShardWorkModule] }).compile();
      await app.init();
      const work = app.get(ShardWork);

      expect(app.get(LeaseStore)).toBeInstanceOf(InProcessLeaseStore);
      await eventually(() => work.log.length === SHARDS);
      expect(work.log).toHaveLength(SHARDS);
      await expect(app.get(LeasesReadinessCheck).check()).resolves.toBeUndefined();
      expect(app.get(ShardOwnership).ownedShards().size).toBe(SHARDS);
    });
  });
});
