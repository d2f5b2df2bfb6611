import { Logger } from '@nestjs/common';
import type { Secret } from '@mailpush/config';
import { Redis } from 'ioredis';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A Redis client for one purpose of one app (`mailpush:<app>:<purpose>` in `CLIENT LIST`). No offline queue:
 * while Redis is unreachable, commands fail at once instead of being replayed later, when their answer
 * would no longer mean anything. Reconnects for ever once it has been connected; a Redis that does not
 * answer at boot fails the boot, as the database does.
 */
export async function openRedis(url: Secret, appName: string, purpose: string): Promise<Redis> {
  const logger = new Logger(`Redis (${purpose})`);
  let connected = false;
  const client = new Redis(url.reveal(), {
    connectionName: `mailpush:${appName}:${purpose}`,
    lazyConnect: true,
    enableOfflineQueue: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => (connected ? Math.min(attempt * 100, 2_000) : null),
  });
  let lastError = '';
  client.on('error', (error: Error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn(`Redis (${purpose}): ${error.message}`);
  });
  client.on('ready', () => {
    connected = true;
    lastError = '';
  });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Redis (REDIS_URL) did not answer: ${lastError || (error instanceof Error ? error.message : String(error))}`,
    );
  }
  return client;
}
