import { performance } from 'node:perf_hooks';
import { SpanKind } from '@opentelemetry/api';
import { defineMessage } from '../lib/contracts/message.contract';
import { MessageValidationError } from '../lib/contracts/message-validation.error';
import type { DeadLetter, EventBus, ReceivedMessage } from '../lib/port/event-bus.port';
import { HandlerRegistrationError } from '../lib/port/handler-registration.error';
import { NonRetryableError } from '../lib/port/non-retryable.error';
import { PublishFailedError } from '../lib/port/publish-failed.error';
import { Deferred } from './deferred';
import { installTestTracing, type TestTracing } from './test-tracing';
import { eventually, sleep } from './wait';

export interface Greeting {
  readonly name: string;
  readonly n: number;
}

function greeting(payload: unknown): Greeting {
  if (typeof payload !== 'object' || payload === null) throw new Error('payload must be an object');
  const { name, n } = payload as Record<string, unknown>;
  if (typeof name !== 'string') throw new Error('name must be a string');
  if (typeof n !== 'number') throw new Error('n must be a number');
  return { name, n };
}

export const Greeted = defineMessage('test.greeted', 1, greeting);
/** The same type as a careless publisher sees it: anything goes. */
export const LooseGreeted = defineMessage('test.greeted', 1, (payload) => payload);
export const GreetedV2 = defineMessage('test.greeted', 2, greeting);
export const Farewell = defineMessage('test.farewell', 1, greeting);

export interface BusFactoryOptions {
  readonly retryDelaysMs: readonly number[];
  readonly prefetch?: number;
}

/** How the suite gets a fresh bus (not started). Buses made in one test share their broker namespace. */
export interface EventBusHarness {
  create(options: BusFactoryOptions): EventBus;
}

/** The group's dead letters once there are `count` of them (fails after 5 s). */
export async function deadLetters(bus: EventBus, group: string, count: number): Promise<readonly DeadLetter[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const letters = await bus.listDeadLetters(group);
    if (letters.length >= count || Date.now() > deadline) return letters;
    await sleep(20);
  }
}

interface Seen {
  readonly payload: Greeting;
  readonly message: ReceivedMessage<Greeting>;
  readonly at: number;
}

/**
 * What every `EventBus` adapter must do, run against each of them: delivery with the envelope, one copy per
 * group, validation on both sides, retry schedule, dead letters with replay, prefetch, graceful close and
 * trace context.
 */
export function describeEventBusBehaviour(harness: EventBusHarness): void {
  describe('EventBus behaviour', () => {
    const buses: EventBus[] = [];
    let tracing: TestTracing;

    function createBus(options: Partial<BusFactoryOptions> = {}): EventBus {
      const bus = harness.create({ retryDelaysMs: options.retryDelaysMs ?? [50, 100], prefetch: options.prefetch });
      buses.push(bus);
      return bus;
    }

    async function recordingBus(
      group = 'alpha',
      options: Partial<BusFactoryOptions> = {},
    ): Promise<{ sut: EventBus; seen: Seen[] }> {
      const sut = createBus(options);
      const seen: Seen[] = [];
      await sut.subscribe(
        Greeted,
        (payload, message) => {
          seen.push({ payload, message, at: performance.now() });
        },
        { group },
      );
      await sut.start();
      return { sut, seen };
    }

    beforeAll(() => {
      tracing = installTestTracing();
    });

    afterAll(async () => {
      await tracing.uninstall();
    });

    afterEach(async () => {
      await Promise.all(buses.splice(0).map((bus) => bus.close()));
    });

    it('delivers a published message to its handler once, with the envelope', async () => {
      const { sut, seen } = await recordingBus();

      const receipt = await sut.publish(Greeted, { name: 'ada', n: 1 });

      await eventually('the message is handled', () => seen.length === 1);
      await sleep(100);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.payload).toEqual({ name: 'ada', n: 1 });
      expect(seen[0]?.message).toEqual({
        id: receipt.id,
        type: 'test.greeted',
        version: 1,
        occurredAt: receipt.occurredAt,
        payload: { name: 'ada', n: 1 },
        group: 'alpha',
        attempt: 1,
        redelivered: false,
      });
      expect(receipt.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('keeps the message id and occurrence time given by the publisher', async () => {
      const { sut, seen } = await recordingBus();
      const occurredAt = new Date('2024-05-01T10:00:00.000Z');

      const receipt = await sut.publish(Greeted, { name: 'ada', n: 1 }, { id: 'mbx-1:item-9:created', occurredAt });

      await eventually('the message is handled', () => seen.length === 1);
      expect(receipt).toEqual({ id: 'mbx-1:item-9:created', occurredAt: '2024-05-01T10:00:00.000Z' });
      expect(seen[0]?.message.id).toBe('mbx-1:item-9:created');
      expect(seen[0]?.message.occurredAt).toBe('2024-05-01T10:00:00.000Z');
    });

    it('gives each consumer group its own copy', async () => {
      const sut = createBus();
      const alpha: string[] = [];
      const beta: string[] = [];
      await sut.subscribe(Greeted, (p) => void alpha.push(p.name), { group: 'alpha' });
      await sut.subscribe(Greeted, (p) => void beta.push(p.name), { group: 'beta' });
      await sut.start();

      await sut.publish(Greeted, { name: 'ada', n: 1 });

      await eventually('both groups handle it', () => alpha.length === 1 && beta.length === 1);
      expect([alpha, beta]).toEqual([['ada'], ['ada']]);
    });

    it('refuses to publish a payload that breaks the contract, and sends nothing', async () => {
      const { sut, seen } = await recordingBus();

      await expect(sut.publish(Greeted, { name: 'ada', n: 'one' } as unknown as Greeting)).rejects.toThrow(
        MessageValidationError,
      );
      await expect(sut.publish(Greeted, { name: 'ada' } as unknown as Greeting)).rejects.toThrow('n must be a number');

      await sleep(100);
      expect(seen).toEqual([]);
    });

    it('rejects a publish of a type no consumer group takes, as unroutable', async () => {
      const { sut } = await recordingBus();

      const publishing = sut.publish(Farewell, { name: 'ada', n: 1 });

      await expect(publishing).rejects.toThrow(PublishFailedError);
      await expect(publishing).rejects.toMatchObject({ failure: 'unroutable', messageType: 'test.farewell' });
    });

    it('refuses a second handler for a type in the same group', async () => {
      const sut = createBus();
      await sut.subscribe(Greeted, () => undefined, { group: 'alpha' });

      await expect(sut.subscribe(Greeted, () => undefined, { group: 'alpha' })).rejects.toThrow(
        HandlerRegistrationError,
      );
      await expect(sut.subscribe(Greeted, () => undefined, { group: 'beta' })).resolves.toBeUndefined();
    });

    it('retries a failing handler after each configured delay, then gives up', async () => {
      const sut = createBus({ retryDelaysMs: [50, 100] });
      const tries: { attempt: number; at: number }[] = [];
      await sut.subscribe(
        Greeted,
        (_payload, message) => {
          tries.push({ attempt: message.attempt, at: performance.now() });
          throw new Error(`mailbox store unavailable (try ${message.attempt})`);
        },
        { group: 'alpha' },
      );
      await sut.start();

      const { id } = await sut.publish(Greeted, { name: 'ada', n: 1 });

      await eventually('the message is dead-lettered', () => tries.length === 3, 10_000);
      const letters = await deadLetters(sut, 'alpha', 1);
      expect(tries.map((t) => t.attempt)).toEqual([1, 2, 3]);
      const [first, second, third] = tries.map((t) => t.at);
      expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(45);
      expect((third ?? 0) - (second ?? 0)).toBeGreaterThanOrEqual(90);
      expect(letters).toEqual([
        expect.objectContaining({
          id,
          type: 'test.greeted',
          version: 1,
          group: 'alpha',
          attempts: 3,
          reason: expect.stringContaining('mailbox store unavailable (try 3)') as unknown,
          firstFailedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
          payload: { name: 'ada', n: 1 },
        }),
      ]);
    });

    it('dead-letters at once when the handler throws NonRetryableError', async () => {
      const sut = createBus({ retryDelaysMs: [50, 100] });
      let tries = 0;
      await sut.subscribe(
        Greeted,
        () => {
          tries += 1;
          throw new NonRetryableError('payload too large for APNs');
        },
        { group: 'alpha' },
      );
      await sut.start();

      const { id } = await sut.publish(Greeted, { name: 'ada', n: 1 });

      const letters = await deadLetters(sut, 'alpha', 1);
      expect(tries).toBe(1);
      expect(letters).toEqual([
        expect.objectContaining({
          id,
          attempts: 1,
          reason: expect.stringContaining('payload too large for APNs') as unknown,
        }),
      ]);
    });

    it('handles a message that succeeds on a retry once, and dead-letters nothing', async () => {
      const sut = createBus({ retryDelaysMs: [20, 20, 20] });
      const attempts: number[] = [];
      await sut.subscribe(
        Greeted,
        (_payload, message) => {
          attempts.push(message.attempt);
          if (message.attempt < 3) throw new Error('not yet');
        },
        { group: 'alpha' },
      );
      await sut.start();

      await sut.publish(Greeted, { name: 'ada', n: 1 });

      await eventually('the third try succeeds', () => attempts.length === 3);
      await sleep(150);
      expect(attempts).toEqual([1, 2, 3]);
      await expect(sut.listDeadLetters('alpha')).resolves.toEqual([]);
    });

    it('dead-letters a payload that fails validation at once, without calling the handler', async () => {
      const { sut, seen } = await recordingBus();

      const { id } = await sut.publish(LooseGreeted, { name: 'ada', n: 'one' });

      const letters = await deadLetters(sut, 'alpha', 1);
      expect(seen).toEqual([]);
      expect(letters).toEqual([
        expect.objectContaining({
          id,
          attempts: 1,
          reason: expect.stringMatching(
            /MessageValidationError: invalid test.greeted v1: n must be a number/,
          ) as unknown,
          payload: { name: 'ada', n: 'one' },
        }),
      ]);
    });

    it('dead-letters a version the consumer does not handle', async () => {
      const { sut, seen } = await recordingBus();
      await sut.subscribe(GreetedV2, () => undefined, { group: 'other' });

      const { id } = await sut.publish(GreetedV2, { name: 'ada', n: 2 });

      const letters = await deadLetters(sut, 'alpha', 1);
      expect(seen).toEqual([]);
      expect(letters).toEqual([
        expect.objectContaining({
          id,
          version: 2,
          attempts: 1,
          reason: expect.stringContaining('v2 is not handled') as unknown,
        }),
      ]);
    });

    it('replays a dead letter to its group with a fresh attempt count', async () => {
      const sut = createBus({ retryDelaysMs: [] });
      let broken = true;
      const handled: ReceivedMessage<Greeting>[] = [];
      await sut.subscribe(
        Greeted,
        (_payload, message) => {
          if (broken) throw new Error('broken');
          handled.push(message);
        },
        { group: 'alpha' },
      );
      await sut.start();
      const { id } = await sut.publish(Greeted, { name: 'ada', n: 1 });
      const letters = await deadLetters(sut, 'alpha', 1);
      expect(letters.map((l) => l.id)).toEqual([id]);
      broken = false;

      await expect(sut.replayDeadLetter('alpha', 'no-such-id')).resolves.toBe(false);
      await expect(sut.replayDeadLetter('alpha', id)).resolves.toBe(true);

      await eventually('the replayed message is handled', () => handled.length === 1);
      expect(handled[0]).toMatchObject({ id, attempt: 1 });
      await expect(sut.listDeadLetters('alpha')).resolves.toEqual([]);
    });

    it('runs at most `prefetch` handlers of a group at once', async () => {
      const sut = createBus({ prefetch: 2 });
      const gate = new Deferred();
      let running = 0;
      let most = 0;
      let done = 0;
      await sut.subscribe(
        Greeted,
        async () => {
          running += 1;
          most = Math.max(most, running);
          await gate.promise;
          running -= 1;
          done += 1;
        },
        { group: 'alpha' },
      );
      await sut.start();

      await Promise.all([1, 2, 3, 4, 5].map((n) => sut.publish(Greeted, { name: 'ada', n })));
      await eventually('two handlers run', () => running === 2);
      await sleep(100);
      const mostWhileBlocked = most;
      gate.resolve();

      await eventually('all are handled', () => done === 5);
      expect(mostWhileBlocked).toBe(2);
      expect(most).toBe(2);
    });

    it('lets a running handler finish on close, then refuses to publish', async () => {
      const sut = createBus();
      const gate = new Deferred();
      const started = new Deferred();
      let finished = false;
      await sut.subscribe(
        Greeted,
        async () => {
          started.resolve();
          await gate.promise;
          finished = true;
        },
        { group: 'alpha' },
      );
      await sut.start();
      await sut.publish(Greeted, { name: 'ada', n: 1 });
      await started.promise;

      let closed = false;
      const closing = sut.close().then(() => {
        closed = true;
      });
      await sleep(100);
      const closedWhileRunning = closed;
      gate.resolve();
      await closing;

      expect(closedWhileRunning).toBe(false);
      expect(finished).toBe(true);
      expect(sut.connected).toBe(false);
      await expect(sut.publish(Greeted, { name: 'ada', n: 2 })).rejects.toMatchObject({ failure: 'closed' });

      // The message was acknowledged: a new consumer of the group gets only what is published next.
      const { sut: next, seen } = await recordingBus();
      await next.publish(Greeted, { name: 'marker', n: 3 });
      await eventually('the marker arrives', () => seen.some((s) => s.payload.name === 'marker'));
      await sleep(100);
      expect(seen.map((s) => s.payload.name)).toEqual(['marker']);
    });

    it('is connected once started', async () => {
      const { sut } = await recordingBus();

      expect(sut.connected).toBe(true);
    });

    it("continues the publisher's trace in the handler's consumer span", async () => {
      const { sut, seen } = await recordingBus();
      tracing.reset();

      const { id } = await sut.publish(Greeted, { name: 'ada', n: 1 });

      await eventually('the message is handled', () => seen.length === 1);
      await eventually('the consumer span ends', () => tracing.spans().some((s) => s.kind === SpanKind.CONSUMER));
      const producer = tracing.spans().find((s) => s.kind === SpanKind.PRODUCER);
      const consumer = tracing.spans().find((s) => s.kind === SpanKind.CONSUMER);
      expect(producer?.name).toBe('publish test.greeted');
      expect(consumer?.name).toBe('process test.greeted');
      expect(consumer?.spanContext().traceId).toBe(producer?.spanContext().traceId);
      expect(consumer?.parentSpanContext?.spanId).toBe(producer?.spanContext().spanId);
      expect(consumer?.attributes).toMatchObject({
        'messaging.message.id': id,
        'messaging.consumer.group.name': 'alpha',
      });
    });
  });
}
