import { Injectable, Logger, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { loadConfig } from '@mailpush/config';
import { Greeted, type Greeting } from '../../testing/event-bus.behaviour';
import { deleteEverythingStartingWith, uniqueNamespacePrefix } from '../../testing/rabbitmq-test-broker';
import { eventually } from '../../testing/wait';
import { EventBus, type ReceivedMessage } from '../port/event-bus.port';
import { HandlerRegistrationError } from '../port/handler-registration.error';
import { RabbitMqEventBus } from '../rabbitmq/rabbitmq-event-bus.adapter';
import { EventBusReadinessCheck } from './event-bus-readiness.check';
import { HandleMessage } from './handle-message.decorator';
import { MessagingModule } from './messaging.module';

Logger.overrideLogger(false);

const url = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

@Injectable()
class DispatchConsumer {
  readonly received: ReceivedMessage<Greeting>[] = [];

  @HandleMessage(Greeted)
  onGreeted(_payload: Greeting, message: ReceivedMessage<Greeting>): void {
    this.received.push(message);
  }
}

@Injectable()
class AnotherDispatchConsumer {
  @HandleMessage(Greeted)
  onGreetedToo(): void {
    // same type, same (default) group: the boot must refuse it
  }
}

@Module({ providers: [DispatchConsumer] })
class DispatchModule {}

@Module({ providers: [DispatchConsumer, AnotherDispatchConsumer] })
class ConflictingModule {}

describe(`${MessagingModule.name} on RabbitMQ`, () => {
  const namespace = uniqueNamespacePrefix();
  const config = loadConfig({ app: 'dispatcher' }, { AMQP_URL: url, AMQP_RETRY_DELAYS_MS: '50,100' });

  afterAll(async () => {
    await deleteEverythingStartingWith(url, namespace);
  });

  async function boot(feature: typeof DispatchModule): Promise<TestingModule> {
    const moduleRef = await Test.createTestingModule({
      imports: [MessagingModule.forRoot(config, { namespace, connectTimeoutMs: 5_000 }), feature],
    }).compile();
    return moduleRef.init();
  }

  it('picks RabbitMQ when AMQP_URL is set, consumes with the discovered handlers, and is ready until shutdown', async () => {
    const sut = await boot(DispatchModule);
    const bus = sut.get(EventBus);
    const readiness = sut.get(EventBusReadinessCheck);

    const { id } = await bus.publish(Greeted, { name: 'ada', n: 1 });

    await eventually('handled', () => sut.get(DispatchConsumer).received.length === 1);
    expect(bus).toBeInstanceOf(RabbitMqEventBus);
    expect(sut.get(DispatchConsumer).received[0]).toMatchObject({ id, group: 'dispatcher', attempt: 1 });
    await expect(readiness.check()).resolves.toBeUndefined();

    await sut.close();

    await expect(readiness.check()).rejects.toThrow('not connected to the message broker');
    await expect(bus.publish(Greeted, { name: 'ada', n: 2 })).rejects.toMatchObject({ failure: 'closed' });
  });

  it('refuses to boot, before connecting, when a type has two handlers in one group', async () => {
    const booting = boot(ConflictingModule);

    await expect(booting).rejects.toThrow(HandlerRegistrationError);
    await expect(booting).rejects.toThrow(
      'message type "test.greeted" has 2 handlers in consumer group "dispatcher": DispatchConsumer.onGreeted, AnotherDispatchConsumer.onGreetedToo',
    );
  });
});
