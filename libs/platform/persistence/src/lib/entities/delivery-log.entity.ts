import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Recent pushes, kept for a bounded time (rows older than the retention are deleted by `created_at`).
 * No foreign keys on purpose: the log of a pruned registration stays readable until it ages out, and SQL
 * Server would refuse a second cascade path from mailbox.
 */
@Entity({ name: 'delivery_log' })
@Index('IDX_delivery_log_created_at', ['createdAt'])
@Index('IDX_delivery_log_registration', ['registrationId', 'createdAt'])
export class DeliveryLogEntity {
  @PrimaryColumn({ type: String, length: 36, primaryKeyConstraintName: 'PK_delivery_log' })
  id!: string;

  @Column({ name: 'registration_id', type: String, length: 36 })
  registrationId!: string;

  @Column({ name: 'mailbox_id', type: String, length: 36 })
  mailboxId!: string;

  /** The stable id of the mail change (mailbox + item id + change kind) this push was for. */
  @Column({ name: 'change_id', type: String, length: 512 })
  changeId!: string;

  @Column({ type: String, length: 32 })
  status!: string;

  @Column({ name: 'provider_message_id', type: String, length: 255, nullable: true })
  providerMessageId!: string | null;

  @Column({ type: String, length: 2000, nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
