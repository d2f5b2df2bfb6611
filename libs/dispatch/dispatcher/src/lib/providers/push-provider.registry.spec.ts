import { ManualClock } from '@mailpush/leases';
import type { Credentials, PushCredentialEntity } from '@mailpush/persistence';
import type { PushTarget } from '@mailpush/push';
import { FakePushProviderFactory } from '../../testing/fake-push-provider.factory';
import { DispatchMetrics } from '../telemetry/dispatch.metrics';
import { PushDefaults } from './push-defaults';
import {
  CredentialUnavailableError,
  NoPushCredentialError,
  PushProviderRegistry,
  type PushCredentialRows,
} from './push-provider.registry';

const CIRCUIT_OPEN_MS = 60_000;
const CACHE_TTL_MS = 1_000;

/** `push_credential` rows in memory: what the registry reads of the table. */
class FakeCredentialRows implements PushCredentialRows {
  readonly rows: PushCredentialEntity[] = [];
  readonly stored = new Map<string, Credentials>();

  add(id: string, appId: string, credentials: Credentials, enabled = true): PushCredentialEntity {
    const row = {
      id,
      platform: 'ios',
      appId,
      environment: 'production',
      sealedCredentials: 'sealed',
      enabled,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    } satisfies PushCredentialEntity;
    this.rows.push(row);
    this.stored.set(id, credentials);
    return row;
  }

  findFor(platform: string, appId: string, environment: string): Promise<PushCredentialEntity | null> {
    const row = this.rows.find((r) => r.platform === platform && r.appId === appId && r.environment === environment);
    return Promise.resolve(row ?? null);
  }

  readCredentials(id: string): Promise<Credentials | undefined> {
    return Promise.resolve(this.stored.get(id));
  }
}

function ios(appId: string, environment: PushTarget['environment'] = 'production'): PushTarget {
  return { registrationId: `reg-${appId}`, platform: 'ios', token: 'ab'.repeat(32), appId, environment };
}

const android: PushTarget = {
  registrationId: 'reg-android',
  platform: 'android',
  token: 'fcm-token',
  appId: 'com.example.mail',
  environment: 'production',
};

describe(PushProviderRegistry.name, () => {
  let clock: ManualClock;
  let factory: FakePushProviderFactory;
  let rows: FakeCredentialRows;
  let sut: PushProviderRegistry;

  beforeEach(() => {
    clock = new ManualClock();
    factory = new FakePushProviderFactory();
    rows = new FakeCredentialRows();
    rows.add('row-a', 'com.example.a', { keyPem: 'pem-a', keyId: 'KEYAAAAAAA', teamId: 'TEAMAAAAAA' });
    rows.add('row-b', 'com.example.b', { keyPem: 'pem-b', keyId: 'KEYBBBBBBB', teamId: 'TEAMBBBBBB' });
    const defaults = new PushDefaults(
      { kind: 'apns', keyPem: 'pem-default', keyId: 'KEYDEFAULT', teamId: 'TEAMDEFAUL' },
      undefined,
      {
        apns: { host: undefined, port: undefined, caPem: undefined },
        fcm: { endpoint: undefined, tokenUrl: undefined, caPem: undefined },
      },
    );
    sut = new PushProviderRegistry(factory, rows, defaults, new DispatchMetrics(), clock, {
      circuitOpenMs: CIRCUIT_OPEN_MS,
      credentialCacheTtlMs: CACHE_TTL_MS,
    });
  });

  afterEach(async () => {
    await sut.close();
  });

  it("uses the app's own credential row, else the environment's default for the platform", async () => {
    const own = await sut.providerFor(ios('com.example.a'));
    const fallback = await sut.providerFor(ios('com.example.unknown'));

    expect(own.credentialKey).toMatch(/^push_credential:row-a:\d+$/);
    expect(fallback.credentialKey).toBe('default:apns');
    expect(factory.providers).toHaveLength(2);
  });

  it('falls back to the default when the row is disabled', async () => {
    rows.add('row-off', 'com.example.off', { keyPem: 'p', keyId: 'KEYOFFOFF0', teamId: 'TEAMOFFOFF' }, false);

    await expect(sut.providerFor(ios('com.example.off'))).resolves.toMatchObject({ credentialKey: 'default:apns' });
  });

  it('refuses a target that no credential serves, naming what to configure', async () => {
    const choosing = sut.providerFor(android);

    await expect(choosing).rejects.toThrow(NoPushCredentialError);
    await expect(choosing).rejects.toThrow('no push credential for android app com.example.mail (production)');
    await expect(choosing).rejects.toThrow('FCM_SERVICE_ACCOUNT_PATH');
  });

  it('keeps one provider per credential and environment', async () => {
    const first = await sut.providerFor(ios('com.example.x'));
    const second = await sut.providerFor(ios('com.example.y'));
    const sandbox = await sut.providerFor(ios('com.example.x', 'sandbox'));

    expect(second.provider).toBe(first.provider);
    expect(sandbox.provider).not.toBe(first.provider);
    expect(factory.providers).toHaveLength(2);
  });

  it("opens the circuit of a refused credential only: another app's credential keeps sending", async () => {
    const a = await sut.providerFor(ios('com.example.a'));

    sut.credentialRefused(a.credentialKey, '403 InvalidProviderToken');

    const refused = sut.providerFor(ios('com.example.a'));
    await expect(refused).rejects.toThrow(CredentialUnavailableError);
    await expect(refused).rejects.toMatchObject({ retryAfterMs: CIRCUIT_OPEN_MS });
    await expect(sut.providerFor(ios('com.example.b'))).resolves.toMatchObject({
      credentialKey: expect.stringMatching(/^push_credential:row-b:/) as unknown,
    });
    await expect(sut.providerFor(ios('com.example.default-served'))).resolves.toBeDefined();
  });

  it('closes the circuit after its time', async () => {
    const a = await sut.providerFor(ios('com.example.a'));
    sut.credentialRefused(a.credentialKey, '403 ExpiredProviderToken');

    await clock.advance(CIRCUIT_OPEN_MS - 1);
    await expect(sut.providerFor(ios('com.example.a'))).rejects.toMatchObject({ retryAfterMs: 1 });
    await clock.advance(1);

    await expect(sut.providerFor(ios('com.example.a'))).resolves.toMatchObject({ provider: a.provider });
  });

  it('opens the circuit of a stored credential that cannot be used, naming what is missing', async () => {
    rows.add('row-bad', 'com.example.bad', { keyPem: 'pem' });

    await expect(sut.providerFor(ios('com.example.bad'))).rejects.toThrow('the APNs credential has no keyId, teamId');
    await expect(sut.providerFor(ios('com.example.bad'))).rejects.toThrow('is not used for now');
    expect(factory.providers).toHaveLength(0);
  });

  it('picks up an updated row after the cache time and closes the provider of its former version', async () => {
    const before = await sut.providerFor(ios('com.example.a'));
    const row = rows.rows.find((r) => r.id === 'row-a');
    if (row !== undefined) row.updatedAt = new Date('2026-02-01T00:00:00Z');

    await clock.advance(CACHE_TTL_MS);
    const after = await sut.providerFor(ios('com.example.a'));
    await clock.advance(0);

    expect(after.credentialKey).not.toBe(before.credentialKey);
    expect(factory.providers.map((p) => p.closed)).toEqual([true, false]);
  });

  it('closes every provider on close, and hands out none afterwards', async () => {
    await sut.providerFor(ios('com.example.a'));
    await sut.providerFor(ios('com.example.b'));

    await sut.close();

    expect(factory.providers.every((p) => p.closed)).toBe(true);
    await expect(sut.providerFor(ios('com.example.a'))).rejects.toThrow('closed');
  });
});
