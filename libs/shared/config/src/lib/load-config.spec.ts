import { inspect } from 'node:util';
import { ConfigError } from './config.error';
import { loadConfig, type AppConfigSpec } from './load-config';

const KEY = Buffer.alloc(32, 7).toString('base64');
const spec: AppConfigSpec = { app: 'registration-api', required: ['DATABASE_URL'] };

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  it('builds a typed, nested configuration from a valid environment', () => {
    const sut = loadConfig(spec, {
      DATABASE_URL: 'postgres://mp:pw@db.internal:5433/mailpush',
      PORT: '9000',
      SECRETS_KEY: KEY,
      AUTH_MAILBOX_CLAIMS: 'upn, email',
    });

    expect(sut.app).toMatchObject({ name: 'registration-api', port: 9000, logLevel: 'info', shutdownTimeoutMs: 10000 });
    expect(sut.database.target).toMatchObject({
      driver: 'postgres',
      host: 'db.internal',
      port: 5433,
      database: 'mailpush',
      username: 'mp',
      options: {},
    });
    expect(sut.database.migrations).toBe('run');
    expect(sut.secrets.key?.reveal()).toBe(KEY);
    expect(sut.auth.mailboxClaims).toEqual(['upn', 'email']);
    expect(sut.registration.ttlDays).toBe(30);
    expect(sut.graph.baseUrl).toBe('https://graph.microsoft.com');
  });

  it('names DATABASE_URL when its scheme is not supported', () => {
    const problems = problemsOf(() => loadConfig(spec, { DATABASE_URL: 'foo://x' }));

    expect(problems).toEqual([expect.stringMatching(/^DATABASE_URL: has unsupported scheme "foo:"/)]);
  });

  it('names every bad variable at once, not only the first', () => {
    const problems = problemsOf(() =>
      loadConfig(spec, { PORT: '99999', LOG_LEVEL: 'loud', AMQP_URL: 'http://rabbit', EWS_MODE: 'poll' }),
    );

    expect(problems.map((p) => p.split(':')[0])).toEqual(['DATABASE_URL', 'PORT', 'LOG_LEVEL', 'AMQP_URL', 'EWS_MODE']);
  });

  it('never echoes a secret value in an error', () => {
    const problems = problemsOf(() =>
      loadConfig(spec, { DATABASE_URL: 'sqlite:x.db', SECRETS_KEY: 'hunter2-is-not-a-key', PORT: 'eighty' }),
    );

    expect(problems.join('\n')).not.toContain('hunter2');
    expect(problems).toContain('PORT: must be a number (got "eighty")');
  });

  it('uses the app defaults for unset or empty variables', () => {
    const sut = loadConfig(
      { app: 'standalone', defaults: { DATABASE_URL: 'sqlite:./data/mailpush.db' } },
      { DATABASE_URL: '  ' },
    );

    expect(sut.database.target).toEqual({ driver: 'sqlite', path: './data/mailpush.db' });
  });

  it('requires variables that only make sense together', () => {
    const problems = problemsOf(() =>
      loadConfig(spec, {
        DATABASE_URL: 'sqlite:x.db',
        AUTH_JWKS_URL: 'https://idp/jwks',
        GRAPH_TENANT_ID: 't',
        GRAPH_CLIENT_ID: 'c',
      }),
    );

    expect(problems).toEqual([
      'AUTH_ISSUER, AUTH_AUDIENCE: required together with AUTH_JWKS_URL',
      'GRAPH_CLIENT_SECRET: or GRAPH_CLIENT_CERT_PATH is required with GRAPH_CLIENT_ID',
    ]);
  });

  it('keeps secrets out of JSON and inspection', () => {
    const sut = loadConfig(spec, {
      DATABASE_URL: 'postgres://mp:topsecret@db/mailpush',
      SECRETS_KEY: KEY,
      EWS_USERNAME: 'svc',
      EWS_PASSWORD: 'pa55word',
    });

    const dumped = JSON.stringify(sut) + inspect(sut, { depth: 10 });
    expect(dumped).not.toContain('topsecret');
    expect(dumped).not.toContain('pa55word');
    expect(dumped).not.toContain(KEY);
    expect(sut.ews.password?.reveal()).toBe('pa55word');
  });
});

describe('loadConfig: EWS settings', () => {
  const base = { DATABASE_URL: 'sqlite::memory:', SECRETS_KEY: KEY };

  it('defaults to streaming for every domain, a 30-minute connection and 90 s of tolerated silence', () => {
    const sut = loadConfig({ app: 'ews-watcher' }, base);

    expect(sut.ews).toMatchObject({
      mode: 'streaming',
      auth: 'ntlm',
      mailDomains: ['*'],
      connectionTimeoutMinutes: 30,
      streamSilenceSeconds: 90,
      statusFrequencyMinutes: 30,
      authorityHost: 'https://login.microsoftonline.com',
    });
  });

  it('names the variables out of the ranges EWS accepts, and an OAuth account without its tenant', () => {
    const problems = (): readonly string[] => {
      try {
        loadConfig(
          { app: 'ews-watcher' },
          {
            ...base,
            EWS_CONNECTION_TIMEOUT_MINUTES: '31',
            EWS_STATUS_FREQUENCY_MINUTES: '1441',
            EWS_AUTH: 'oauth',
            EWS_USERNAME: 'client-id',
          },
        );
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };

    expect(problems().map((p) => p.split(':')[0])).toEqual([
      'EWS_CONNECTION_TIMEOUT_MINUTES',
      'EWS_STATUS_FREQUENCY_MINUTES',
      'EWS_PASSWORD',
      'EWS_TENANT_ID',
    ]);
  });
});

describe('loadConfig: bus and shard settings', () => {
  it('reads the retry schedule and shard settings, with defaults', () => {
    const sut = loadConfig(
      { app: 'dispatcher' },
      { AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', AMQP_RETRY_DELAYS_MS: '100, 2000', MEMBER_ID: 'pod-1' },
    );

    expect(sut.amqp.retryDelaysMs).toEqual([100, 2000]);
    expect(sut.amqp.prefetch).toBe(20);
    expect(sut.shards).toEqual({
      count: 256,
      memberId: 'pod-1',
      leaseTtlMs: 15000,
      renewIntervalMs: 5000,
      keyPrefix: 'mailpush:lease:',
    });
  });

  it('refuses a renew interval that would let one missed renewal lose the lease', () => {
    const problems = problemsOf(() =>
      loadConfig(
        { app: 'ews-watcher' },
        { LEASE_TTL_MS: '10000', LEASE_RENEW_INTERVAL_MS: '6000', AMQP_RETRY_DELAYS_MS: 'soon' },
      ),
    );

    expect(problems).toEqual([
      'AMQP_RETRY_DELAYS_MS: must be a comma-separated list of milliseconds, e.g. 1000,5000,30000 (got "soon")',
      'LEASE_RENEW_INTERVAL_MS: must be at most half of LEASE_TTL_MS, so one missed renewal does not lose the lease',
    ]);
  });
});
