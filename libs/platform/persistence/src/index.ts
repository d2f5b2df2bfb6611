export { PersistenceModule, type PersistenceModuleOptions } from './lib/persistence.module';
export { DatabaseReadinessCheck } from './lib/database-readiness.check';
export { createDataSource, type DataSourceSettings } from './lib/data-source/create-data-source';
export { openMigratedDataSource, pendingMigrations, runPendingMigrations } from './lib/data-source/run-migrations';
export { TypeOrmNestLogger } from './lib/data-source/typeorm-nest.logger';

export { PERSISTENCE_ENTITIES } from './lib/entities/persistence-entities';
export { PERSISTENCE_MIGRATIONS } from './lib/migrations/persistence-migrations';
export type { JsonObject } from './lib/entities/json-object';
export { MailConnectionEntity, type MailConnectionKind } from './lib/entities/mail-connection.entity';
export { MailboxEntity, type MailboxBackend } from './lib/entities/mailbox.entity';
export {
  DeviceRegistrationEntity,
  type DevicePlatform,
  type PushEnvironment,
} from './lib/entities/device-registration.entity';
export { PushCredentialEntity } from './lib/entities/push-credential.entity';
export { DeliveryLogEntity } from './lib/entities/delivery-log.entity';
export { AuditLogEntity } from './lib/entities/audit-log.entity';

export { clientStateContext, credentialsContext, type Credentials } from './lib/repositories/sealed-credentials';
export { MailConnectionRepository, type NewMailConnection } from './lib/repositories/mail-connection.repository';
export { MailboxRepository, type NewMailbox } from './lib/repositories/mailbox.repository';
export {
  DeviceRegistrationRepository,
  type DeviceRegistrationChanges,
  type NewDeviceRegistration,
} from './lib/repositories/device-registration.repository';
export { PushCredentialRepository, type NewPushCredential } from './lib/repositories/push-credential.repository';
export { DeliveryLogRepository, type NewDeliveryLog } from './lib/repositories/delivery-log.repository';
export { AuditLogRepository, type NewAuditLog } from './lib/repositories/audit-log.repository';
export { storedNow } from './lib/repositories/stored-now';
