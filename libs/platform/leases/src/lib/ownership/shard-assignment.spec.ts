import { assignShards } from './shard-assignment';

function counts(assignment: ReadonlyMap<string, readonly number[]>): Record<string, number> {
  return Object.fromEntries([...assignment].map(([member, shards]) => [member, shards.length]));
}

function ownerOf(assignment: ReadonlyMap<string, readonly number[]>): Map<number, string> {
  const owners = new Map<number, string>();
  for (const [member, shards] of assignment) for (const shard of shards) owners.set(shard, member);
  return owners;
}

describe(assignShards.name, () => {
  it('splits 256 shards 86/85/85 over three members, the extra one going to the first member by id', () => {
    const sut = assignShards(['member-c', 'member-a', 'member-b'], 256);

    expect(counts(sut)).toEqual({ 'member-a': 86, 'member-b': 85, 'member-c': 85 });
  });

  it('gives every shard to exactly one member', () => {
    const sut = assignShards(['a', 'b', 'c', 'd', 'e'], 256);

    const all = [...sut.values()].flat().sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 256 }, (_, shard) => shard));
  });

  it('is the same whatever the order of the members and however often it is computed', () => {
    const sut = assignShards(['b', 'c', 'a'], 256);

    expect(assignShards(['a', 'b', 'c', 'a'], 256)).toEqual(sut);
  });

  it('moves only the leaving member shards when one of three leaves', () => {
    const before = ownerOf(assignShards(['a', 'b', 'c'], 256));

    const sut = ownerOf(assignShards(['a', 'b'], 256));

    const moved = [...before].filter(([shard, owner]) => sut.get(shard) !== owner);
    expect(moved.every(([, owner]) => owner === 'c')).toBe(true);
  });

  it('moves little more than the newcomer share when a fourth member joins', () => {
    const before = ownerOf(assignShards(['a', 'b', 'c'], 256));

    const sut = ownerOf(assignShards(['a', 'b', 'c', 'd'], 256));

    const moved = [...before].filter(([shard, owner]) => sut.get(shard) !== owner).length;
    expect(moved).toBeGreaterThanOrEqual(64);
    expect(moved).toBeLessThanOrEqual(64 * 1.25);
  });

  it('gives a member that comes back under the same id exactly its former shards', () => {
    const before = assignShards(['a', 'b', 'c'], 256);
    assignShards(['a', 'b'], 256);

    const sut = assignShards(['a', 'b', 'c'], 256);

    expect(sut.get('c')).toEqual(before.get('c'));
  });

  it('gives everything to a single member, and nothing to nobody', () => {
    expect(counts(assignShards(['only'], 16))).toEqual({ only: 16 });
    expect(assignShards([], 16).size).toBe(0);
  });

  it('leaves members without shards when there are more members than shards', () => {
    const sut = assignShards(['a', 'b', 'c'], 2);

    expect(counts(sut)).toEqual({ a: 1, b: 1, c: 0 });
  });

  it('refuses a shard count that is not a positive whole number', () => {
    expect(() => assignShards(['a'], 0)).toThrow(RangeError);
  });
});
