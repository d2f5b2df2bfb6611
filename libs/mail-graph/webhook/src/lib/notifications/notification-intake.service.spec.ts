import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { GraphChangeNotified, GraphLifecycleNotified } from '@mailpush/contracts';
import {
  EventBus,
  PublishFailedError,
  type DeadLetter,
  type MessageContract,
  type PublishOptions,
  type PublishReceipt,
} from '@mailpush/messaging';
import { GraphWebhookMetrics } from '../metrics/graph-webhook.metrics';
import { GraphSubscriptionDirectory, type KnownSubscription } from '../subscriptions/graph-subscription-directory.port';
import { NotificationIntake, type IntakeContext } from './notification-intake.service';
import { NotificationsNotPersistedError } from './notifications-not-persisted.error';
import type { ParsedChangeNotification, ParsedLifecycleNotification, ParsedNotification } from './parsed-notification';

interface Published {
  readonly type: string;
  readonly payload: unknown;
  readonly options: PublishOptions | undefined;
}

/** The bus as the intake uses it: records publishes, or refuses those `refuse` picks. */
class RecordingBus extends EventBus {
  readonly published: Published[] = [];
  refuse: (payload: unknown) => boolean = () => false;

  publish<T>(contract: MessageContract<T>, payload: T, options?: PublishOptions): Promise<PublishReceipt> {
    if (this.refuse(payload)) {
      return Promise.reject(new PublishFailedError('timeout', contract.type, 'id', 'no confirm in time'));
    }
    this.published.push({ type: contract.type, payload, options });
    return Promise.resolve({ id: String(this.published.length), occurredAt: new Date().toISOString() });
  }

  subscribe(): Promise<void> {
    return Promise.reject(new Error('not used'));
  }
  start(): Promise<void> {
    return Promise.resolve();
  }
  stopConsuming(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  get connected(): boolean {
    return true;
  }
  listDeadLetters(): Promise<readonly DeadLetter[]> {
    return Promise.resolve([]);
  }
  replayDeadLetter(): Promise<boolean> {
    return Promise.resolve(false);
  }
}

/** Subscriptions in a map; counts lookups; can fail or stall. */
class MapDirectory extends GraphSubscriptionDirectory {
  readonly lookups: string[] = [];
  failure: Error | undefined;
  stall = false;

  constructor(private readonly subscriptions: Readonly<Record<string, KnownSubscription>>) {
    super();
  }

  find(subscriptionId: string): Promise<KnownSubscription | undefined> {
    this.lookups.push(subscriptionId);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.stall) return new Promise(() => undefined);
    return Promise.resolve(this.subscriptions[subscriptionId]);
  }
}

const RECEIVED_AT = new Date('2026-03-01T10:00:00.000Z');

function change(overrides: Partial<ParsedChangeNotification> = {}): ParsedChangeNotification {
  return {
    kind: 'change',
    index: 0,
    subscriptionId: 'sub-a',
    clientState: 'secret-a',
    changeType: 'created',
    messageId: 'm1',
    tenantId: 'tenant-1',
    encryptedContent: undefined,
    ...overrides,
  };
}

function lifecycle(overrides: Partial<ParsedLifecycleNotification> = {}): ParsedLifecycleNotification {
  return {
    kind: 'lifecycle',
    index: 0,
    subscriptionId: 'sub-a',
    clientState: 'secret-a',
    lifecycleEvent: 'missed',
    tenantId: 'tenant-1',
    ...overrides,
  };
}

describe(NotificationIntake.name, () => {
  let bus: RecordingBus;
  let directory: MapDirectory;
  let sut: NotificationIntake;
  let warnings: string[];

  beforeEach(() => {
    bus = new RecordingBus();
    directory = new MapDirectory({
      'sub-a': { mailboxId: 'mailbox-a', clientState: 'secret-a' },
      'sub-b': { mailboxId: 'mailbox-b', clientState: 'secret-b' },
    });
    sut = new NotificationIntake(directory, bus, new GraphWebhookMetrics());
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  function context(budgetMs = 2_500): IntakeContext {
    return { receivedAt: RECEIVED_AT, deadline: performance.now() + budgetMs };
  }

  function accept(notifications: readonly ParsedNotification[], budgetMs?: number) {
    return sut.accept({ notifications, validationTokens: undefined }, context(budgetMs));
  }

  it('publishes one GraphChangeNotified per change, for the mailbox of its subscription', async () => {
    const outcome = await accept([
      change(),
      change({ messageId: 'm2', changeType: 'updated' }),
      change({ subscriptionId: 'sub-b', clientState: 'secret-b', tenantId: undefined }),
    ]);

    expect(outcome).toEqual({ published: 3, rejected: 0 });
    expect(bus.published.map((p) => [p.type, p.payload])).toEqual([
      [
        GraphChangeNotified.type,
        {
          subscriptionId: 'sub-a',
          mailboxId: 'mailbox-a',
          changeType: 'created',
          messageId: 'm1',
          tenantId: 'tenant-1',
          notifiedAt: '2026-03-01T10:00:00.000Z',
          resourceData: undefined,
        },
      ],
      [GraphChangeNotified.type, expect.objectContaining({ messageId: 'm2', changeType: 'updated' })],
      [GraphChangeNotified.type, expect.objectContaining({ mailboxId: 'mailbox-b', tenantId: undefined })],
    ]);
  });

  it('publishes lifecycle notifications as GraphLifecycleNotified', async () => {
    await accept([lifecycle({ lifecycleEvent: 'reauthorizationRequired' }), lifecycle({ lifecycleEvent: 'missed' })]);

    expect(bus.published.map((p) => [p.type, p.payload])).toEqual([
      [
        GraphLifecycleNotified.type,
        {
          subscriptionId: 'sub-a',
          mailboxId: 'mailbox-a',
          lifecycleEvent: 'reauthorizationRequired',
          tenantId: 'tenant-1',
          notifiedAt: '2026-03-01T10:00:00.000Z',
        },
      ],
      [GraphLifecycleNotified.type, expect.objectContaining({ lifecycleEvent: 'missed' })],
    ]);
  });

  it('looks up each subscription of a POST once', async () => {
    await accept([change(), change({ messageId: 'm2' }), lifecycle(), change({ subscriptionId: 'sub-b' })]);

    expect(directory.lookups.sort()).toEqual(['sub-a', 'sub-b']);
  });

  it('acknowledges but does not publish a notification of an unknown subscription', async () => {
    const outcome = await accept([change({ subscriptionId: 'sub-x' }), change()]);

    expect(outcome).toEqual({ published: 1, rejected: 1 });
    expect(bus.published.map((p) => (p.payload as { subscriptionId: string }).subscriptionId)).toEqual(['sub-a']);
    expect(warnings).toEqual([expect.stringContaining('unknown subscription; subscription(s) sub-x')]);
  });

  it.each([
    ['another secret', 'secret-b'],
    ['a prefix of the secret', 'secret'],
    ['no clientState', undefined],
  ])('does not publish a notification with %s, and never logs the value', async (_name, clientState) => {
    const outcome = await accept([change({ clientState }), lifecycle({ clientState })]);

    expect(outcome).toEqual({ published: 0, rejected: 2 });
    expect(bus.published).toEqual([]);
    expect(warnings).toEqual([
      expect.stringContaining('2 notification(s), client state mismatch; subscription(s) sub-a'),
    ]);
    expect(warnings.join('\n')).not.toContain('secret');
  });

  it('publishes a notification repeated within a POST once', async () => {
    const outcome = await accept([change(), change(), change({ changeType: 'updated' }), lifecycle(), lifecycle()]);

    expect(outcome).toEqual({ published: 3, rejected: 2 });
    expect(bus.published).toHaveLength(3);
  });

  it('does not let a forged copy hide the real notification', async () => {
    await accept([change({ clientState: 'forged' }), change()]);

    expect(bus.published).toHaveLength(1);
  });

  it('acknowledges but ignores a changeType or lifecycleEvent it does not know', async () => {
    const outcome = await accept([change({ changeType: 'archived' }), lifecycle({ lifecycleEvent: 'somethingNew' })]);

    expect(outcome).toEqual({ published: 0, rejected: 2 });
    expect(warnings).toEqual([expect.stringContaining('unsupported event')]);
  });

  it('publishes within the answer budget', async () => {
    await accept([change(), lifecycle()], 2_500);

    for (const { options } of bus.published) {
      expect(options?.timeoutMs).toBeGreaterThan(0);
      expect(options?.timeoutMs).toBeLessThanOrEqual(2_500);
      expect(options?.occurredAt).toEqual(RECEIVED_AT);
    }
  });

  it('fails as not persisted when any publish is not confirmed, after trying every one', async () => {
    bus.refuse = (payload) => (payload as { messageId?: string }).messageId === 'm2';

    const accepting = accept([change(), change({ messageId: 'm2' }), change({ messageId: 'm3' })]);

    await expect(accepting).rejects.toThrow(NotificationsNotPersistedError);
    await expect(accepting).rejects.toThrow('1 of 3 notification(s) were not confirmed by the bus (timeout)');
    expect(bus.published).toHaveLength(2);
  });

  it('fails as not persisted when the subscriptions cannot be looked up', async () => {
    directory.failure = new Error('connection refused');

    const accepting = accept([change()]);

    await expect(accepting).rejects.toThrow(NotificationsNotPersistedError);
    await expect(accepting).rejects.toThrow('the subscriptions could not be looked up: connection refused');
  });

  it('fails as not persisted when the lookup outlasts the answer budget', async () => {
    directory.stall = true;

    await expect(accept([change()], 20)).rejects.toThrow(
      'looking up the subscriptions took longer than the answer budget',
    );
    expect(bus.published).toEqual([]);
  });

  it('publishes nothing for an empty POST', async () => {
    await expect(accept([])).resolves.toEqual({ published: 0, rejected: 0 });
  });
});
