import { Injectable, Logger, Module, Scope, type DynamicModule, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig } from '@mailpush/config';
import { Farewell, Greeted, type Greeting } from '../../testing/event-bus.behaviour';
import { eventually } from '../../testing/wait';
import { InProcessEventBus } from '../in-process/in-process-event-bus.adapter';
import { EventBus, type ReceivedMessage } from '../port/event-bus.port';
import { HandlerRegistrationError } from '../port/handler-registration.error';
import { EventBusReadinessCheck } from './event-bus-readiness.check';
import { HandleMessage } from './handle-message.decorator';
import { MessagingModule } from './messaging.module';

Logger.overrideLogger(false);

@Injectable()
class GreetingConsumer {
  readonly greeted: string[] = [];
  readonly farewells: string[] = [];

  @HandleMessage(Greeted, { group: 'greeter' })
  onGreeted(payload: Greeting): void {
    this.greeted.push(payload.name);
  }

  /** No group: the app's name. */
  @HandleMessage(Farewell)
  onFarewell(payload: Greeting, message: ReceivedMessage<Greeting>): void {
    this.farewells.push(`${payload.name} in ${message.group}`);
  }
}

@Injectable()
class SecondGreetingConsumer {
  @HandleMessage(Greeted, { group: 'greeter' })
  alsoOnGreeted(): void {
    // a second handler for the same type and group: the boot must refuse it
  }
}

@Injectable({ scope: Scope.REQUEST })
class RequestScopedConsumer {
  @HandleMessage(Greeted, { group: 'per-request' })
  onGreeted(): void {
    // handlers need a singleton to be called on
  }
}

function feature(...providers: Type[]): DynamicModule {
  @Module({})
  class FeatureModule {}
  return { module: FeatureModule, providers };
}

describe(MessagingModule.name, () => {
  const config = loadConfig({ app: 'dispatcher' }, { AMQP_RETRY_DELAYS_MS: '10' });
  let sut: TestingModule | undefined;

  async function boot(...imports: DynamicModule[]): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule({
      imports: [MessagingModule.forRoot(config), ...imports],
    }).compile();
    // A module whose boot failed cannot be closed (close() rethrows the boot error); nothing was started.
    sut = await moduleRef.init();
    return sut;
  }

  afterEach(async () => {
    await sut?.close();
    sut = undefined;
  });

  it('provides the in-process bus when AMQP_URL is unset, and consumes with the discovered handlers (group: the app name unless given)', async () => {
    const app = await boot(feature(GreetingConsumer));
    const bus = app.get(EventBus);
    const consumer = app.get(GreetingConsumer);

    await bus.publish(Greeted, { name: 'ada', n: 1 });
    await bus.publish(Farewell, { name: 'bob', n: 2 });

    await eventually('both are handled', () => consumer.greeted.length === 1 && consumer.farewells.length === 1);
    expect(bus).toBeInstanceOf(InProcessEventBus);
    expect(consumer.greeted).toEqual(['ada']);
    expect(consumer.farewells).toEqual(['bob in dispatcher']);
  });

  it('refuses to boot when a message type has two handlers in one group, naming both', async () => {
    const booting = boot(feature(GreetingConsumer, SecondGreetingConsumer));

    await expect(booting).rejects.toThrow(HandlerRegistrationError);
    await expect(booting).rejects.toThrow(
      'message type "test.greeted" has 2 handlers in consumer group "greeter": GreetingConsumer.onGreeted, SecondGreetingConsumer.alsoOnGreeted',
    );
  });

  it('refuses to boot when a declared consumed type has no handler in its group', async () => {
    const booting = boot(
      feature(GreetingConsumer),
      MessagingModule.forFeature({ group: 'greeter', consumes: [Greeted, Farewell] }),
    );

    await expect(booting).rejects.toThrow(
      /message type "test.farewell" is declared as consumed by consumer group "greeter" \(MessagingModule.forFeature in \w+\) but no @HandleMessage handler takes it in that group/,
    );
  });

  it('boots when every declared type has its handler', async () => {
    const app = await boot(
      feature(GreetingConsumer),
      MessagingModule.forFeature({ group: 'greeter', consumes: [Greeted] }),
      MessagingModule.forFeature({ consumes: [Farewell] }),
    );

    expect(app.get(EventBus).connected).toBe(true);
  });

  it('refuses a handler on a request-scoped provider', async () => {
    await expect(boot(feature(RequestScopedConsumer))).rejects.toThrow(
      'RequestScopedConsumer.onGreeted: message handlers must be on singleton providers',
    );
  });

  it('is ready while the bus is up, and not after shutdown', async () => {
    const app = await boot(feature(GreetingConsumer));
    const readiness = app.get(EventBusReadinessCheck);
    await expect(readiness.check()).resolves.toBeUndefined();

    await app.close();
    sut = undefined;

    expect(readiness.name).toBe('bus');
    await expect(readiness.check()).rejects.toThrow('not connected to the message broker');
  });
});
