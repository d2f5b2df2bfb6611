import { Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { DatabaseTarget } from '@mailpush/config';
import { DataSource } from 'typeorm';
import { createDataSource, type DataSourceSettings } from './data-source/create-data-source';
import { pendingMigrations, runPendingMigrations } from './data-source/run-migrations';
import { DatabaseReadinessCheck } from './database-readiness.check';
import { AuditLogRepository } from './repositories/audit-log.repository';
import { DeliveryLogRepository } from './repositories/delivery-log.repository';
import { DeviceRegistrationRepository } from './repositories/device-registration.repository';
import { MailConnectionRepository } from './repositories/mail-connection.repository';
import { MailboxRepository } from './repositories/mailbox.repository';
import { PushCredentialRepository } from './repositories/push-credential.repository';

export interface PersistenceModuleOptions {
  readonly target: DatabaseTarget;
  /** `run` applies pending migrations at boot, under a lock; `check` refuses to boot while any are pending. */
  readonly migrations: 'run' | 'check';
  readonly dataSource?: DataSourceSettings;
}

const REPOSITORIES = [
  MailConnectionRepository,
  MailboxRepository,
  DeviceRegistrationRepository,
  PushCredentialRepository,
  DeliveryLogRepository,
  AuditLogRepository,
];

/**
 * The database: an initialised TypeORM `DataSource` at the current schema, the repositories and a readiness
 * check. Global, so that feature modules inject repositories without importing it. Repositories that keep
 * credentials need a `SecretBox` provider from another module.
 */
@Module({})
export class PersistenceModule implements OnApplicationShutdown {
  private readonly logger = new Logger(PersistenceModule.name);

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(options: PersistenceModuleOptions): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        { provide: DataSource, useFactory: () => openDatabase(options) },
        ...REPOSITORIES,
        DatabaseReadinessCheck,
      ],
      exports: [DataSource, ...REPOSITORIES, DatabaseReadinessCheck],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    await this.dataSource.destroy();
    this.logger.log('database connections closed');
  }
}

async function openDatabase(options: PersistenceModuleOptions): Promise<DataSource> {
  const logger = new Logger(PersistenceModule.name);
  const dataSource = createDataSource(options.target, options.dataSource);
  await dataSource.initialize();
  try {
    if (options.migrations === 'run') {
      const applied = await runPendingMigrations(dataSource);
      logger.log(applied.length === 0 ? 'database schema is up to date' : `applied migrations: ${applied.join(', ')}`);
    } else {
      const pending = await pendingMigrations(dataSource);
      if (pending.length > 0) {
        throw new Error(
          `the database schema is behind this build; pending migrations: ${pending.join(', ')}. ` +
            'Run them (DATABASE_MIGRATIONS=run, or start one instance that runs them) before starting with DATABASE_MIGRATIONS=check.',
        );
      }
      logger.log('database schema is up to date');
    }
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
