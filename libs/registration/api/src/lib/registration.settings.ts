import { ConfigError, type MailpushConfig } from '@mailpush/config';

/** Tuning that does not come from the environment (tests, and the standalone server's sandbox). */
export interface RegistrationModuleOptions {
  /** How long after a key-set fetch a token with an unknown `kid` may trigger another one. Default 30 s. */
  readonly jwksCooldownMs?: number;
  /** How long a fetched key set is used before it is fetched again. Default 10 min. */
  readonly jwksCacheMaxAgeMs?: number;
  /** How often expired registrations are purged (also once at start). Default 10 min. */
  readonly purgeIntervalMs?: number;
  /** Bound on publishing one event; the request answers 503 after it. Default 5 s. */
  readonly publishTimeoutMs?: number;
}

export interface AuthSettings {
  readonly jwksUrl: URL;
  readonly issuer: string;
  readonly audience: string;
  readonly mailboxClaims: readonly string[];
  readonly jwksCooldownMs: number;
  readonly jwksCacheMaxAgeMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the registration API needs from the configuration, checked once when the module is created. */
export class RegistrationSettings {
  private constructor(
    readonly auth: AuthSettings,
    readonly ttlMs: number,
    readonly bodyLimitBytes: number,
    readonly rateLimitPerMinute: number,
    readonly shardCount: number,
    readonly purgeIntervalMs: number,
    readonly publishTimeoutMs: number,
  ) {}

  /**
   * Throws a `ConfigError` naming the missing variables when device tokens cannot be verified: the API
   * never starts without authentication. The standalone server passes its sandbox issuer in `config.auth`.
   */
  static fromConfig(config: MailpushConfig, options: RegistrationModuleOptions = {}): RegistrationSettings {
    const { jwksUrl, issuer, audience, mailboxClaims } = config.auth;
    const missing = [
      jwksUrl === undefined ? 'AUTH_JWKS_URL' : undefined,
      issuer === undefined ? 'AUTH_ISSUER' : undefined,
      audience === undefined ? 'AUTH_AUDIENCE' : undefined,
    ].filter((name) => name !== undefined);
    if (jwksUrl === undefined || issuer === undefined || audience === undefined) {
      throw new ConfigError(
        config.app.name,
        missing.map((name) => `${name}: is required by the device registration API, which verifies device tokens`),
      );
    }
    if (mailboxClaims.length === 0) {
      throw new ConfigError(config.app.name, ['AUTH_MAILBOX_CLAIMS: must name at least one claim']);
    }
    return new RegistrationSettings(
      {
        jwksUrl: new URL(jwksUrl),
        issuer,
        audience,
        mailboxClaims,
        jwksCooldownMs: options.jwksCooldownMs ?? 30_000,
        jwksCacheMaxAgeMs: options.jwksCacheMaxAgeMs ?? 10 * 60_000,
      },
      config.registration.ttlDays * DAY_MS,
      config.registration.bodyLimitBytes,
      config.registration.rateLimitPerMinute,
      config.shards.count,
      options.purgeIntervalMs ?? 10 * 60_000,
      options.publishTimeoutMs ?? 5_000,
    );
  }
}
