export { Clock, type ClockTimer } from './lib/clock/clock.port';
export { SystemClock } from './lib/clock/system-clock.adapter';
export { ManualClock } from './lib/clock/manual-clock.adapter';

export { LeaseStore, type AcquiredLease, type HeldLease, type LeaseState } from './lib/store/lease-store.port';
export { RedisLeaseStore, type RedisLeaseStoreOptions } from './lib/store/redis-lease-store.adapter';
export { InProcessLeaseStore } from './lib/store/in-process-lease-store.adapter';

export {
  ShardOwnership,
  type ShardAcquiredHandler,
  type ShardLossReason,
  type ShardLostHandler,
  type ShardOwnershipOptions,
} from './lib/ownership/shard-ownership.service';
export { assignShards } from './lib/ownership/shard-assignment';
export { shardOf } from './lib/ownership/shard-of';

export {
  claimShard,
  fencedUpdate,
  type FenceConditions,
  type FencedUpdate,
  type FencedUpdateResult,
  type ShardClaim,
  type ShardClaimResult,
} from './lib/fencing/fenced-update';

export { LeasesReadinessCheck } from './lib/leases-readiness.check';
export { LeasesModule, type LeasesModuleOptions } from './lib/leases.module';
export { openRedis } from './lib/store/open-redis';
