import { Column, Entity, ForeignKey, Index, PrimaryColumn, Unique } from 'typeorm';
import { MailConnectionEntity } from './mail-connection.entity';

export type MailboxBackend = 'pending' | 'ews' | 'graph';

/** A watched mailbox, and the watch state its shard owner keeps for it. */
@Entity({ name: 'mailbox' })
@Unique('UQ_mailbox_smtp_address', ['smtpAddress'])
@Index('IDX_mailbox_shard', ['shard'])
@Index('IDX_mailbox_connection', ['connectionId'])
@Index('IDX_mailbox_subscription', ['subscriptionId'])
export class MailboxEntity {
  @PrimaryColumn({ type: String, length: 36, primaryKeyConstraintName: 'PK_mailbox' })
  id!: string;

  /** Lower case; unique. */
  @Column({ name: 'smtp_address', type: String, length: 320 })
  smtpAddress!: string;

  @Column({ name: 'connection_id', type: String, length: 36, nullable: true })
  @ForeignKey(() => MailConnectionEntity, { name: 'FK_mailbox_connection', onDelete: 'SET NULL' })
  connectionId!: string | null;

  @Column({ type: String, length: 16 })
  backend!: MailboxBackend;

  /** What the shard is derived from: the affinity group for EWS, the mailbox id for Graph. */
  @Column({ name: 'shard_key', type: String, length: 512 })
  shardKey!: string;

  @Column({ type: Number })
  shard!: number;

  /** EWS URL + Autodiscover GroupingInformation; one streaming connection serves one group. */
  @Column({ name: 'affinity_group', type: String, length: 512, nullable: true })
  affinityGroup!: string | null;

  @Column({ name: 'subscription_id', type: String, length: 255, nullable: true })
  subscriptionId!: string | null;

  @Column({ name: 'subscription_expires_at', type: Date, nullable: true })
  subscriptionExpiresAt!: Date | null;

  /** EWS watermark or SyncState, or Graph deltaLink: where a catch-up sync resumes. */
  @Column({ type: 'text', nullable: true })
  watermark!: string | null;

  /**
   * The subscription's secret (Graph `clientState`), sealed by `SecretBox` for the context
   * `mailbox:<id>:client_state`; never plaintext.
   */
  @Column({ name: 'sealed_client_state', type: 'text', nullable: true })
  sealedClientState!: string | null;

  @Column({ type: String, length: 32 })
  status!: string;

  /** Work a notification asked the shard owner to do (e.g. `catch-up`, `recreate`, `reauthorize`). */
  @Column({ name: 'sync_request', type: String, length: 32, nullable: true })
  syncRequest!: string | null;

  /** The last error watching this mailbox, for the status views; `null` while it is watched fine. */
  @Column({ name: 'watch_error', type: String, length: 1000, nullable: true })
  watchError!: string | null;

  /** Fencing token: a shard owner writes watch state only where this still holds the epoch of its lease. */
  @Column({ name: 'owner_epoch', type: Number, default: 0 })
  ownerEpoch!: number;

  @Column({ name: 'last_event_at', type: Date, nullable: true })
  lastEventAt!: Date | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: Date })
  updatedAt!: Date;
}
