import { shardOf } from './shard-of';

describe(shardOf.name, () => {
  it('maps a shard key to the same shard every time, within the shard count', () => {
    const sut = shardOf('AAMkADk0ZjY5', 256);

    expect(sut).toBe(shardOf('AAMkADk0ZjY5', 256));
    expect(sut).toBeGreaterThanOrEqual(0);
    expect(sut).toBeLessThan(256);
  });

  it('is pinned: these keys map to these shards in every version (stored shards depend on it)', () => {
    expect(shardOf('mailbox-1', 256)).toBe(51);
    expect(shardOf('https://mail.contoso.com/EWS/Exchange.asmx|group-7', 256)).toBe(35);
  });

  it('spreads keys evenly over the shards', () => {
    const perShard = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i++) {
      const shard = shardOf(`mailbox-${i}`, 16);
      perShard[shard] = (perShard[shard] ?? 0) + 1;
    }

    for (const count of perShard) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('refuses a shard count that is not a positive whole number', () => {
    expect(() => shardOf('x', 0)).toThrow(RangeError);
  });
});
