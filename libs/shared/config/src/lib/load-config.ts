import { hostname } from 'node:os';
import { z } from 'zod';
import { parseDatabaseUrl, type DatabaseTarget } from './database-target';
import { LOG_LEVELS, type AppName, type MailpushConfig } from './mailpush-config';
import { Secret } from './secret';
import { ConfigError } from './config.error';

export type Environment = Readonly<Record<string, string | undefined>>;

/** What one app needs from the environment beyond the shared rules. */
export interface AppConfigSpec {
  readonly app: AppName;
  /** Values used when the variable is unset or empty (e.g. the standalone server's SQLite file). */
  readonly defaults?: Readonly<Record<string, string>>;
  /** Variables this app cannot start without. */
  readonly required?: readonly string[];
}

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be 0-65535')
  .max(65535, 'must be 0-65535');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const positiveInt = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .positive('must be positive');
const nonNegativeInt = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must not be negative');
const nonEmpty = z.string().trim().min(1, 'must not be empty');
const amqpUrl = z.url({ protocol: /^amqps?$/, error: 'must be an amqp:// or amqps:// URL' });
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });
/** https, or http on a loopback address (a local simulator posting to this machine). */
const webhookUrl = z
  .url({ protocol: /^https?$/, error: 'must be an https URL (Graph only posts to https)' })
  .refine((v) => {
    const url = new URL(v);
    return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  }, 'must be an https URL (Graph only posts to https; http only on a loopback address)');
/** Comma-separated mail domains, lower-cased; `*` stands for every domain no other connection lists. */
const domainList = z
  .string()
  .transform((v) => v.split(',').map((d) => d.trim().toLowerCase()))
  .refine((list) => list.every((d) => d === '*' || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(d)), {
    message: 'must be a comma-separated list of mail domains (e.g. contoso.com,fabrikam.com) or *',
  });
const base64Key = z.string().refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
  message: 'must be 32 bytes encoded as base64 (openssl rand -base64 32)',
});

/** Variables whose values are never echoed back, not even in a validation error. */
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'AMQP_URL',
  'REDIS_URL',
  'SECRETS_KEY',
  'SECRETS_PREVIOUS_KEYS',
  'ADMIN_TOKEN',
  'GRAPH_CLIENT_SECRET',
  'EWS_PASSWORD',
]);

/**
 * Reads one variable at a time and collects every problem, so that a bad deployment is fixed in one round
 * instead of one variable per restart.
 */
class EnvironmentReader {
  readonly problems: string[] = [];

  constructor(
    private readonly env: Environment,
    private readonly spec: AppConfigSpec,
  ) {
    for (const name of spec.required ?? []) {
      if (this.raw(name) === undefined) this.problems.push(`${name}: is required by ${spec.app}`);
    }
  }

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    if (value !== undefined && value.length > 0) return value;
    return this.spec.defaults?.[name];
  }

  optional<T>(name: string, schema: z.ZodType<T>): T | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const shown = SECRET_VARIABLES.has(name) ? '' : ` (got "${value}")`;
    this.problems.push(`${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}${shown}`);
    return undefined;
  }

  withDefault<T>(name: string, schema: z.ZodType<T>, fallback: T): T {
    return this.optional(name, schema) ?? fallback;
  }

  secret(name: string, schema: z.ZodType<string> = nonEmpty): Secret | undefined {
    const value = this.optional(name, schema);
    return value === undefined ? undefined : new Secret(value);
  }

  problem(message: string): void {
    this.problems.push(message);
  }
}

/**
 * Builds the validated configuration of one app from its environment. Throws a `ConfigError` naming every
 * bad or missing variable; never returns a half-valid object.
 */
export function loadConfig(spec: AppConfigSpec, env: Environment): MailpushConfig {
  const r = new EnvironmentReader(env, spec);

  const databaseUrl = r.raw('DATABASE_URL');
  let databaseTarget: DatabaseTarget | undefined;
  if (databaseUrl !== undefined) {
    const parsed = parseDatabaseUrl(databaseUrl);
    if ('error' in parsed) r.problem(`DATABASE_URL: ${parsed.error}`);
    else databaseTarget = parsed;
  }

  const config: MailpushConfig = {
    app: {
      name: spec.app,
      host: r.withDefault('HOST', nonEmpty, '0.0.0.0'),
      port: r.withDefault('PORT', port, 8080),
      metricsPort: r.optional('METRICS_PORT', port),
      shutdownTimeoutMs: r.withDefault('SHUTDOWN_TIMEOUT_MS', positiveInt, 10_000),
      logLevel: r.withDefault(
        'LOG_LEVEL',
        z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
        'info',
      ),
      logPretty: r.withDefault('LOG_PRETTY', bool, false),
    },
    database: {
      url: new Secret(databaseUrl ?? ''),
      target: databaseTarget ?? { driver: 'sqlite', path: ':memory:' },
      migrations: r.withDefault(
        'DATABASE_MIGRATIONS',
        z.enum(['run', 'check'], { error: 'must be run or check' }),
        'run',
      ),
    },
    secrets: {
      key: r.secret('SECRETS_KEY', base64Key),
      previousKeys: (
        r.optional(
          'SECRETS_PREVIOUS_KEYS',
          z
            .string()
            .refine(
              (v) => v.split(',').every((k) => base64Key.safeParse(k.trim()).success),
              'must be a comma-separated list of 32-byte base64 keys',
            ),
        ) ?? ''
      )
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k.length > 0)
        .map((k) => new Secret(k)),
      keyFile: r.optional('SECRETS_KEY_FILE', nonEmpty),
    },
    amqp: {
      url: r.secret('AMQP_URL', amqpUrl),
      prefetch: r.withDefault('AMQP_PREFETCH', positiveInt, 20),
      retryDelaysMs: r.withDefault(
        'AMQP_RETRY_DELAYS_MS',
        z
          .string()
          .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'must be a comma-separated list of milliseconds, e.g. 1000,5000,30000')
          .transform((v) => v.split(',').map((d) => Number(d.trim()))),
        [1000, 5000, 30000],
      ),
    },
    redis: { url: r.secret('REDIS_URL', redisUrl) },
    shards: {
      count: r.withDefault('SHARD_COUNT', positiveInt, 256),
      memberId: r.withDefault(
        'MEMBER_ID',
        z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be 1-128 of A-Z a-z 0-9 . _ : -'),
        hostname(),
      ),
      leaseTtlMs: r.withDefault('LEASE_TTL_MS', positiveInt, 15_000),
      renewIntervalMs: r.withDefault('LEASE_RENEW_INTERVAL_MS', positiveInt, 5_000),
      keyPrefix: r.withDefault(
        'LEASE_KEY_PREFIX',
        z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 of A-Z a-z 0-9 . _ : -'),
        'mailpush:lease:',
      ),
    },
    auth: {
      jwksUrl: r.optional('AUTH_JWKS_URL', httpUrl),
      issuer: r.optional('AUTH_ISSUER', nonEmpty),
      audience: r.optional('AUTH_AUDIENCE', nonEmpty),
      mailboxClaims: r
        .withDefault('AUTH_MAILBOX_CLAIMS', nonEmpty, 'upn,preferred_username,email')
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c.length > 0),
    },
    admin: { token: r.secret('ADMIN_TOKEN', z.string().min(16, 'must be at least 16 characters')) },
    registration: {
      ttlDays: r.withDefault('REGISTRATION_TTL_DAYS', positiveInt, 30),
      bodyLimitBytes: r.withDefault('REGISTRATION_BODY_LIMIT_BYTES', positiveInt, 16_384),
      rateLimitPerMinute: r.withDefault('REGISTRATION_RATE_LIMIT_PER_MINUTE', positiveInt, 120),
    },
    dispatch: {
      coalesceMs: r.withDefault('DISPATCH_COALESCE_MS', nonNegativeInt, 250),
      dedupeTtlSeconds: r.withDefault('DISPATCH_DEDUPE_TTL_SECONDS', positiveInt, 7 * 24 * 3600),
      pushAttempts: r.withDefault('DISPATCH_PUSH_ATTEMPTS', positiveInt, 3),
      maxInlineRetryMs: r.withDefault('DISPATCH_MAX_INLINE_RETRY_MS', nonNegativeInt, 10_000),
      circuitOpenMs: r.withDefault('DISPATCH_CIRCUIT_OPEN_MS', positiveInt, 60_000),
      deliveryLogRetentionDays: r.withDefault('DELIVERY_LOG_RETENTION_DAYS', positiveInt, 7),
    },
    graph: {
      tenantId: r.optional('GRAPH_TENANT_ID', nonEmpty),
      clientId: r.optional('GRAPH_CLIENT_ID', nonEmpty),
      clientSecret: r.secret('GRAPH_CLIENT_SECRET'),
      clientCertPath: r.optional('GRAPH_CLIENT_CERT_PATH', nonEmpty),
      notificationUrl: r.optional('GRAPH_NOTIFICATION_URL', webhookUrl),
      lifecycleNotificationUrl: r.optional('GRAPH_LIFECYCLE_NOTIFICATION_URL', webhookUrl),
      baseUrl: r.withDefault('GRAPH_BASE_URL', httpUrl, 'https://graph.microsoft.com'),
      authorityHost: r.withDefault('GRAPH_AUTHORITY_HOST', httpUrl, 'https://login.microsoftonline.com'),
      caPath: r.optional('GRAPH_CA_PATH', nonEmpty),
      mailDomains: r.withDefault('GRAPH_MAIL_DOMAINS', domainList, ['*']),
      subscriptionLifetimeMinutes: r.withDefault(
        'GRAPH_SUBSCRIPTION_LIFETIME_MINUTES',
        positiveInt.max(10_080, 'must be at most 10080 (Graph refuses longer message subscriptions)'),
        4230,
      ),
      richNotifications: r.withDefault('GRAPH_RICH_NOTIFICATIONS', bool, false),
      encryptionCertPath: r.optional('GRAPH_ENCRYPTION_CERT_PATH', nonEmpty),
      encryptionKeyPath: r.optional('GRAPH_ENCRYPTION_KEY_PATH', nonEmpty),
      webhookBodyLimitBytes: r.withDefault('GRAPH_WEBHOOK_BODY_LIMIT_BYTES', positiveInt, 1024 * 1024),
    },
    ews: {
      url: r.optional('EWS_URL', httpUrl),
      autodiscoverUrl: r.optional('EWS_AUTODISCOVER_URL', httpUrl),
      autodiscoverDomain: r.optional('EWS_AUTODISCOVER_DOMAIN', nonEmpty),
      auth: r.withDefault(
        'EWS_AUTH',
        z.enum(['ntlm', 'basic', 'oauth'], { error: 'must be ntlm, basic or oauth' }),
        'ntlm',
      ),
      username: r.optional('EWS_USERNAME', nonEmpty),
      password: r.secret('EWS_PASSWORD'),
      mode: r.withDefault(
        'EWS_MODE',
        z.enum(['streaming', 'push'], { error: 'must be streaming or push' }),
        'streaming',
      ),
      pushCallbackUrl: r.optional('EWS_PUSH_CALLBACK_URL', httpUrl),
      tenantId: r.optional('EWS_TENANT_ID', nonEmpty),
      authorityHost: r.withDefault('EWS_AUTHORITY_HOST', httpUrl, 'https://login.microsoftonline.com'),
      caPath: r.optional('EWS_CA_PATH', nonEmpty),
      mailDomains: r.withDefault('EWS_MAIL_DOMAINS', domainList, ['*']),
      connectionTimeoutMinutes: r.withDefault(
        'EWS_CONNECTION_TIMEOUT_MINUTES',
        positiveInt.max(30, 'must be 1-30 (EWS ConnectionTimeout)'),
        30,
      ),
      streamSilenceSeconds: r.withDefault('EWS_STREAM_SILENCE_SECONDS', positiveInt, 90),
      statusFrequencyMinutes: r.withDefault(
        'EWS_STATUS_FREQUENCY_MINUTES',
        positiveInt.max(1440, 'must be 1-1440 (EWS StatusFrequency)'),
        30,
      ),
    },
    apns: {
      keyPath: r.optional('APNS_KEY_PATH', nonEmpty),
      keyId: r.optional('APNS_KEY_ID', nonEmpty),
      teamId: r.optional('APNS_TEAM_ID', nonEmpty),
      topic: r.optional('APNS_TOPIC', nonEmpty),
      environment: r.withDefault(
        'APNS_ENVIRONMENT',
        z.enum(['production', 'sandbox'], { error: 'must be production or sandbox' }),
        'production',
      ),
      host: r.optional('APNS_HOST', nonEmpty),
      port: r.optional('APNS_PORT', port),
      caPath: r.optional('APNS_CA_PATH', nonEmpty),
    },
    fcm: {
      serviceAccountPath: r.optional('FCM_SERVICE_ACCOUNT_PATH', nonEmpty),
      projectId: r.optional('FCM_PROJECT_ID', nonEmpty),
      endpoint: r.optional('FCM_ENDPOINT', httpUrl),
      tokenUrl: r.optional('FCM_TOKEN_URL', httpUrl),
      caPath: r.optional('FCM_CA_PATH', nonEmpty),
    },
    sandbox: {
      enabled: r.withDefault('SANDBOX', bool, false),
      dir: r.withDefault('SANDBOX_DIR', nonEmpty, './data/sandbox'),
      apnsPort: r.withDefault('SANDBOX_APNS_PORT', port, 0),
      fcmPort: r.withDefault('SANDBOX_FCM_PORT', port, 0),
      oidcPort: r.withDefault('SANDBOX_OIDC_PORT', port, 0),
      graphPort: r.withDefault('SANDBOX_GRAPH_PORT', port, 0),
      exchangePort: r.withDefault('SANDBOX_EXCHANGE_PORT', port, 0),
    },
    telemetry: { otlpEndpoint: r.optional('OTEL_EXPORTER_OTLP_ENDPOINT', httpUrl) },
  };

  checkCombinations(config, r);
  if (r.problems.length > 0) throw new ConfigError(spec.app, r.problems);
  return config;
}

function checkCombinations(c: MailpushConfig, r: EnvironmentReader): void {
  const together = (names: readonly string[]): void => {
    const set = names.filter((n) => r.raw(n) !== undefined);
    if (set.length > 0 && set.length < names.length) {
      const missing = names.filter((n) => !set.includes(n));
      r.problem(`${missing.join(', ')}: required together with ${set.join(', ')}`);
    }
  };
  together(['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']);
  together(['APNS_KEY_PATH', 'APNS_KEY_ID', 'APNS_TEAM_ID', 'APNS_TOPIC']);
  together(['FCM_SERVICE_ACCOUNT_PATH', 'FCM_PROJECT_ID']);
  together(['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID']);
  if (c.graph.clientId !== undefined && c.graph.clientSecret === undefined && c.graph.clientCertPath === undefined) {
    r.problem('GRAPH_CLIENT_SECRET: or GRAPH_CLIENT_CERT_PATH is required with GRAPH_CLIENT_ID');
  }
  together(['GRAPH_ENCRYPTION_CERT_PATH', 'GRAPH_ENCRYPTION_KEY_PATH']);
  if (c.graph.richNotifications && c.graph.encryptionCertPath === undefined) {
    r.problem(
      'GRAPH_ENCRYPTION_CERT_PATH: is required (with GRAPH_ENCRYPTION_KEY_PATH) when GRAPH_RICH_NOTIFICATIONS=true',
    );
  }
  if (c.graph.richNotifications && c.graph.subscriptionLifetimeMinutes > 1440) {
    r.problem(
      'GRAPH_SUBSCRIPTION_LIFETIME_MINUTES: must be at most 1440 with GRAPH_RICH_NOTIFICATIONS=true (Graph refuses longer subscriptions with resource data)',
    );
  }
  if (c.ews.username !== undefined && c.ews.password === undefined) {
    r.problem(
      `EWS_PASSWORD: is required with EWS_USERNAME for EWS_AUTH=${c.ews.auth}${c.ews.auth === 'oauth' ? ' (the client secret)' : ''}`,
    );
  }
  if (
    c.ews.mode === 'push' &&
    c.ews.pushCallbackUrl === undefined &&
    (c.ews.url ?? c.ews.autodiscoverUrl ?? c.ews.autodiscoverDomain) !== undefined
  ) {
    r.problem('EWS_PUSH_CALLBACK_URL: is required when EWS_MODE=push');
  }
  if (c.ews.auth === 'oauth' && c.ews.username !== undefined && c.ews.tenantId === undefined) {
    r.problem('EWS_TENANT_ID: is required with EWS_USERNAME for EWS_AUTH=oauth');
  }
  if (c.shards.renewIntervalMs * 2 > c.shards.leaseTtlMs) {
    r.problem(
      'LEASE_RENEW_INTERVAL_MS: must be at most half of LEASE_TTL_MS, so one missed renewal does not lose the lease',
    );
  }
  if (c.secrets.previousKeys.length > 0 && c.secrets.key === undefined && c.secrets.keyFile === undefined) {
    r.problem('SECRETS_KEY: is required when SECRETS_PREVIOUS_KEYS is set');
  }
}
