import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { FoundationModule } from '@mailpush/foundation';
import { GraphWebhookModule } from '@mailpush/graph-webhook';
import { GraphWatchModule } from '@mailpush/graph-watch';

/**
 * Exchange Online: the `/notificationClient` webhook (any replica answers Graph), the processor of queued
 * notifications (any replica), and the subscriptions of the shards this replica owns.
 */
@Module({})
export class AppModule {
  static forRoot(config: MailpushConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        FoundationModule.forRoot(config, { leases: true }),
        GraphWebhookModule.forRoot(config),
        GraphWatchModule.forRoot(config),
      ],
    };
  }
}
