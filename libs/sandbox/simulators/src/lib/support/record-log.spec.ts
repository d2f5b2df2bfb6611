import { RecordLog } from './record-log';

describe(RecordLog.name, () => {
  let sut: RecordLog<number>;

  beforeEach(() => {
    sut = new RecordLog();
  });

  it('resolves a waiter once enough records arrived, with all of them', async () => {
    const waiting = sut.waitFor(2, 1000, 'numbers');
    sut.add(1);
    sut.add(2);

    await expect(waiting).resolves.toEqual([1, 2]);
  });

  it('resolves at once when the records are already there', async () => {
    sut.add(1);

    await expect(sut.waitFor(1, 1000, 'numbers')).resolves.toEqual([1]);
  });

  it('rejects naming what it waited for and what came', async () => {
    sut.add(1);

    await expect(sut.waitFor(3, 10, 'numbers')).rejects.toThrow('expected 3 numbers, received 1 within 10 ms');
  });

  it('hands out snapshots that later records do not change', () => {
    sut.add(1);
    const snapshot = sut.all();
    sut.add(2);
    sut.clear();

    expect(snapshot).toEqual([1]);
    expect(sut.all()).toEqual([]);
  });
});
