import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { GraphWebhookSettings, type GraphWebhookModuleOptions } from './graph-webhook.settings';
import { NotificationClientController } from './http/notification-client.controller';
import { GraphWebhookMetrics } from './metrics/graph-webhook.metrics';
import { NotificationIntake } from './notifications/notification-intake.service';
import { createRichNotificationReader } from './rich/rich-notification-reader.factory';
import { RichNotificationReader } from './rich/rich-notification.reader.port';
import { GraphSubscriptionDirectory } from './subscriptions/graph-subscription-directory.port';
import { TypeOrmGraphSubscriptionDirectory } from './subscriptions/typeorm-graph-subscription-directory.adapter';

export interface GraphWebhookModuleSetup extends GraphWebhookModuleOptions {
  /** Where subscriptions are looked up; default `TypeOrmGraphSubscriptionDirectory` (the `mailbox` table). */
  readonly directory?: Type<GraphSubscriptionDirectory>;
}

/**
 * Graph's webhook, `POST /notificationClient`. Needs the global `PersistenceModule`, `SecretsModule` and
 * `MessagingModule` (all from `FoundationModule`), and an app whose app-wide body parsers leave that path
 * alone (`startApp` of `@mailpush/runtime` does).
 */
@Module({})
export class GraphWebhookModule {
  static forRoot(config: MailpushConfig, setup: GraphWebhookModuleSetup = {}): DynamicModule {
    return {
      module: GraphWebhookModule,
      controllers: [NotificationClientController],
      providers: [
        { provide: GraphWebhookSettings, useValue: GraphWebhookSettings.fromConfig(config, setup) },
        { provide: GraphSubscriptionDirectory, useClass: setup.directory ?? TypeOrmGraphSubscriptionDirectory },
        GraphWebhookMetrics,
        NotificationIntake,
        ...(config.graph.richNotifications
          ? [{ provide: RichNotificationReader, useFactory: () => createRichNotificationReader(config.graph) }]
          : []),
      ],
    };
  }
}
