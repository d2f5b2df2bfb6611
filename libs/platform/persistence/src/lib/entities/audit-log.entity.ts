import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { JsonObject } from './json-object';

/** One administrative change: who did what to which object. `details` never holds credentials. */
@Entity({ name: 'audit_log' })
@Index('IDX_audit_log_created_at', ['createdAt'])
@Index('IDX_audit_log_target', ['targetType', 'targetId'])
export class AuditLogEntity {
  @PrimaryColumn({ type: String, length: 36, primaryKeyConstraintName: 'PK_audit_log' })
  id!: string;

  @Column({ type: String, length: 255 })
  actor!: string;

  @Column({ type: String, length: 100 })
  action!: string;

  @Column({ name: 'target_type', type: String, length: 64 })
  targetType!: string;

  @Column({ name: 'target_id', type: String, length: 255 })
  targetId!: string;

  @Column({ type: 'simple-json' })
  details!: JsonObject;

  @Column({ name: 'created_at', type: Date })
  createdAt!: Date;
}
