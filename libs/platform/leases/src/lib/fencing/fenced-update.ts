import {
  DataSource,
  EntityManager,
  MoreThan,
  type EntityTarget,
  type FindOptionsWhere,
  type ObjectLiteral,
} from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm';

/** Equality conditions on entity properties (`null` means IS NULL). */
export type FenceConditions<T> = { readonly [K in keyof T]?: T[K] };

export interface FencedUpdate<T extends ObjectLiteral> {
  /** The entity class (or any TypeORM entity target) whose table is updated. */
  readonly entity: EntityTarget<T>;
  /** Which rows, e.g. `{ id, shard }`: at least one condition. The shard guards against a moved mailbox. */
  readonly where: FenceConditions<T>;
  /** The writer's lease epoch for the shard. */
  readonly epoch: number;
  readonly set: QueryDeepPartialEntity<T>;
  /** The property of the fencing column; default `ownerEpoch` (column `owner_epoch`). */
  readonly epochProperty?: keyof T & string;
}

export interface FencedUpdateResult {
  /** At least one row was written: no owner with a newer epoch has written (or claimed) it. */
  readonly applied: boolean;
  readonly rows: number;
}

/**
 * An UPDATE that only applies where the row's epoch is not newer than the writer's, and stamps the row with
 * the writer's epoch: `UPDATE t SET ..., owner_epoch = :epoch WHERE <where> AND owner_epoch <= :epoch`.
 * Once a newer owner has written or claimed a row (`claimShard`), a paused former owner cannot overwrite
 * it. One parameterised statement, so it is atomic on SQL Server, PostgreSQL and SQLite alike, and runs
 * inside a transaction when given that transaction's `EntityManager`.
 */
export async function fencedUpdate<T extends ObjectLiteral>(
  db: DataSource | EntityManager,
  update: FencedUpdate<T>,
): Promise<FencedUpdateResult> {
  const manager = db instanceof EntityManager ? db : db.manager;
  const metadata = manager.connection.getMetadata(update.entity);
  const escape = (property: string): string => {
    const column = metadata.findColumnWithPropertyName(property);
    if (column === undefined) throw new Error(`${metadata.name} has no property ${property}`);
    return manager.connection.driver.escape(column.databaseName);
  };
  const epochProperty = update.epochProperty ?? 'ownerEpoch';
  if (!Number.isInteger(update.epoch) || update.epoch < 0)
    throw new RangeError(`epoch must be a whole number, got ${update.epoch}`);

  const conditions: string[] = [];
  const parameters: Record<string, unknown> = { fenceEpoch: update.epoch };
  Object.entries(update.where).forEach(([property, value], index) => {
    if (value === undefined) return;
    if (value === null) conditions.push(`${escape(property)} IS NULL`);
    else {
      conditions.push(`${escape(property)} = :fenceWhere${index}`);
      parameters[`fenceWhere${index}`] = value;
    }
  });
  if (conditions.length === 0) throw new Error('fencedUpdate needs at least one where condition');
  conditions.push(`${escape(epochProperty)} <= :fenceEpoch`);

  const result = await manager
    .createQueryBuilder()
    .update(update.entity)
    .set({ ...update.set, [epochProperty]: update.epoch } as QueryDeepPartialEntity<T>)
    .where(conditions.join(' AND '), parameters)
    .execute();
  const rows = result.affected ?? 0;
  return { applied: rows > 0, rows };
}

export interface ShardClaim<T extends ObjectLiteral> {
  readonly entity: EntityTarget<T>;
  readonly shard: number;
  readonly epoch: number;
  /** Default `shard`. */
  readonly shardProperty?: keyof T & string;
  /** Default `ownerEpoch`. */
  readonly epochProperty?: keyof T & string;
  /**
   * Only the shard's rows matching these too: apps with lease spaces (and epochs) of their own sharing one
   * table, e.g. `{ backend: 'graph' }`, so that one app's claim never fences out the other's writes.
   */
  readonly scope?: FenceConditions<T>;
}

export interface ShardClaimResult {
  /** Rows of the shard now stamped with this epoch. */
  readonly claimed: number;
  /**
   * Rows of the shard stamped with a newer epoch: a newer owner exists, so give the shard up; or, when the
   * lease store says this epoch is current, the store lost its epoch counters (see ADR 0008).
   */
  readonly newer: number;
}

/**
 * Stamps every row of a shard with the new owner's epoch, so that from now on the former owner's fenced
 * writes are refused even for rows the new owner has not written yet. Call it in the shard-acquired
 * handler before reading the shard's state.
 */
export async function claimShard<T extends ObjectLiteral>(
  db: DataSource | EntityManager,
  claim: ShardClaim<T>,
): Promise<ShardClaimResult> {
  const manager = db instanceof EntityManager ? db : db.manager;
  const shardProperty = claim.shardProperty ?? 'shard';
  const epochProperty = claim.epochProperty ?? 'ownerEpoch';
  const { rows } = await fencedUpdate(manager, {
    entity: claim.entity,
    where: { ...claim.scope, [shardProperty]: claim.shard } as FenceConditions<T>,
    epoch: claim.epoch,
    set: {},
    epochProperty,
  });
  const newer = await manager.count(claim.entity, {
    where: {
      ...claim.scope,
      [shardProperty]: claim.shard,
      [epochProperty]: MoreThan(claim.epoch),
    } as FindOptionsWhere<T>,
  });
  return { claimed: rows, newer };
}
