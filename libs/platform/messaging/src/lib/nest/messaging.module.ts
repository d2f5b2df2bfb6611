import { Module, type DynamicModule } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { MailpushConfig } from '@mailpush/config';
import type { AnyMessageContract } from '../contracts/message.contract';
import { InProcessEventBus } from '../in-process/in-process-event-bus.adapter';
import { EventBus } from '../port/event-bus.port';
import { RabbitMqEventBus } from '../rabbitmq/rabbitmq-event-bus.adapter';
import { ConsumedMessages } from './consumed-messages.declaration';
import { EventBusReadinessCheck } from './event-bus-readiness.check';
import { MessageHandlerExplorer } from './message-handler.explorer';
import { MessagingFeatureModule } from './messaging-feature.module';
import { MessagingSettings } from './messaging.settings';

/** Tuning that does not come from the environment (tests, tools). */
export interface MessagingModuleOptions {
  /** Prefix of RabbitMQ exchange and queue names. Default `mailpush`. */
  readonly namespace?: string;
  /** Default bound of one publish, waiting for a lost connection included. Default 5 s. */
  readonly publishTimeoutMs?: number;
  /** How long boot waits for the first broker connection. Default 30 s. */
  readonly connectTimeoutMs?: number;
  /** How long shutdown waits for running handlers. Default: half of the app's shutdown timeout. */
  readonly drainTimeoutMs?: number;
}

export interface ConsumesDeclaration {
  /** Default: the app's name. */
  readonly group?: string;
  readonly consumes: readonly AnyMessageContract[];
}

function createEventBus(config: MailpushConfig, options: MessagingModuleOptions): EventBus {
  const { url, prefetch, retryDelaysMs } = config.amqp;
  // Leaves the other half of the app's shutdown bound to closing the connection and everything else.
  const drainTimeoutMs = options.drainTimeoutMs ?? Math.floor(config.app.shutdownTimeoutMs / 2);
  if (url === undefined) return new InProcessEventBus({ prefetch, retryDelaysMs, drainTimeoutMs });
  return new RabbitMqEventBus({
    url: url.reveal(),
    connectionName: `${config.app.name}@${config.shards.memberId}`,
    prefetch,
    retryDelaysMs,
    namespace: options.namespace,
    publishTimeoutMs: options.publishTimeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    drainTimeoutMs,
  });
}

/**
 * The event bus of a process (global): RabbitMQ when `AMQP_URL` is set, in-process otherwise. Provides
 * `EventBus` and the `bus` readiness check, finds `@HandleMessage` handlers at boot (failing the boot if a
 * type has two handlers in one group, or a declared one has none), starts consuming, and on shutdown stops
 * consuming, lets running handlers finish and closes the connection.
 */
@Module({})
export class MessagingModule {
  static forRoot(config: MailpushConfig, options: MessagingModuleOptions = {}): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: MessagingSettings, useValue: new MessagingSettings(config.app.name) },
        { provide: EventBus, useFactory: () => createEventBus(config, options) },
        EventBusReadinessCheck,
        MessageHandlerExplorer,
      ],
      exports: [EventBus, EventBusReadinessCheck],
    };
  }

  /**
   * Declares the message types a feature consumes; boot fails unless each has exactly one handler in the
   * group. Optional, but it turns a forgotten handler into a boot error instead of a silent backlog.
   */
  static forFeature(declaration: ConsumesDeclaration): DynamicModule {
    return {
      module: MessagingFeatureModule,
      providers: [
        {
          provide: Symbol('ConsumedMessages'),
          useValue: new ConsumedMessages(declaration.consumes, declaration.group),
        },
      ],
    };
  }
}
