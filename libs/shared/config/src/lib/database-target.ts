import { Secret } from './secret';

export type DatabaseDriver = 'mssql' | 'postgres' | 'sqlite';

/** Where the relational database is, parsed from `DATABASE_URL`. */
export type DatabaseTarget =
  | { readonly driver: 'sqlite'; readonly path: string }
  | {
      readonly driver: 'postgres' | 'mssql';
      readonly host: string;
      readonly port: number | undefined;
      readonly database: string;
      readonly username: string | undefined;
      /** Kept as a `Secret` so that logging the target never prints it. */
      readonly password: Secret | undefined;
      readonly options: Readonly<Record<string, string>>;
    };

export const DATABASE_URL_FORMS = 'mssql://user:pass@host:1433/db, postgres://user:pass@host:5432/db or sqlite:path';

/**
 * Parses a `DATABASE_URL`. Returns an error message (without echoing the value, which may hold a password)
 * when the URL is not one of the supported forms.
 */
export function parseDatabaseUrl(value: string): DatabaseTarget | { readonly error: string } {
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.length === 0) return { error: 'sqlite: needs a file path, e.g. sqlite:./data/mailpush.db' };
    return { driver: 'sqlite', path };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { error: `is not a URL; expected ${DATABASE_URL_FORMS}` };
  }
  const scheme = url.protocol.replace(/:$/, '');
  const driver =
    scheme === 'postgres' || scheme === 'postgresql'
      ? 'postgres'
      : scheme === 'mssql' || scheme === 'sqlserver'
        ? 'mssql'
        : undefined;
  if (driver === undefined) return { error: `has unsupported scheme "${scheme}:"; expected ${DATABASE_URL_FORMS}` };
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (url.hostname.length === 0) return { error: 'names no host' };
  if (database.length === 0) return { error: 'names no database (the path after the host)' };
  const options: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (options[k] = v));
  return {
    driver,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port.length > 0 ? Number(url.port) : undefined,
    database,
    username: url.username.length > 0 ? decodeURIComponent(url.username) : undefined,
    password: url.password.length > 0 ? new Secret(decodeURIComponent(url.password)) : undefined,
    options,
  };
}
