import type { Redis } from 'ioredis';
import { DeliveryDedupe, type DedupeClaim } from './delivery-dedupe.port';

const SENDING = 'sending';
const SENT = 'sent';

/** Deletes the key only while it still holds a claim, never a committed one. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface ReleaseCommand {
  mailpushDedupeRelease(key: string, sending: string): Promise<number>;
}

/**
 * De-duplication in Redis, shared by every dispatcher instance: `SET key sending NX PX <claim ttl>` claims,
 * `SET key sent XX EX <dedupe ttl>` commits, and release deletes the key only while it says `sending`. The
 * client is given (one client per role; its owner closes it).
 */
export class RedisDeliveryDedupe extends DeliveryDedupe {
  private readonly commands: ReleaseCommand;

  constructor(private readonly redis: Redis) {
    super();
    redis.defineCommand('mailpushDedupeRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    this.commands = redis as unknown as ReleaseCommand;
  }

  async claim(key: string, ttlMs: number): Promise<DedupeClaim> {
    const taken = await this.redis.set(key, SENDING, 'PX', ttlMs, 'NX');
    if (taken === 'OK') return 'claimed';
    // Released in between: someone is or was at it, so try again later rather than now.
    return (await this.redis.get(key)) === SENT ? 'sent' : 'in-flight';
  }

  async commit(key: string, ttlSeconds: number): Promise<void> {
    const updated = await this.redis.set(key, SENT, 'EX', ttlSeconds, 'XX');
    // The claim lapsed while sending (a very slow send): still remember the push, unless another claim took over.
    if (updated !== 'OK') await this.redis.set(key, SENT, 'EX', ttlSeconds, 'NX');
  }

  async release(key: string): Promise<void> {
    await this.commands.mailpushDedupeRelease(key, SENDING);
  }
}
