import { createHash } from 'node:crypto';

/**
 * Which shards each member should own, as a pure function of the live members and the shard count, so that
 * every member computes the same answer without talking to the others.
 *
 * Shares are even: with N members each gets floor(S/N), and the first S mod N members by id get one more
 * (with 3 members and 256 shards: 86/85/85). Which shards is decided by rendezvous (highest random weight)
 * hashing with those capacities: every (shard, member) pair gets a score from a hash, and pairs are taken
 * best score first while the member has room. A member's shards therefore depend only on who is alive,
 * not on history: a member that comes back under the same id gets the same shards back, and a member
 * joining or leaving moves little more than its own share.
 */
export function assignShards(members: readonly string[], shardCount: number): ReadonlyMap<string, readonly number[]> {
  if (!Number.isInteger(shardCount) || shardCount <= 0)
    throw new RangeError(`shardCount must be positive, got ${shardCount}`);
  const sorted = [...new Set(members)].sort();
  const result = new Map<string, number[]>(sorted.map((m) => [m, []]));
  if (sorted.length === 0) return result;

  const base = Math.floor(shardCount / sorted.length);
  const extra = shardCount % sorted.length;
  const room = new Map(sorted.map((m, i) => [m, base + (i < extra ? 1 : 0)]));

  const pairs: { score: number; member: string; shard: number }[] = [];
  for (let shard = 0; shard < shardCount; shard++) {
    for (const member of sorted) pairs.push({ score: rendezvousScore(member, shard), member, shard });
  }
  pairs.sort((a, b) => b.score - a.score || compare(a.member, b.member) || a.shard - b.shard);

  const taken = new Set<number>();
  for (const { member, shard } of pairs) {
    const left = room.get(member) ?? 0;
    if (taken.has(shard) || left === 0) continue;
    taken.add(shard);
    room.set(member, left - 1);
    result.get(member)?.push(shard);
  }
  for (const shards of result.values()) shards.sort((a, b) => a - b);
  return result;
}

/** 48 bits of SHA-256 over member and shard: stable across processes, versions and platforms. */
function rendezvousScore(member: string, shard: number): number {
  return createHash('sha256').update(`${member}\u0000${shard}`).digest().readUIntBE(0, 6);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
