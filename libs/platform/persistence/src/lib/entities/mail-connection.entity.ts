import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';
import type { JsonObject } from './json-object';

export type MailConnectionKind = 'ews' | 'graph';

/** One Exchange organisation mailpush reaches: on-premises through EWS, or Exchange Online through Graph. */
@Entity({ name: 'mail_connection' })
@Unique('UQ_mail_connection_name', ['name'])
export class MailConnectionEntity {
  @PrimaryColumn({ type: String, length: 36, primaryKeyConstraintName: 'PK_mail_connection' })
  id!: string;

  @Column({ type: String, length: 16 })
  kind!: MailConnectionKind;

  @Column({ type: String, length: 200 })
  name!: string;

  /** Lower-case mail domains served by this connection. */
  @Column({ type: 'simple-json' })
  domains!: string[];

  /** `SecretBox` output for the context `mail_connection:<id>:credentials`; never plaintext. */
  @Column({ name: 'sealed_credentials', type: 'text' })
  sealedCredentials!: string;

  @Column({ type: 'simple-json' })
  settings!: JsonObject;

  @Column({ type: Boolean })
  enabled!: boolean;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
