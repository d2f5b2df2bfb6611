import { ManualClock } from '@mailpush/leases';
import { DeviceRegistrationEntity } from '@mailpush/persistence';
import { CachedDeviceDirectory } from './cached-device-directory.adapter';

const MAILBOX = 'mbx-1';

function registration(id: string, overrides: Partial<DeviceRegistrationEntity> = {}): DeviceRegistrationEntity {
  return Object.assign(new DeviceRegistrationEntity(), {
    id,
    mailboxId: MAILBOX,
    deviceId: `device-${id}`,
    platform: 'ios',
    pushToken: `token-${id}`,
    appId: 'com.example.mail',
    environment: 'production',
    locale: 'de-CH',
    settings: { preview: 'sender', badge: false },
    status: 'active',
    expiresAt: new Date('2026-02-01T00:00:00Z'),
    failureCount: 0,
    lastPushAt: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-02T00:00:00Z'),
    ...overrides,
  });
}

describe(CachedDeviceDirectory.name, () => {
  let clock: ManualClock;
  let rows: DeviceRegistrationEntity[];
  let queries: number;
  let failNext: boolean;
  let sut: CachedDeviceDirectory;

  beforeEach(() => {
    clock = new ManualClock(new Date('2026-01-15T00:00:00Z'));
    rows = [];
    queries = 0;
    failNext = false;
    const repository = {
      findForMailboxes: (ids: readonly string[]): Promise<DeviceRegistrationEntity[]> => {
        queries += 1;
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('database down'));
        }
        return Promise.resolve(rows.filter((row) => ids.includes(row.mailboxId)));
      },
    };
    sut = new CachedDeviceDirectory(repository, clock, { maxEntries: 2, ttlMs: 30_000 });
  });

  it('lists the active, unexpired registrations as devices with their settings', async () => {
    rows.push(
      registration('active'),
      registration('invalid', { status: 'invalid' }),
      registration('expired', { expiresAt: new Date('2026-01-14T00:00:00Z') }),
    );

    const devices = await sut.activeDevices(MAILBOX);

    expect(devices).toEqual([
      {
        mailboxId: MAILBOX,
        target: {
          registrationId: 'active',
          platform: 'ios',
          token: 'token-active',
          appId: 'com.example.mail',
          environment: 'production',
        },
        locale: 'de-CH',
        settings: { preview: 'sender', badge: false },
        refreshedAt: new Date('2026-01-02T00:00:00Z'),
      },
    ]);
  });

  it('reads a mailbox once while cached, once for overlapping lookups, and again after its ttl', async () => {
    rows.push(registration('a'));

    await Promise.all([sut.activeDevices(MAILBOX), sut.activeDevices(MAILBOX)]);
    await sut.activeDevices(MAILBOX);
    const cachedQueries = queries;
    await clock.advance(30_000);
    await sut.activeDevices(MAILBOX);

    expect(cachedQueries).toBe(1);
    expect(queries).toBe(2);
  });

  it('reads again after forget', async () => {
    rows.push(registration('a'));
    await sut.activeDevices(MAILBOX);
    rows.push(registration('b'));

    sut.forget(MAILBOX);

    await expect(sut.activeDevices(MAILBOX)).resolves.toHaveLength(2);
  });

  it('does not cache a failed read', async () => {
    failNext = true;

    await expect(sut.activeDevices(MAILBOX)).rejects.toThrow('database down');
    await expect(sut.activeDevices(MAILBOX)).resolves.toEqual([]);
  });

  it('keeps at most maxEntries mailboxes, forgetting the least recently used', async () => {
    await sut.activeDevices('m1');
    await sut.activeDevices('m2');
    await sut.activeDevices('m1');
    await sut.activeDevices('m3');
    queries = 0;

    await sut.activeDevices('m1');
    await sut.activeDevices('m2');

    expect(queries).toBe(1);
  });

  it('pushes without preview for a registration whose stored settings are broken', async () => {
    rows.push(registration('a', { settings: { preview: 'everything' } }));

    const [device] = await sut.activeDevices(MAILBOX);

    expect(device?.settings).toEqual({ preview: 'none' });
  });

  it('reads the misses of one turn of the event loop in one query', async () => {
    rows.push(registration('a'), registration('b', { mailboxId: 'mbx-2' }));

    const [first, second] = await Promise.all([sut.activeDevices(MAILBOX), sut.activeDevices('mbx-2')]);

    expect(queries).toBe(1);
    expect(first.map((d) => d.target.registrationId)).toEqual(['a']);
    expect(second.map((d) => d.target.registrationId)).toEqual(['b']);
  });
});
