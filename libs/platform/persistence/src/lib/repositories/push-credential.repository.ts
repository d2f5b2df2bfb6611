import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@mailpush/secrets';
import { DataSource, type Repository } from 'typeorm';
import type { DevicePlatform, PushEnvironment } from '../entities/device-registration.entity';
import { PushCredentialEntity } from '../entities/push-credential.entity';
import { credentialsContext, openCredentials, sealCredentials, type Credentials } from './sealed-credentials';
import { storedNow } from './stored-now';

export interface NewPushCredential {
  readonly platform: DevicePlatform;
  readonly appId: string;
  readonly environment: PushEnvironment;
  readonly credentials: Credentials;
  readonly enabled?: boolean;
}

/** APNs and FCM credentials per (platform, app, environment), sealed by `SecretBox`. */
@Injectable()
export class PushCredentialRepository {
  private readonly rows: Repository<PushCredentialEntity>;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(SecretBox) private readonly secrets: SecretBox,
  ) {
    this.rows = dataSource.getRepository(PushCredentialEntity);
  }

  async create(input: NewPushCredential): Promise<PushCredentialEntity> {
    const id = randomUUID();
    const now = storedNow();
    return this.insert({
      id,
      platform: input.platform,
      appId: input.appId,
      environment: input.environment,
      sealedCredentials: sealCredentials(this.secrets, input.credentials, credentialsContext('push_credential', id)),
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
  }

  findFor(platform: DevicePlatform, appId: string, environment: PushEnvironment): Promise<PushCredentialEntity | null> {
    return this.rows.findOneBy({ platform, appId, environment });
  }

  list(): Promise<PushCredentialEntity[]> {
    return this.rows.find({ order: { platform: 'ASC', appId: 'ASC', environment: 'ASC' } });
  }

  /** The plaintext credentials, or `undefined` when there is no such credential. */
  async readCredentials(credentialId: string): Promise<Credentials | undefined> {
    const row = await this.rows.findOne({ where: { id: credentialId }, select: { id: true, sealedCredentials: true } });
    if (row === null) return undefined;
    return openCredentials(this.secrets, row.sealedCredentials, credentialsContext('push_credential', credentialId));
  }

  private async insert(values: PushCredentialEntity): Promise<PushCredentialEntity> {
    const row = Object.assign(new PushCredentialEntity(), values);
    await this.rows.insert(row);
    return row;
  }
}
