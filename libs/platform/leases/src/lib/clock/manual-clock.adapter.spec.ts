import { ManualClock } from './manual-clock.adapter';

describe(ManualClock.name, () => {
  it('runs due timers in time order as it advances, and moves both clocks', async () => {
    const sut = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const ran: string[] = [];
    sut.setTimer(300, () => ran.push(`late at ${sut.monotonic()}`));
    sut.setTimer(100, () => ran.push(`early at ${sut.monotonic()}`));
    sut.setTimer(500, () => ran.push('never'));

    await sut.advance(400);

    expect(ran).toEqual(['early at 100', 'late at 300']);
    expect(sut.monotonic()).toBe(400);
    expect(sut.now()).toBe(Date.UTC(2026, 0, 1) + 400);
  });

  it('runs timers set by timers and by promise continuations while advancing', async () => {
    const sut = new ManualClock();
    const ran: number[] = [];
    sut.setTimer(100, () => {
      void Promise.resolve().then(() => sut.setTimer(100, () => ran.push(sut.monotonic())));
    });

    await sut.advance(250);

    expect(ran).toEqual([200]);
  });

  it('does not run a cancelled timer', async () => {
    const sut = new ManualClock();
    const callback = jest.fn();
    sut.setTimer(10, callback).cancel();

    await sut.advance(20);

    expect(callback).not.toHaveBeenCalled();
  });
});
