import type { Redis } from 'ioredis';
import { assertTtl, EPOCH_ORIGIN_SECONDS } from './lease-epoch';
import { LeaseStore, type AcquiredLease, type HeldLease, type LeaseState } from './lease-store.port';
import {
  ACQUIRE_SCRIPT,
  HEARTBEAT_SCRIPT,
  MEMBERS_SCRIPT,
  RELEASE_SCRIPT,
  RENEW_SCRIPT,
  STATE_SCRIPT,
} from './redis-lease.scripts';

export interface RedisLeaseStoreOptions {
  /** Prefix of every key this store touches, e.g. `mailpush:lease:ews-watcher:`. Must not contain `{`. */
  readonly keyPrefix: string;
}

/** The scripts, as `defineCommand` adds them to the client (ioredis types them loosely). */
interface LeaseCommands {
  mailpushLeaseAcquire(
    holderKey: string,
    epochKey: string,
    holder: string,
    ttlMs: number,
    origin: number,
  ): Promise<number | null>;
  mailpushLeaseRenew(holderKey: string, holder: string, epoch: number, ttlMs: number): Promise<number>;
  mailpushLeaseRelease(holderKey: string, holder: string, epoch: number): Promise<number>;
  mailpushLeaseState(holderKey: string, epochKey: string): Promise<[string | null, number, string | null]>;
  mailpushLeaseHeartbeat(membersKey: string, member: string, ttlMs: number): Promise<number>;
  mailpushLeaseMembers(membersKey: string): Promise<string[]>;
}

/**
 * Leases in Redis: `SET ... PX` semantics with the epoch check done in Lua on the server, so expiry follows
 * the Redis server's clock and no two callers can interleave a check and a write. The client is given (one
 * client per role; its owner closes it) and gets the scripts defined on it.
 */
export class RedisLeaseStore extends LeaseStore {
  private readonly commands: LeaseCommands;
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisLeaseStoreOptions,
  ) {
    super();
    if (options.keyPrefix.includes('{') || options.keyPrefix.includes('}')) {
      throw new Error(`keyPrefix must not contain braces (they delimit the hash tag): ${options.keyPrefix}`);
    }
    this.prefix = options.keyPrefix;
    redis.defineCommand('mailpushLeaseAcquire', { numberOfKeys: 2, lua: ACQUIRE_SCRIPT });
    redis.defineCommand('mailpushLeaseRenew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    redis.defineCommand('mailpushLeaseRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    redis.defineCommand('mailpushLeaseState', { numberOfKeys: 2, lua: STATE_SCRIPT });
    redis.defineCommand('mailpushLeaseHeartbeat', { numberOfKeys: 1, lua: HEARTBEAT_SCRIPT });
    redis.defineCommand('mailpushLeaseMembers', { numberOfKeys: 1, lua: MEMBERS_SCRIPT });
    this.commands = redis as unknown as LeaseCommands;
  }

  async acquire(key: string, holder: string, ttlMs: number): Promise<AcquiredLease | undefined> {
    assertTtl(ttlMs);
    const epoch = await this.commands.mailpushLeaseAcquire(
      this.holderKey(key),
      this.epochKey(key),
      holder,
      ttlMs,
      EPOCH_ORIGIN_SECONDS,
    );
    return epoch === null ? undefined : { epoch };
  }

  async renew(key: string, holder: string, epoch: number, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    return (await this.commands.mailpushLeaseRenew(this.holderKey(key), holder, epoch, ttlMs)) === 1;
  }

  async release(key: string, holder: string, epoch: number): Promise<boolean> {
    return (await this.commands.mailpushLeaseRelease(this.holderKey(key), holder, epoch)) === 1;
  }

  async holderOf(key: string): Promise<HeldLease | undefined> {
    return parseHolder(await this.redis.get(this.holderKey(key)));
  }

  /** One script call per key (pipelined by the client), each reading its key's two values atomically. */
  list(keys: readonly string[]): Promise<LeaseState[]> {
    return Promise.all(
      keys.map(async (key): Promise<LeaseState> => {
        const [value, pttl, lastEpoch] = await this.commands.mailpushLeaseState(
          this.holderKey(key),
          this.epochKey(key),
        );
        const held = parseHolder(value);
        if (held === undefined) return { key, holder: undefined, epoch: Number(lastEpoch ?? 0), ttlMs: undefined };
        return { key, holder: held.holder, epoch: held.epoch, ttlMs: Math.max(0, pttl) };
      }),
    );
  }

  async heartbeat(memberId: string, ttlMs: number): Promise<void> {
    assertTtl(ttlMs);
    await this.commands.mailpushLeaseHeartbeat(this.membersKey(), memberId, ttlMs);
  }

  async leave(memberId: string): Promise<void> {
    await this.redis.zrem(this.membersKey(), memberId);
  }

  async members(): Promise<string[]> {
    return [...(await this.commands.mailpushLeaseMembers(this.membersKey()))].sort();
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  private holderKey(key: string): string {
    return `${this.prefix}{${key}}:holder`;
  }

  private epochKey(key: string): string {
    return `${this.prefix}{${key}}:epoch`;
  }

  private membersKey(): string {
    return `${this.prefix}members`;
  }
}

/** "<epoch>:<holder>"; holders may contain colons themselves, epochs never do. */
function parseHolder(value: string | null): HeldLease | undefined {
  if (value === null) return undefined;
  const colon = value.indexOf(':');
  return { epoch: Number(value.slice(0, colon)), holder: value.slice(colon + 1) };
}
