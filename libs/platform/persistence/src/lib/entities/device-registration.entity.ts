import { Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import type { JsonObject } from './json-object';
import { MailboxEntity } from './mailbox.entity';

export type DevicePlatform = 'ios' | 'android';
export type PushEnvironment = 'production' | 'sandbox';

/**
 * One device registered for push on one mailbox. The unique (mailbox_id, device_id) index also serves
 * "registrations of a mailbox", so there is no separate index on mailbox_id.
 */
@Entity({ name: 'device_registration' })
@Unique('UQ_device_registration_mailbox_device', ['mailboxId', 'deviceId'])
@Index('IDX_device_registration_expires_at', ['expiresAt'])
export class DeviceRegistrationEntity {
  @PrimaryColumn({ type: String, length: 36, primaryKeyConstraintName: 'PK_device_registration' })
  id!: string;

  @Column({ name: 'mailbox_id', type: String, length: 36 })
  @ForeignKey(() => MailboxEntity, { name: 'FK_device_registration_mailbox', onDelete: 'CASCADE' })
  mailboxId!: string;

  @Column({ name: 'device_id', type: String, length: 255 })
  deviceId!: string;

  @Column({ type: String, length: 16 })
  platform!: DevicePlatform;

  @Column({ name: 'push_token', type: String, length: 1024 })
  pushToken!: string;

  @Column({ name: 'app_id', type: String, length: 255 })
  appId!: string;

  @Column({ type: String, length: 16 })
  environment!: PushEnvironment;

  @Column({ type: String, length: 35, nullable: true })
  locale!: string | null;

  @Column({ type: 'simple-json' })
  settings!: JsonObject;

  @Column({ type: String, length: 32 })
  status!: string;

  @Column({ name: 'expires_at', type: Date })
  expiresAt!: Date;

  @Column({ name: 'failure_count', type: Number, default: 0 })
  failureCount!: number;

  @Column({ name: 'last_push_at', type: Date, nullable: true })
  lastPushAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
