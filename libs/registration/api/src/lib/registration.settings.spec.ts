import { ConfigError, loadConfig } from '@mailpush/config';
import { RegistrationSettings } from './registration.settings';

const AUTH = {
  AUTH_JWKS_URL: 'https://login.contoso.com/keys',
  AUTH_ISSUER: 'https://login.contoso.com/',
  AUTH_AUDIENCE: 'mailpush',
};

describe(RegistrationSettings.name, () => {
  it('refuses to start without the identity provider, naming the variables', () => {
    const config = loadConfig({ app: 'registration-api' }, {});

    expect(() => RegistrationSettings.fromConfig(config)).toThrow(ConfigError);
    expect(() => RegistrationSettings.fromConfig(config)).toThrow(
      /AUTH_JWKS_URL: is required by the device registration API[\s\S]*AUTH_ISSUER[\s\S]*AUTH_AUDIENCE/,
    );
  });

  it('takes the auth settings, TTL, body limit and rate limit from the configuration', () => {
    const config = loadConfig(
      { app: 'registration-api' },
      {
        ...AUTH,
        AUTH_MAILBOX_CLAIMS: 'email,upn',
        REGISTRATION_TTL_DAYS: '2',
        REGISTRATION_BODY_LIMIT_BYTES: '1000',
        REGISTRATION_RATE_LIMIT_PER_MINUTE: '7',
        SHARD_COUNT: '16',
      },
    );

    const sut = RegistrationSettings.fromConfig(config, { jwksCooldownMs: 0, purgeIntervalMs: 1000 });

    expect(sut.auth).toEqual({
      jwksUrl: new URL(AUTH.AUTH_JWKS_URL),
      issuer: AUTH.AUTH_ISSUER,
      audience: AUTH.AUTH_AUDIENCE,
      mailboxClaims: ['email', 'upn'],
      jwksCooldownMs: 0,
      jwksCacheMaxAgeMs: 600_000,
    });
    expect(sut).toMatchObject({
      ttlMs: 2 * 24 * 3600 * 1000,
      bodyLimitBytes: 1000,
      rateLimitPerMinute: 7,
      shardCount: 16,
      purgeIntervalMs: 1000,
      publishTimeoutMs: 5000,
    });
  });
});
