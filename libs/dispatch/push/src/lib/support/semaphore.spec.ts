import { Semaphore } from './semaphore';

describe(Semaphore.name, () => {
  it('runs at most `limit` tasks at once, in arrival order', async () => {
    const sut = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];

    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        sut.run(async () => {
          started.push(index);
          running += 1;
          peak = Math.max(peak, running);
          await new Promise((resolve) => setImmediate(resolve));
          running -= 1;
        }),
      ),
    );

    expect(peak).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, index) => index));
  });

  it('frees the slot of a task that throws', async () => {
    const sut = new Semaphore(1);

    await expect(sut.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sut.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });

  it('refuses a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow('positive integer');
  });
});
