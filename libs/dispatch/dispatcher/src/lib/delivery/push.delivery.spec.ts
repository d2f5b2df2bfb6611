import { loadConfig } from '@mailpush/config';
import type { MailChange } from '@mailpush/contracts';
import { ManualClock } from '@mailpush/leases';
import { InProcessEventBus, NonRetryableError } from '@mailpush/messaging';
import type { NewDeliveryLog } from '@mailpush/persistence';
import { failed, FakePushProviderFactory } from '../../testing/fake-push-provider.factory';
import { NotificationComposer } from '../compose/notification.composer';
import { dedupeKey } from '../dedupe/delivery-dedupe.port';
import { InProcessDeliveryDedupe } from '../dedupe/in-process-delivery-dedupe.adapter';
import { DeliveryLogWriter } from '../delivery-log/delivery-log.writer';
import type { Device } from '../devices/device';
import { DeviceDirectory } from '../devices/device-directory.port';
import { DispatchSettings } from '../dispatch.settings';
import { PushDefaults } from '../providers/push-defaults';
import { PushProviderRegistry } from '../providers/push-provider.registry';
import { DispatchMetrics } from '../telemetry/dispatch.metrics';
import { PushDelivery } from './push.delivery';
import { PushedMarks } from './pushed-marks.writer';
import { PushesIncompleteError } from './pushes-incomplete.error';
import { RegistrationPruner } from './registration.pruner';
import { RegistrationUpkeep } from './registration-upkeep.port';

const MAILBOX = 'mbx-1';
const CIRCUIT_OPEN_MS = 60_000;

class FakeDevices extends DeviceDirectory {
  readonly devices: Device[] = [];

  activeDevices(): Promise<readonly Device[]> {
    return Promise.resolve(this.devices);
  }

  forget(): void {
    // nothing cached
  }
}

class FakeUpkeep extends RegistrationUpkeep {
  readonly pushed: string[] = [];

  recordPushed(ids: readonly string[]): Promise<void> {
    this.pushed.push(...ids);
    return Promise.resolve();
  }

  markInvalid(): Promise<boolean> {
    return Promise.resolve(true);
  }

  hasActiveRegistrations(): Promise<boolean> {
    return Promise.resolve(true);
  }
}

function device(id: string, platform: 'ios' | 'android' = 'ios'): Device {
  return {
    mailboxId: MAILBOX,
    target: {
      registrationId: id,
      platform,
      token: `token-${id}`,
      appId: 'com.example.mail',
      environment: 'production',
    },
    locale: undefined,
    settings: { preview: 'full' },
    refreshedAt: new Date('2026-01-01T00:00:00Z'),
  };
}

let sequence = 0;
function newMail(): MailChange {
  sequence += 1;
  return {
    changeId: `${MAILBOX}:item-${sequence}:new`,
    mailboxId: MAILBOX,
    smtpAddress: 'ada@example.com',
    kind: 'new',
    folder: 'inbox',
    subject: `Message ${sequence}`,
    from: { address: 'grace@example.com' },
    unreadCount: sequence,
    source: 'test',
  };
}

function track(promise: Promise<void>): { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } {
  const tracked: { state: 'pending' | 'resolved' | 'rejected'; error?: unknown } = { state: 'pending' };
  promise.then(
    () => (tracked.state = 'resolved'),
    (error: unknown) => Object.assign(tracked, { state: 'rejected', error }),
  );
  return tracked;
}

describe(PushDelivery.name, () => {
  let clock: ManualClock;
  let factory: FakePushProviderFactory;
  let devices: FakeDevices;
  let dedupe: InProcessDeliveryDedupe;
  let logged: NewDeliveryLog[];
  let settings: DispatchSettings;
  let sut: PushDelivery;

  beforeEach(() => {
    clock = new ManualClock(new Date('2026-01-15T11:00:00Z'));
    factory = new FakePushProviderFactory();
    devices = new FakeDevices();
    dedupe = new InProcessDeliveryDedupe(clock);
    logged = [];
    settings = new DispatchSettings(
      loadConfig(
        { app: 'dispatcher' },
        {
          DISPATCH_PUSH_ATTEMPTS: '3',
          DISPATCH_MAX_INLINE_RETRY_MS: '1000',
          DISPATCH_CIRCUIT_OPEN_MS: String(CIRCUIT_OPEN_MS),
        },
      ),
      { keyPrefix: 'test', retryInitialDelayMs: 100, retryMaxDelayMs: 400 },
    );
    const metrics = new DispatchMetrics();
    const defaults = new PushDefaults(
      { kind: 'apns', keyPem: 'pem', keyId: 'KEYDEFAULT', teamId: 'TEAMDEFAUL' },
      undefined,
      {
        apns: { host: undefined, port: undefined, caPem: undefined },
        fcm: { endpoint: undefined, tokenUrl: undefined, caPem: undefined },
      },
    );
    const rows = { findFor: () => Promise.resolve(null), readCredentials: () => Promise.resolve(undefined) };
    const registry = new PushProviderRegistry(factory, rows, defaults, metrics, clock, {
      circuitOpenMs: CIRCUIT_OPEN_MS,
      credentialCacheTtlMs: 60_000,
    });
    const upkeep = new FakeUpkeep();
    const recordMany = (entries: readonly (NewDeliveryLog & { mailboxId: string })[]): Promise<void> => {
      for (const { mailboxId: _mailboxId, ...entry } of entries) logged.push(entry);
      return Promise.resolve();
    };
    sut = new PushDelivery({
      devices,
      composer: new NotificationComposer(),
      dedupe,
      registry,
      pruner: new RegistrationPruner(
        upkeep,
        { findOne: () => Promise.resolve(null) },
        devices,
        new InProcessEventBus({ prefetch: 1, retryDelaysMs: [] }),
        clock,
      ),
      log: new DeliveryLogWriter({ recordMany }, clock),
      marks: new PushedMarks(upkeep, clock),
      metrics,
      clock,
      settings,
      random: () => 1,
    });
  });

  it("waits the provider's Retry-After before trying again, when it is longer than the backoff", async () => {
    devices.devices.push(device('a'));
    factory.answerNext('token-a', failed('retry', '429 TooManyRequests', { httpStatus: 429, retryAfterMs: 800 }));

    const delivering = track(sut.deliver(MAILBOX, [newMail()]));
    await clock.advance(799);
    const triesBefore = factory.requests.length;
    await clock.advance(1);

    expect(triesBefore).toBe(1);
    expect(factory.requests).toHaveLength(2);
    expect(delivering.state).toBe('resolved');
  });

  it('tries a transient failure pushAttempts times with growing waits, then gives the change back to the bus', async () => {
    devices.devices.push(device('a'));
    factory.answerAlways('token-a', failed('retry', '503 ServiceUnavailable', { httpStatus: 503 }));

    const delivering = track(sut.deliver(MAILBOX, [newMail()]));
    const tries: number[] = [];
    for (const wait of [0, 100, 200]) {
      await clock.advance(wait);
      tries.push(factory.requests.length);
    }

    expect(tries).toEqual([1, 2, 3]);
    expect(delivering.state).toBe('rejected');
    expect(delivering.error).toBeInstanceOf(PushesIncompleteError);
  });

  it('hands a Retry-After longer than it waits in-process straight to the bus, releasing the claim', async () => {
    devices.devices.push(device('a'));
    factory.answerNext('token-a', failed('retry', '429 QUOTA_EXCEEDED', { httpStatus: 429, retryAfterMs: 60_000 }));
    const change = newMail();

    await expect(sut.deliver(MAILBOX, [change])).rejects.toThrow(PushesIncompleteError);
    expect(factory.requests).toHaveLength(1);

    await expect(sut.deliver(MAILBOX, [change])).resolves.toBeUndefined();
    expect(factory.requests).toHaveLength(2);
  });

  it('sends a change at most once per device, also when delivered again', async () => {
    devices.devices.push(device('a'), device('b'));
    const change = newMail();

    await sut.deliver(MAILBOX, [change, change]);
    await sut.deliver(MAILBOX, [change]);

    expect(factory.requests.map((r) => r.target.registrationId)).toEqual(['a', 'b']);
  });

  it('counts the earlier changes of the burst in the push, but claims and logs only its own', async () => {
    devices.devices.push(device('a'));
    const [first, second, third] = [newMail(), newMail(), newMail()];
    await sut.deliver(MAILBOX, [first]);

    await sut.deliver(MAILBOX, [second, third], [first]);
    await clock.advance(1_000);

    expect(factory.requests.map((r) => r.notification.title)).toEqual(['grace@example.com', '3 new messages']);
    expect(factory.requests[1]?.notification.data['changeIds']).toBe(`${second.changeId},${third.changeId}`);
    expect(logged.map((entry) => entry.changeId)).toEqual([first.changeId, second.changeId, third.changeId]);
  });

  it('leaves a change another delivery is sending to it, and asks for a later try', async () => {
    devices.devices.push(device('a'), device('b'));
    const change = newMail();
    await dedupe.claim(dedupeKey('test', change.changeId, 'a'), 60_000);

    await expect(sut.deliver(MAILBOX, [change])).rejects.toThrow('1 device(s) being pushed elsewhere');

    expect(factory.requests.map((r) => r.target.registrationId)).toEqual(['b']);
  });

  it('dead-letters a change whose push was rejected as malformed, after pushing to the other devices', async () => {
    devices.devices.push(device('a'), device('b'));
    factory.answerAlways('token-a', failed('reject', '400 BadTopic', { httpStatus: 400 }));

    await expect(sut.deliver(MAILBOX, [newMail()])).rejects.toThrow(NonRetryableError);

    expect(factory.requests.map((r) => r.target.registrationId)).toEqual(['a', 'b']);
  });

  it('rejects a push for a platform no credential serves', async () => {
    devices.devices.push(device('a'), device('droid', 'android'));

    const delivering = sut.deliver(MAILBOX, [newMail()]);

    await expect(delivering).rejects.toThrow(NonRetryableError);
    await expect(delivering).rejects.toThrow('rejected as invalid');
    expect(factory.requests.map((r) => r.target.registrationId)).toEqual(['a']);
  });

  it('stops sending with a refused credential until its circuit closes', async () => {
    devices.devices.push(device('a'));
    factory.answerNext('token-a', failed('credential', '403 ExpiredProviderToken', { httpStatus: 403 }));
    const change = newMail();

    await expect(sut.deliver(MAILBOX, [change])).rejects.toThrow(PushesIncompleteError);
    await expect(sut.deliver(MAILBOX, [change])).rejects.toThrow(PushesIncompleteError);
    const whileOpen = factory.requests.length;
    await clock.advance(CIRCUIT_OPEN_MS);
    await sut.deliver(MAILBOX, [change]);

    expect(whileOpen).toBe(1);
    expect(factory.requests).toHaveLength(2);
  });

  it('logs every try of a push, per change it covers', async () => {
    devices.devices.push(device('a'));
    factory.answerNext('token-a', failed('retry', '500 InternalServerError', { httpStatus: 500 }));
    const first = newMail();
    const second = newMail();

    const delivering = sut.deliver(MAILBOX, [first, second]);
    await clock.advance(100);
    await delivering;
    await clock.advance(100);

    expect(logged.map((row) => [row.changeId, row.status])).toEqual([
      [first.changeId, 'failed'],
      [second.changeId, 'failed'],
      [first.changeId, 'sent'],
      [second.changeId, 'sent'],
    ]);
  });
});
