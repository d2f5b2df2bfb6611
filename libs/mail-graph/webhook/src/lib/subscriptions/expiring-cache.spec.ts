import { ExpiringCache } from './expiring-cache';

describe(ExpiringCache.name, () => {
  let now: number;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('answers a value until its time to live is over', () => {
    const sut = new ExpiringCache<string, number>(10, clock);
    sut.set('a', 1, 100);

    now += 99;
    expect(sut.get('a')).toEqual({ value: 1 });
    now += 1;
    expect(sut.get('a')).toBeUndefined();
    expect(sut.size).toBe(0);
  });

  it('tells a cached undefined from a miss', () => {
    const sut = new ExpiringCache<string, number | undefined>(10, clock);
    sut.set('unknown', undefined, 100);

    expect(sut.get('unknown')).toEqual({ value: undefined });
    expect(sut.get('never-set')).toBeUndefined();
  });

  it('keeps each entry to its own time to live', () => {
    const sut = new ExpiringCache<string, string>(10, clock);
    sut.set('long', 'l', 300_000);
    sut.set('short', 's', 2_000);

    now += 2_000;

    expect(sut.get('short')).toBeUndefined();
    expect(sut.get('long')).toEqual({ value: 'l' });
  });

  it('makes room by dropping the least recently used entry', () => {
    const sut = new ExpiringCache<string, number>(3, clock);
    sut.set('a', 1, 1_000);
    sut.set('b', 2, 1_000);
    sut.set('c', 3, 1_000);
    sut.get('a');

    sut.set('d', 4, 1_000);

    expect(sut.size).toBe(3);
    expect(sut.get('b')).toBeUndefined();
    expect([sut.get('a'), sut.get('c'), sut.get('d')]).toEqual([{ value: 1 }, { value: 3 }, { value: 4 }]);
  });

  it('replaces an entry, with its new time to live', () => {
    const sut = new ExpiringCache<string, number>(2, clock);
    sut.set('a', 1, 10);
    sut.set('a', 2, 1_000);

    now += 500;

    expect(sut.get('a')).toEqual({ value: 2 });
    expect(sut.size).toBe(1);
  });

  it('forgets a deleted entry', () => {
    const sut = new ExpiringCache<string, number>(2, clock);
    sut.set('a', 1, 1_000);

    sut.delete('a');

    expect(sut.get('a')).toBeUndefined();
  });

  it('refuses a size bound below one', () => {
    expect(() => new ExpiringCache(0)).toThrow('maxEntries must be a positive integer');
  });
});
