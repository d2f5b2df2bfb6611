import type { DeliveryDedupe } from './delivery-dedupe.port';

/**
 * What every `DeliveryDedupe` adapter must do, declared once and run against each (in-process with a manual
 * clock, Redis with real expiry). `wait(ms)` lets that much time pass for the adapter.
 */
export function describeDeliveryDedupe(
  setup: () => { sut: DeliveryDedupe; key: (name: string) => string; wait: (ms: number) => Promise<void> },
): void {
  let sut: DeliveryDedupe;
  let key: (name: string) => string;
  let wait: (ms: number) => Promise<void>;

  beforeEach(() => {
    ({ sut, key, wait } = setup());
  });

  it('claims a key nobody holds, and answers in-flight to a second claim while it is held', async () => {
    await expect(sut.claim(key('a'), 10_000)).resolves.toBe('claimed');
    await expect(sut.claim(key('a'), 10_000)).resolves.toBe('in-flight');
  });

  it('answers sent once committed, also after the claim ttl', async () => {
    await sut.claim(key('b'), 50);
    await sut.commit(key('b'), 60);
    await wait(120);

    await expect(sut.claim(key('b'), 10_000)).resolves.toBe('sent');
  });

  it('lets a released key be claimed again', async () => {
    await sut.claim(key('c'), 10_000);
    await sut.release(key('c'));

    await expect(sut.claim(key('c'), 10_000)).resolves.toBe('claimed');
  });

  it('does not release a committed key', async () => {
    await sut.claim(key('d'), 10_000);
    await sut.commit(key('d'), 60);
    await sut.release(key('d'));

    await expect(sut.claim(key('d'), 10_000)).resolves.toBe('sent');
  });

  it('lets a claim lapse after its ttl (the claimer died mid-send)', async () => {
    await sut.claim(key('e'), 50);
    await wait(120);

    await expect(sut.claim(key('e'), 10_000)).resolves.toBe('claimed');
  });

  it('forgets a committed key after the dedupe ttl', async () => {
    await sut.claim(key('f'), 10_000);
    await sut.commit(key('f'), 1);
    await wait(1_100);

    await expect(sut.claim(key('f'), 10_000)).resolves.toBe('claimed');
  });

  it('still remembers a push whose claim lapsed before the commit', async () => {
    await sut.claim(key('g'), 50);
    await wait(120);
    await sut.commit(key('g'), 60);

    await expect(sut.claim(key('g'), 10_000)).resolves.toBe('sent');
  });
}
