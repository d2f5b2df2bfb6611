import { KeyedSemaphore } from './keyed-semaphore';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe(KeyedSemaphore.name, () => {
  it('runs at most `limit` tasks per key at once, in arrival order', async () => {
    const sut = new KeyedSemaphore(4);
    let running = 0;
    let peak = 0;
    const started: number[] = [];

    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        sut.run('conn/alice@contoso.example', async () => {
          started.push(index);
          running += 1;
          peak = Math.max(peak, running);
          await tick();
          running -= 1;
        }),
      ),
    );

    expect(peak).toBe(4);
    expect(started).toEqual(Array.from({ length: 12 }, (_, index) => index));
  });

  it('keeps keys apart: a full key does not hold up another', async () => {
    const sut = new KeyedSemaphore(1);
    let releaseAlice: () => void = () => undefined;
    const alice = sut.run('alice', () => new Promise<void>((resolve) => (releaseAlice = resolve)));
    const aliceQueued = sut.run('alice', () => Promise.resolve('second alice'));

    await expect(sut.run('bob', () => Promise.resolve('bob'))).resolves.toBe('bob');
    expect(sut.load('alice')).toBe(2);

    releaseAlice();
    await alice;
    await expect(aliceQueued).resolves.toBe('second alice');
  });

  it('frees the slot of a task that throws and forgets idle keys', async () => {
    const sut = new KeyedSemaphore(1);

    await expect(sut.run('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run('k', () => Promise.resolve('next'))).resolves.toBe('next');
    expect(sut.load('k')).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new KeyedSemaphore(0)).toThrow('limit: must be a positive whole number');
  });
});
