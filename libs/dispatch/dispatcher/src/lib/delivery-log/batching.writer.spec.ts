import { Logger } from '@nestjs/common';
import { ManualClock } from '@mailpush/leases';
import { BatchingWriter } from './batching.writer';

describe(BatchingWriter.name, () => {
  let clock: ManualClock;
  let written: string[][];
  let fail: boolean;
  let sut: BatchingWriter<string>;
  const logger = new Logger('test');

  beforeEach(() => {
    Logger.overrideLogger(false);
    clock = new ManualClock();
    written = [];
    fail = false;
    sut = new BatchingWriter(
      'rows',
      (items) => {
        if (fail) return Promise.reject(new Error('database down'));
        written.push([...items]);
        return Promise.resolve();
      },
      clock,
      logger,
      { flushIntervalMs: 100, maxBatch: 3, maxPending: 5 },
    );
  });

  it('writes what was added once the interval passed, not before', async () => {
    sut.add('a');
    sut.add('b');
    await clock.advance(99);
    const before = written.length;
    await clock.advance(1);

    expect(before).toBe(0);
    expect(written).toEqual([['a', 'b']]);
  });

  it('writes a full batch at once', async () => {
    for (const item of ['a', 'b', 'c', 'd']) sut.add(item);
    await clock.advance(0);

    expect(written[0]).toEqual(['a', 'b', 'c']);
  });

  it('writes everything on flush', async () => {
    sut.add('a');

    await sut.flush();

    expect(written).toEqual([['a']]);
  });

  it('drops a batch whose write failed, and goes on', async () => {
    fail = true;
    sut.add('lost');
    await sut.flush();
    fail = false;
    sut.add('kept');
    await sut.flush();

    expect(written).toEqual([['kept']]);
  });

  it('keeps at most maxPending items while they wait, dropping the oldest', async () => {
    const bounded = new BatchingWriter<string>(
      'rows',
      (items) => {
        written.push([...items]);
        return Promise.resolve();
      },
      clock,
      logger,
      { flushIntervalMs: 100, maxBatch: 100, maxPending: 3 },
    );
    for (const item of ['1', '2', '3', '4', '5']) bounded.add(item);

    await bounded.flush();

    expect(written).toEqual([['3', '4', '5']]);
  });
});
