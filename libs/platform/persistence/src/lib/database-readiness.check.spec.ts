import type { DataSource } from 'typeorm';
import { DatabaseReadinessCheck } from './database-readiness.check';

function dataSourceAnswering(query: () => Promise<unknown>): DataSource {
  return { query } as unknown as DataSource;
}

describe(DatabaseReadinessCheck.name, () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('is ready when the database answers SELECT 1', async () => {
    const query = jest.fn(() => Promise.resolve([{ '1': 1 }]));
    const sut = new DatabaseReadinessCheck(dataSourceAnswering(query));

    await expect(sut.check()).resolves.toBeUndefined();
    expect(query).toHaveBeenCalledWith('SELECT 1');
  });

  it('is not ready when the query fails', async () => {
    const sut = new DatabaseReadinessCheck(dataSourceAnswering(() => Promise.reject(new Error('connection refused'))));

    await expect(sut.check()).rejects.toThrow('connection refused');
  });

  it('is not ready when the database does not answer within two seconds', async () => {
    jest.useFakeTimers();
    const sut = new DatabaseReadinessCheck(dataSourceAnswering(() => new Promise(() => undefined)));

    const result = sut.check();
    const settled = expect(result).rejects.toThrow('database did not answer within 2000 ms');
    await jest.advanceTimersByTimeAsync(2000);

    await settled;
  });
});
