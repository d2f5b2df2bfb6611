import { ManualClock } from '@mailpush/leases';
import { Coalescer, MAX_EARLIER } from './coalescer';

interface Flush {
  readonly key: string;
  readonly items: readonly string[];
  readonly earlier: readonly string[];
  finish(error?: Error): void;
}

/** A flush function whose calls the test finishes by hand. */
function recorder(): {
  flushes: Flush[];
  flush: (key: string, items: readonly string[], earlier: readonly string[]) => Promise<void>;
} {
  const flushes: Flush[] = [];
  return {
    flushes,
    flush: (key, items, earlier) =>
      new Promise<void>((resolve, reject) => {
        flushes.push({
          key,
          items: [...items],
          earlier: [...earlier],
          finish: (error) => (error === undefined ? resolve() : reject(error)),
        });
      }),
  };
}

/** A flush function that finishes at once. */
function instant(): {
  flushes: Omit<Flush, 'finish'>[];
  flush: (key: string, items: readonly string[], earlier: readonly string[]) => Promise<void>;
} {
  const flushes: Omit<Flush, 'finish'>[] = [];
  return {
    flushes,
    flush: (key, items, earlier) => {
      flushes.push({ key, items: [...items], earlier: [...earlier] });
      return Promise.resolve();
    },
  };
}

function track(promise: Promise<void>): { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } {
  const tracked: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  promise.then(
    () => (tracked.state = 'resolved'),
    (error: unknown) => Object.assign(tracked, { state: 'rejected', error }),
  );
  return tracked;
}

describe(Coalescer.name, () => {
  let clock: ManualClock;

  beforeEach(() => {
    clock = new ManualClock();
  });

  it('flushes the first item of an idle key at once, alone, without waiting for the window', async () => {
    const { flushes, flush } = recorder();
    const sut = new Coalescer<string>({ windowMs: 250, maxBatch: 100 }, clock, flush);

    const a = track(sut.submit('mbx-1', 'a'));

    expect(flushes.map((f) => [f.items, f.earlier])).toEqual([[['a'], []]]);
    flushes[0]?.finish();
    await clock.advance(0);
    expect(a.state).toBe('resolved');
  });

  it('gathers what arrives while the first flush runs and within the window after it started into one batch', async () => {
    const { flushes, flush } = recorder();
    const sut = new Coalescer<string>({ windowMs: 250, maxBatch: 100 }, clock, flush);

    const a = track(sut.submit('mbx-1', 'a'));
    await clock.advance(10);
    const b = track(sut.submit('mbx-1', 'b'));
    flushes[0]?.finish();
    await clock.advance(90);
    const c = track(sut.submit('mbx-1', 'c'));
    await clock.advance(149);
    const d = track(sut.submit('mbx-1', 'd'));
    expect(flushes.map((f) => f.items)).toEqual([['a']]);
    expect([a.state, b.state, c.state, d.state]).toEqual(['resolved', 'pending', 'pending', 'pending']);

    await clock.advance(1);

    expect(flushes.map((f) => [f.items, f.earlier])).toEqual([
      [['a'], []],
      [['b', 'c', 'd'], ['a']],
    ]);
    flushes[1]?.finish();
    await clock.advance(0);
    expect([b.state, c.state, d.state]).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('gathers a change that comes shortly after a finished flush, and hands it what the burst pushed so far', async () => {
    const { flushes, flush } = instant();
    const sut = new Coalescer<string>({ windowMs: 250, maxBatch: 100 }, clock, flush);

    await sut.submit('mbx-1', 'a');
    await clock.advance(50);
    const b = track(sut.submit('mbx-1', 'b'));
    await clock.advance(199);
    expect(flushes).toHaveLength(1);
    await clock.advance(1);
    expect(b.state).toBe('resolved');
    await clock.advance(100);
    void sut.submit('mbx-1', 'c');
    await clock.advance(250);

    expect(flushes.map((f) => [f.items, f.earlier])).toEqual([
      [['a'], []],
      [['b'], ['a']],
      [['c'], ['a', 'b']],
    ]);
  });

  it('drops an idle key once its window is over, and starts a new burst with nothing earlier', async () => {
    const { flushes, flush } = instant();
    const sut = new Coalescer<string>({ windowMs: 250, maxBatch: 100 }, clock, flush);

    await sut.submit('mbx-1', 'a');
    await clock.advance(50);
    void sut.submit('mbx-1', 'b');
    await clock.advance(200);
    expect(sut.activeKeys).toBe(1);
    await clock.advance(249);
    expect(sut.activeKeys).toBe(1);
    await clock.advance(1);
    expect(sut.activeKeys).toBe(0);

    void sut.submit('mbx-1', 'c');

    expect(flushes.map((f) => [f.items, f.earlier])).toEqual([
      [['a'], []],
      [['b'], ['a']],
      [['c'], []],
    ]);
    await clock.advance(250);
    expect(sut.activeKeys).toBe(0);
  });

  it('keeps the keys apart: each key has its own leading flush', async () => {
    const { flushes, flush } = recorder();
    const sut = new Coalescer<string>({ windowMs: 250, maxBatch: 100 }, clock, flush);

    void sut.submit('mbx-1', 'a');
    void sut.submit('mbx-2', 'b');
    void sut.submit('mbx-1', 'c');
    expect(flushes.map((f) => [f.key, f.items])).toEqual([
      ['mbx-1', ['a']],
      ['mbx-2', ['b']],
    ]);
    for (const f of flushes) f.finish();
    await clock.advance(250);

    expect(flushes.map((f) => [f.key, f.items, f.earlier])).toEqual([
      ['mbx-1', ['a'], []],
      ['mbx-2', ['b'], []],
      ['mbx-1', ['c'], ['a']],
    ]);
    flushes[2]?.finish();
    await clock.advance(250);
    expect(sut.activeKeys).toBe(0);
  });

  it('rejects every submitter of a batch whose flush failed, and goes on with the next batch', async () => {
    const { flushes, flush } = recorder();
    const sut = new Coalescer<string>({ windowMs: 10, maxBatch: 100 }, clock, flush);
    const a = track(sut.submit('mbx-1', 'a'));
    const b = track(sut.submit('mbx-1', 'b'));
    const c = track(sut.submit('mbx-1', 'c'));
    flushes[0]?.finish();
    await clock.advance(10);

    flushes[1]?.finish(new Error('provider down'));
    await clock.advance(0);
    const d = track(sut.submit('mbx-1', 'd'));
    await clock.advance(10);
    flushes[2]?.finish();
    await clock.advance(10);

    expect(flushes.map((f) => f.items)).toEqual([['a'], ['b', 'c'], ['d']]);
    expect(a.state).toBe('resolved');
    expect(b).toMatchObject({ state: 'rejected', error: new Error('provider down') });
    expect(c.state).toBe('rejected');
    expect(d.state).toBe('resolved');
    expect(sut.activeKeys).toBe(0);
  });

  it('never runs two batches of one key at once: the next waits for the running one, gathering meanwhile', async () => {
    const { flushes, flush } = recorder();
    const sut = new Coalescer<string>({ windowMs: 10, maxBatch: 100 }, clock, flush);
    void sut.submit('mbx-1', 'a');

    void sut.submit('mbx-1', 'b');
    await clock.advance(5);
    void sut.submit('mbx-1', 'c');
    await clock.advance(20);
    void sut.submit('mbx-1', 'd');
    await clock.advance(20);
    expect(flushes.map((f) => f.items)).toEqual([['a']]);

    flushes[0]?.finish();
    await clock.advance(0);

    expect(flushes.map((f) => f.items)).toEqual([['a'], ['b', 'c', 'd']]);
    flushes[1]?.finish();
    await clock.advance(10);
    expect(sut.activeKeys).toBe(0);
  });

  it('closes a full batch at once: it runs right after the running one, without waiting for the window', async () => {
    const { flushes, flush } = recorder();
    const sut = new Coalescer<string>({ windowMs: 1_000, maxBatch: 2 }, clock, flush);

    void sut.submit('mbx-1', 'a');
    void sut.submit('mbx-1', 'b');
    void sut.submit('mbx-1', 'c');
    void sut.submit('mbx-1', 'd');
    void sut.submit('mbx-1', 'e');
    flushes[0]?.finish();
    await clock.advance(0);
    expect(flushes.map((f) => f.items)).toEqual([['a'], ['b', 'c']]);
    flushes[1]?.finish();
    await clock.advance(0);
    expect(flushes.map((f) => f.items)).toEqual([['a'], ['b', 'c'], ['d', 'e']]);
    flushes[2]?.finish();
    await clock.advance(1_000);

    void sut.submit('mbx-1', 'f');
    await clock.advance(1_000);
    flushes[3]?.finish();
    await clock.advance(1_000);
    expect(flushes.map((f) => [f.items, f.earlier])).toEqual([
      [['a'], []],
      [['b', 'c'], ['a']],
      [
        ['d', 'e'],
        ['a', 'b', 'c'],
      ],
      [['f'], []],
    ]);
    expect(sut.activeKeys).toBe(0);
  });

  it(`hands at most the latest ${MAX_EARLIER} earlier items to a flush`, async () => {
    const { flushes, flush } = instant();
    const sut = new Coalescer<string>({ windowMs: 10, maxBatch: 1 }, clock, flush);

    const all = Array.from({ length: MAX_EARLIER + 2 }, (_, i) => `c${i}`);
    await Promise.all(all.map((item) => sut.submit('mbx-1', item)));

    expect(flushes.at(-1)?.earlier).toEqual(all.slice(1, -1));
  });

  it('with a window of 0 flushes each item alone, still one at a time per key, with nothing earlier', async () => {
    const { flushes, flush } = recorder();
    const sut = new Coalescer<string>({ windowMs: 0, maxBatch: 100 }, clock, flush);

    void sut.submit('mbx-1', 'a');
    void sut.submit('mbx-1', 'b');
    void sut.submit('mbx-1', 'c');
    expect(flushes.map((f) => f.items)).toEqual([['a']]);

    flushes[0]?.finish();
    await clock.advance(0);
    expect(flushes.map((f) => f.items)).toEqual([['a'], ['b']]);
    flushes[1]?.finish();
    await clock.advance(0);
    flushes[2]?.finish();
    await clock.advance(0);

    expect(flushes.map((f) => [f.items, f.earlier])).toEqual([
      [['a'], []],
      [['b'], []],
      [['c'], []],
    ]);
    expect(sut.activeKeys).toBe(0);
  });

  it('refuses a negative window and an empty batch size', () => {
    const flush = (): Promise<void> => Promise.resolve();

    expect(() => new Coalescer({ windowMs: -1, maxBatch: 1 }, clock, flush)).toThrow('windowMs');
    expect(() => new Coalescer({ windowMs: 0, maxBatch: 0 }, clock, flush)).toThrow('maxBatch');
  });
});
