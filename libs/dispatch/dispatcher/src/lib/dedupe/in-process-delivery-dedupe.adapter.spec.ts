import { ManualClock } from '@mailpush/leases';
import { describeDeliveryDedupe } from './delivery-dedupe.behaviour';
import { InProcessDeliveryDedupe } from './in-process-delivery-dedupe.adapter';

describe(InProcessDeliveryDedupe.name, () => {
  describeDeliveryDedupe(() => {
    const clock = new ManualClock();
    return { sut: new InProcessDeliveryDedupe(clock), key: (name) => name, wait: (ms) => clock.advance(ms) };
  });

  it('forgets the oldest entries beyond its bound', async () => {
    const sut = new InProcessDeliveryDedupe(new ManualClock(), 2);
    for (const key of ['a', 'b', 'c']) {
      await sut.claim(key, 10_000);
      await sut.commit(key, 60);
    }

    expect(sut.size).toBe(2);
    await expect(sut.claim('a', 10_000)).resolves.toBe('claimed');
    await expect(sut.claim('c', 10_000)).resolves.toBe('sent');
  });
});
