import { createHash } from 'node:crypto';

/**
 * The virtual shard a shard key belongs to (the mailbox id for Graph, the affinity group for EWS): the first
 * 32 bits of its SHA-256, modulo the shard count. Stable forever for a given count; changing `SHARD_COUNT`
 * moves almost every key, so it is fixed for the life of a deployment.
 */
export function shardOf(shardKey: string, shardCount: number): number {
  if (!Number.isInteger(shardCount) || shardCount <= 0)
    throw new RangeError(`shardCount must be positive, got ${shardCount}`);
  return createHash('sha256').update(shardKey, 'utf8').digest().readUInt32BE(0) % shardCount;
}
