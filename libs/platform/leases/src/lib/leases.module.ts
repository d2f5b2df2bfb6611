import {
  Inject,
  Logger,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { Redis } from 'ioredis';
import { Clock } from './clock/clock.port';
import { SystemClock } from './clock/system-clock.adapter';
import { LeasesReadinessCheck } from './leases-readiness.check';
import { ShardOwnership } from './ownership/shard-ownership.service';
import { InProcessLeaseStore } from './store/in-process-lease-store.adapter';
import { LeaseStore } from './store/lease-store.port';
import { openRedis } from './store/open-redis';
import { RedisLeaseStore } from './store/redis-lease-store.adapter';

export interface LeasesModuleOptions {
  /**
   * Prefix of the Redis keys. Default `<LEASE_KEY_PREFIX><app name>:` (`mailpush:lease:<app name>:`), so that the members of one app (all
   * ews-watcher pods, say) share the shards among themselves and not with another app's members.
   */
  readonly keyPrefix?: string;
}

/** The Redis client of the leases role; only this module uses it. */
const LEASES_REDIS = Symbol('LEASES_REDIS');

/**
 * Shard leases (global): `LeaseStore` (Redis when `REDIS_URL` is set, in-process otherwise), `ShardOwnership`
 * (joins in `onApplicationBootstrap`, gives its shards up before shutdown) and the `leases` readiness check.
 * Feature modules register `ownership.onShardAcquired/onShardLost` in their `onModuleInit`.
 */
@Module({})
export class LeasesModule implements OnApplicationShutdown {
  private readonly logger = new Logger(LeasesModule.name);

  constructor(
    private readonly ownership: ShardOwnership,
    @Optional() @Inject(LEASES_REDIS) private readonly redis?: Redis,
  ) {}

  static forRoot(config: MailpushConfig, options: LeasesModuleOptions = {}): DynamicModule {
    const url = config.redis.url;
    const keyPrefix = options.keyPrefix ?? `${config.shards.keyPrefix}${config.app.name}:`;
    const store: Provider[] =
      url === undefined
        ? [{ provide: LeaseStore, useFactory: (clock: Clock) => new InProcessLeaseStore(clock), inject: [Clock] }]
        : [
            { provide: LEASES_REDIS, useFactory: () => openRedis(url, config.app.name, 'leases') },
            {
              provide: LeaseStore,
              useFactory: (redis: Redis) => new RedisLeaseStore(redis, { keyPrefix }),
              inject: [LEASES_REDIS],
            },
          ];
    return {
      module: LeasesModule,
      global: true,
      providers: [
        { provide: Clock, useClass: SystemClock },
        ...store,
        {
          provide: ShardOwnership,
          useFactory: (leases: LeaseStore, clock: Clock) =>
            new ShardOwnership(leases, clock, {
              memberId: config.shards.memberId,
              shardCount: config.shards.count,
              leaseTtlMs: config.shards.leaseTtlMs,
              renewIntervalMs: config.shards.renewIntervalMs,
            }),
          inject: [LeaseStore, Clock],
        },
        {
          provide: LeasesReadinessCheck,
          useFactory: (leases: LeaseStore) => new LeasesReadinessCheck(leases),
          inject: [LeaseStore],
        },
      ],
      exports: [LeaseStore, ShardOwnership],
    };
  }

  /** Runs after every provider's own hook, so the shards are given up before the client closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.ownership.stop();
    if (this.redis === undefined) return;
    await this.redis.quit().catch(() => this.redis?.disconnect());
    this.logger.log('Redis connection of the leases closed');
  }
}
