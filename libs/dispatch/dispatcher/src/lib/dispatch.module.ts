import {
  Inject,
  Logger,
  Module,
  Optional,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { MailChanged, RegistrationChanged } from '@mailpush/contracts';
import { Clock, openRedis, SystemClock } from '@mailpush/leases';
import { EventBus, MessagingModule } from '@mailpush/messaging';
import {
  DeliveryLogRepository,
  DeviceRegistrationRepository,
  MailboxRepository,
  PushCredentialRepository,
} from '@mailpush/persistence';
import { Redis } from 'ioredis';
import { MailChangedConsumer } from './coalesce/mail-changed.consumer';
import { NotificationComposer } from './compose/notification.composer';
import { DedupeReadinessCheck } from './dedupe/dedupe-readiness.check';
import { DeliveryDedupe } from './dedupe/delivery-dedupe.port';
import { InProcessDeliveryDedupe } from './dedupe/in-process-delivery-dedupe.adapter';
import { RedisDeliveryDedupe } from './dedupe/redis-delivery-dedupe.adapter';
import { DeliveryLogRetention } from './delivery-log/delivery-log.retention';
import { DeliveryLogWriter } from './delivery-log/delivery-log.writer';
import { PushDelivery } from './delivery/push.delivery';
import { PushedMarks } from './delivery/pushed-marks.writer';
import { RegistrationPruner } from './delivery/registration.pruner';
import { RegistrationUpkeep } from './delivery/registration-upkeep.port';
import { TypeOrmRegistrationUpkeep } from './delivery/typeorm-registration-upkeep.adapter';
import { CachedDeviceDirectory } from './devices/cached-device-directory.adapter';
import { DeviceDirectory } from './devices/device-directory.port';
import { RegistrationChangedConsumer } from './devices/registration-changed.consumer';
import { DispatchSettings, type DispatchModuleOptions } from './dispatch.settings';
import { PushAdaptersFactory } from './providers/push-adapters.factory';
import { loadPushDefaults, PushDefaults } from './providers/push-defaults';
import { PushProviderFactory } from './providers/push-provider-factory.port';
import { PushProviderRegistry } from './providers/push-provider.registry';
import { DispatchMetrics } from './telemetry/dispatch.metrics';

/** The Redis client of the de-duplication role; only this module uses it. */
const DEDUPE_REDIS = Symbol('DEDUPE_REDIS');
/** The dispatcher's own clock, so that it does not depend on whether the app holds leases. */
const DISPATCH_CLOCK = Symbol('DISPATCH_CLOCK');

function dedupeProviders(config: MailpushConfig): Provider[] {
  const url = config.redis.url;
  if (url === undefined) {
    return [
      {
        provide: DeliveryDedupe,
        useFactory: (clock: Clock) => new InProcessDeliveryDedupe(clock),
        inject: [DISPATCH_CLOCK],
      },
    ];
  }
  return [
    { provide: DEDUPE_REDIS, useFactory: () => openRedis(url, config.app.name, 'dedupe') },
    { provide: DeliveryDedupe, useFactory: (redis: Redis) => new RedisDeliveryDedupe(redis), inject: [DEDUPE_REDIS] },
    {
      provide: DedupeReadinessCheck,
      useFactory: (redis: Redis) => new DedupeReadinessCheck(redis),
      inject: [DEDUPE_REDIS],
    },
  ];
}

/**
 * The notification dispatcher: consumes `mail.changed` (consumer group `dispatcher`), coalesces bursts per
 * mailbox, composes each device's push by its settings, de-duplicates per change and device (Redis when
 * `REDIS_URL` is set, in-process otherwise), sends through APNs and FCM, prunes dead tokens, retries
 * transient failures and logs every push to `delivery_log`. Also consumes `registration.changed` to keep
 * its device cache current. Needs the global modules of `FoundationModule` (database, secrets, bus).
 *
 * Shutdown: the bus first lets running handlers finish (their pushes complete), then this module flushes the
 * delivery log and push marks and closes the providers and its Redis client.
 */
@Module({})
export class DispatchModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DispatchModule.name);

  constructor(
    private readonly registry: PushProviderRegistry,
    private readonly log: DeliveryLogWriter,
    private readonly marks: PushedMarks,
    private readonly retention: DeliveryLogRetention,
    @Optional() @Inject(DEDUPE_REDIS) private readonly redis?: Redis,
  ) {}

  static forRoot(config: MailpushConfig, options: DispatchModuleOptions = {}): DynamicModule {
    const settings = new DispatchSettings(config, options);
    return {
      module: DispatchModule,
      imports: [MessagingModule.forFeature({ group: 'dispatcher', consumes: [MailChanged, RegistrationChanged] })],
      providers: [
        { provide: DispatchSettings, useValue: settings },
        { provide: DISPATCH_CLOCK, useClass: SystemClock },
        { provide: DispatchMetrics, useFactory: () => new DispatchMetrics() },
        NotificationComposer,
        ...dedupeProviders(config),
        // The APNs and FCM adapters of @mailpush/push.
        { provide: PushProviderFactory, useClass: PushAdaptersFactory },
        {
          provide: PushDefaults,
          useFactory: (factory: PushProviderFactory) => loadPushDefaults(config, factory),
          inject: [PushProviderFactory],
        },
        {
          provide: PushProviderRegistry,
          useFactory: (
            factory: PushProviderFactory,
            credentials: PushCredentialRepository,
            defaults: PushDefaults,
            metrics: DispatchMetrics,
            clock: Clock,
          ) =>
            new PushProviderRegistry(factory, credentials, defaults, metrics, clock, {
              circuitOpenMs: settings.circuitOpenMs,
              credentialCacheTtlMs: settings.credentialCacheTtlMs,
            }),
          inject: [PushProviderFactory, PushCredentialRepository, PushDefaults, DispatchMetrics, DISPATCH_CLOCK],
        },
        {
          provide: DeviceDirectory,
          useFactory: (registrations: DeviceRegistrationRepository, clock: Clock) =>
            new CachedDeviceDirectory(registrations, clock, {
              maxEntries: settings.deviceCacheMaxEntries,
              ttlMs: settings.deviceCacheTtlMs,
            }),
          inject: [DeviceRegistrationRepository, DISPATCH_CLOCK],
        },
        {
          provide: RegistrationUpkeep,
          useFactory: (registrations: DeviceRegistrationRepository) => new TypeOrmRegistrationUpkeep(registrations),
          inject: [DeviceRegistrationRepository],
        },
        {
          provide: PushedMarks,
          useFactory: (upkeep: RegistrationUpkeep, clock: Clock) => new PushedMarks(upkeep, clock),
          inject: [RegistrationUpkeep, DISPATCH_CLOCK],
        },
        {
          provide: RegistrationPruner,
          useFactory: (
            upkeep: RegistrationUpkeep,
            mailboxes: MailboxRepository,
            devices: DeviceDirectory,
            bus: EventBus,
            clock: Clock,
          ) => new RegistrationPruner(upkeep, mailboxes, devices, bus, clock),
          inject: [RegistrationUpkeep, MailboxRepository, DeviceDirectory, EventBus, DISPATCH_CLOCK],
        },
        {
          provide: DeliveryLogWriter,
          useFactory: (repository: DeliveryLogRepository, clock: Clock) => new DeliveryLogWriter(repository, clock),
          inject: [DeliveryLogRepository, DISPATCH_CLOCK],
        },
        {
          provide: DeliveryLogRetention,
          useFactory: (repository: DeliveryLogRepository, clock: Clock) =>
            new DeliveryLogRetention(repository, clock, settings.deliveryLogRetentionDays),
          inject: [DeliveryLogRepository, DISPATCH_CLOCK],
        },
        {
          provide: PushDelivery,
          useFactory: (
            devices: DeviceDirectory,
            composer: NotificationComposer,
            dedupe: DeliveryDedupe,
            registry: PushProviderRegistry,
            pruner: RegistrationPruner,
            log: DeliveryLogWriter,
            marks: PushedMarks,
            metrics: DispatchMetrics,
            clock: Clock,
          ) => new PushDelivery({ devices, composer, dedupe, registry, pruner, log, marks, metrics, clock, settings }),
          inject: [
            DeviceDirectory,
            NotificationComposer,
            DeliveryDedupe,
            PushProviderRegistry,
            RegistrationPruner,
            DeliveryLogWriter,
            PushedMarks,
            DispatchMetrics,
            DISPATCH_CLOCK,
          ],
        },
        {
          provide: MailChangedConsumer,
          useFactory: (delivery: PushDelivery, metrics: DispatchMetrics, clock: Clock) =>
            new MailChangedConsumer(delivery, metrics, clock, settings),
          inject: [PushDelivery, DispatchMetrics, DISPATCH_CLOCK],
        },
        RegistrationChangedConsumer,
      ],
      exports: [PushDelivery, DeviceDirectory],
    };
  }

  onApplicationBootstrap(): void {
    this.retention.start();
  }

  /** Runs after the bus drained its handlers (`beforeApplicationShutdown`), before the database closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.retention.stop();
    await Promise.all([this.log.flush(), this.marks.flush()]);
    await this.registry.close();
    if (this.redis !== undefined) await this.redis.quit().catch(() => this.redis?.disconnect());
    this.logger.log('delivery log flushed, push providers closed');
  }
}
