import { ReadinessCheck } from '@mailpush/runtime';
import type { Redis } from 'ioredis';

/** `dedupe`: ready while the de-duplication Redis answers `PING` (only registered when `REDIS_URL` is set). */
export class DedupeReadinessCheck extends ReadinessCheck {
  readonly name = 'dedupe';

  constructor(private readonly redis: Redis) {
    super();
  }

  async check(): Promise<void> {
    await this.redis.ping();
  }
}
