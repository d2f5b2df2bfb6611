import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTempSqlitePath, createThrowawaySqliteDatabase } from './temp-sqlite';

describe(createTempSqlitePath.name, () => {
  it('returns a fresh path whose folder does not exist yet', () => {
    const sut = createTempSqlitePath();
    const other = createTempSqlitePath();

    expect(sut).not.toBe(other);
    expect(existsSync(dirname(dirname(sut)))).toBe(true);
    expect(existsSync(dirname(sut))).toBe(false);
    for (const path of [sut, other]) rmSync(dirname(dirname(path)), { recursive: true, force: true });
  });
});

describe(createThrowawaySqliteDatabase.name, () => {
  it('gives a sqlite target and deletes its folder on drop', async () => {
    const sut = await createThrowawaySqliteDatabase();
    if (sut.target.driver !== 'sqlite') throw new Error('expected a sqlite target');
    mkdirSync(dirname(sut.target.path), { recursive: true });
    writeFileSync(sut.target.path, '');

    await sut.drop();

    expect(existsSync(sut.target.path)).toBe(false);
    expect(sut.url).toBe(`sqlite:${sut.target.path}`);
  });
});
