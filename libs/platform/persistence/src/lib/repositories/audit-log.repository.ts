import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { AuditLogEntity } from '../entities/audit-log.entity';
import type { JsonObject } from '../entities/json-object';
import { storedNow } from './stored-now';

export interface NewAuditLog {
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  /** What changed; never credentials. */
  readonly details?: JsonObject;
}

/** Administrative changes, append-only. */
@Injectable()
export class AuditLogRepository {
  private readonly rows: Repository<AuditLogEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.rows = dataSource.getRepository(AuditLogEntity);
  }

  async record(entry: NewAuditLog): Promise<AuditLogEntity> {
    return this.insert({
      id: randomUUID(),
      actor: entry.actor,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: entry.details ?? {},
      createdAt: storedNow(),
    });
  }

  /** The history of one object, newest first. */
  findForTarget(targetType: string, targetId: string, limit = 100): Promise<AuditLogEntity[]> {
    return this.rows.find({ where: { targetType, targetId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit });
  }

  private async insert(values: AuditLogEntity): Promise<AuditLogEntity> {
    const row = Object.assign(new AuditLogEntity(), values);
    await this.rows.insert(row);
    return row;
  }
}
