import { parseDatabaseUrl } from './database-target';
import { Secret } from './secret';

describe(parseDatabaseUrl.name, () => {
  it.each([
    ['sqlite:./data/mailpush.db', { driver: 'sqlite', path: './data/mailpush.db' }],
    ['sqlite:///var/lib/mailpush.db', { driver: 'sqlite', path: '/var/lib/mailpush.db' }],
    ['sqlite::memory:', { driver: 'sqlite', path: ':memory:' }],
  ])('reads %s', (url, expected) => {
    expect(parseDatabaseUrl(url)).toEqual(expected);
  });

  it('reads SQL Server URLs with options and encoded credentials', () => {
    const sut = parseDatabaseUrl('mssql://svc%40corp:p%3Ass@sql01:1433/bems?encrypt=true');

    expect(sut).toEqual({
      driver: 'mssql',
      host: 'sql01',
      port: 1433,
      database: 'bems',
      username: 'svc@corp',
      password: expect.any(Secret),
      options: { encrypt: 'true' },
    });
    expect('password' in sut ? sut.password?.reveal() : undefined).toBe('p:ss');
  });

  it.each([
    ['foo://x', /unsupported scheme "foo:"/],
    ['postgres://db', /names no database/],
    ['sqlite:', /needs a file path/],
    ['not a url', /is not a URL/],
  ])('refuses %s', (url, message) => {
    const sut = parseDatabaseUrl(url);
    expect('error' in sut ? sut.error : '').toMatch(message);
  });
});
