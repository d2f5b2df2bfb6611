import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { DevicePlatform, PushEnvironment } from './device-registration.entity';

/** APNs or FCM credentials of one app in one environment. */
@Entity({ name: 'push_credential' })
@Unique('UQ_push_credential_platform_app_environment', ['platform', 'appId', 'environment'])
export class PushCredentialEntity {
  @PrimaryColumn({ type: String, length: 36, primaryKeyConstraintName: 'PK_push_credential' })
  id!: string;

  @Column({ type: String, length: 16 })
  platform!: DevicePlatform;

  @Column({ name: 'app_id', type: String, length: 255 })
  appId!: string;

  @Column({ type: String, length: 16 })
  environment!: PushEnvironment;

  /** `SecretBox` output for the context `push_credential:<id>:credentials`; never plaintext. */
  @Column({ name: 'sealed_credentials', type: 'text' })
  sealedCredentials!: string;

  @Column({ type: Boolean })
  enabled!: boolean;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
