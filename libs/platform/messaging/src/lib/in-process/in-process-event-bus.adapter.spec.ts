import { Logger } from '@nestjs/common';
import { describeEventBusBehaviour, Greeted } from '../../testing/event-bus.behaviour';
import { eventually } from '../../testing/wait';
import { InProcessEventBus } from './in-process-event-bus.adapter';

Logger.overrideLogger(false);

describe(InProcessEventBus.name, () => {
  describeEventBusBehaviour({
    create: ({ retryDelaysMs, prefetch }) => new InProcessEventBus({ retryDelaysMs, prefetch: prefetch ?? 10 }),
  });

  it('holds messages published before start and delivers them once started', async () => {
    const sut = new InProcessEventBus({ retryDelaysMs: [], prefetch: 1 });
    const names: string[] = [];
    await sut.subscribe(Greeted, (p) => void names.push(p.name), { group: 'alpha' });

    await sut.publish(Greeted, { name: 'early', n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const beforeStart = [...names];
    await sut.start();

    await eventually('the early message is handled', () => names.length === 1);
    expect(beforeStart).toEqual([]);
    expect(names).toEqual(['early']);
    await sut.close();
  });

  it('does not run a handler inside the publisher’s call', async () => {
    const sut = new InProcessEventBus({ retryDelaysMs: [], prefetch: 1 });
    let handled = false;
    await sut.subscribe(Greeted, () => void (handled = true), { group: 'alpha' });
    await sut.start();

    await sut.publish(Greeted, { name: 'ada', n: 1 });
    const handledDuringPublish = handled;

    await eventually('the message is handled', () => handled);
    expect(handledDuringPublish).toBe(false);
    await sut.close();
  });

  it('refuses an invalid consumer group name', async () => {
    const sut = new InProcessEventBus({ retryDelaysMs: [], prefetch: 1 });

    await expect(sut.subscribe(Greeted, () => undefined, { group: 'Not A Group' })).rejects.toThrow(
      'consumer group "Not A Group" must be',
    );
  });
});
