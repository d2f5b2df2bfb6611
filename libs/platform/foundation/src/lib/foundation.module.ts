import { Module, type DynamicModule } from '@nestjs/common';
import type { MailpushConfig } from '@mailpush/config';
import { LeasesModule } from '@mailpush/leases';
import { MessagingModule } from '@mailpush/messaging';
import { MailConnectionRepository, PersistenceModule } from '@mailpush/persistence';
import { SecretsModule } from '@mailpush/secrets';
import { EnvironmentConnectionsSeeder } from './environment-connections.seeder';

export interface FoundationOptions {
  /** Shard owners (the EWS watcher, the Graph receiver, the standalone server) also hold leases. */
  readonly leases: boolean;
}

/**
 * What every mailpush service stands on: credentials encryption, the database, the bus and, for shard
 * owners, leases; and the mail connections the environment describes. RabbitMQ and Redis when configured, their in-process twins otherwise.
 */
@Module({})
export class FoundationModule {
  static forRoot(config: MailpushConfig, options: FoundationOptions): DynamicModule {
    return {
      module: FoundationModule,
      imports: [
        SecretsModule.forRoot(config),
        PersistenceModule.forRoot(config.database),
        MessagingModule.forRoot(config),
        ...(options.leases ? [LeasesModule.forRoot(config)] : []),
      ],
      providers: [
        {
          provide: EnvironmentConnectionsSeeder,
          useFactory: (connections: MailConnectionRepository) => new EnvironmentConnectionsSeeder(config, connections),
          inject: [MailConnectionRepository],
        },
      ],
    };
  }
}
