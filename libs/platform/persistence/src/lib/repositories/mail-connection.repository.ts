import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@mailpush/secrets';
import { DataSource, type Repository } from 'typeorm';
import type { JsonObject } from '../entities/json-object';
import { MailConnectionEntity, type MailConnectionKind } from '../entities/mail-connection.entity';
import { credentialsContext, openCredentials, sealCredentials, type Credentials } from './sealed-credentials';
import { storedNow } from './stored-now';

export interface NewMailConnection {
  readonly kind: MailConnectionKind;
  readonly name: string;
  readonly domains: readonly string[];
  readonly credentials: Credentials;
  readonly settings?: JsonObject;
  readonly enabled?: boolean;
}

/** Mail connections, with their credentials sealed by `SecretBox` (never stored or returned in plaintext). */
@Injectable()
export class MailConnectionRepository {
  private readonly rows: Repository<MailConnectionEntity>;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(SecretBox) private readonly secrets: SecretBox,
  ) {
    this.rows = dataSource.getRepository(MailConnectionEntity);
  }

  async create(input: NewMailConnection): Promise<MailConnectionEntity> {
    const id = randomUUID();
    const now = storedNow();
    return this.insert({
      id,
      kind: input.kind,
      name: input.name,
      domains: input.domains.map((domain) => domain.toLowerCase()),
      sealedCredentials: sealCredentials(this.secrets, input.credentials, credentialsContext('mail_connection', id)),
      settings: input.settings ?? {},
      enabled: input.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
  }

  findByName(name: string): Promise<MailConnectionEntity | null> {
    return this.rows.findOneBy({ name });
  }

  /**
   * Creates the connection named `input.name`, or brings the existing one up to date (kind, domains,
   * credentials, settings, enabled). For connections seeded from the environment at every boot; replicas
   * booting together may race, and the loser of the insert updates the winner's row instead.
   */
  async saveByName(input: NewMailConnection): Promise<MailConnectionEntity> {
    const existing = await this.findByName(input.name);
    if (existing === null) {
      try {
        return await this.create(input);
      } catch (error) {
        if ((await this.findByName(input.name)) === null) throw error;
      }
    }
    const row = existing ?? (await this.findByName(input.name));
    if (row === null) throw new Error(`mail connection ${input.name} vanished while it was being saved`);
    const changes = {
      kind: input.kind,
      domains: input.domains.map((domain) => domain.toLowerCase()),
      sealedCredentials: sealCredentials(
        this.secrets,
        input.credentials,
        credentialsContext('mail_connection', row.id),
      ),
      settings: input.settings ?? {},
      enabled: input.enabled ?? true,
      updatedAt: storedNow(),
    };
    await this.rows.update({ id: row.id }, changes);
    return Object.assign(row, changes);
  }

  findOne(connectionId: string): Promise<MailConnectionEntity | null> {
    return this.rows.findOneBy({ id: connectionId });
  }

  list(): Promise<MailConnectionEntity[]> {
    return this.rows.find({ order: { name: 'ASC' } });
  }

  /** The plaintext credentials of a connection, or `undefined` when there is no such connection. */
  async readCredentials(connectionId: string): Promise<Credentials | undefined> {
    const row = await this.rows.findOne({ where: { id: connectionId }, select: { id: true, sealedCredentials: true } });
    if (row === null) return undefined;
    return openCredentials(this.secrets, row.sealedCredentials, credentialsContext('mail_connection', connectionId));
  }

  /** Seals and stores new credentials; `false` when there is no such connection. */
  async replaceCredentials(connectionId: string, credentials: Credentials): Promise<boolean> {
    const result = await this.rows.update(
      { id: connectionId },
      {
        sealedCredentials: sealCredentials(
          this.secrets,
          credentials,
          credentialsContext('mail_connection', connectionId),
        ),
        updatedAt: storedNow(),
      },
    );
    return (result.affected ?? 0) > 0;
  }

  private async insert(values: MailConnectionEntity): Promise<MailConnectionEntity> {
    const row = Object.assign(new MailConnectionEntity(), values);
    await this.rows.insert(row);
    return row;
  }
}
