import { AuditLogEntity } from './audit-log.entity';
import { DeliveryLogEntity } from './delivery-log.entity';
import { DeviceRegistrationEntity } from './device-registration.entity';
import { MailConnectionEntity } from './mail-connection.entity';
import { MailboxEntity } from './mailbox.entity';
import { PushCredentialEntity } from './push-credential.entity';

/** Every entity, listed explicitly: the apps are bundled, so nothing is loaded by glob. */
export const PERSISTENCE_ENTITIES = [
  MailConnectionEntity,
  MailboxEntity,
  DeviceRegistrationEntity,
  PushCredentialEntity,
  DeliveryLogEntity,
  AuditLogEntity,
] as const;
