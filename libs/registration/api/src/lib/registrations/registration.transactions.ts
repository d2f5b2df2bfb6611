import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isUniqueViolation } from './unique-violation';

/** A race on a unique key is resolved by the next attempt, which sees the row the other request wrote. */
const ATTEMPTS = 3;

/**
 * Runs the registration API's writes in database transactions, so that the rows and the event about them
 * are committed together or not at all.
 *
 * The work receives the transaction's `EntityManager`; repositories join it through `within(manager)`.
 *
 * SQLite (the standalone server) has a single connection that TypeORM shares between all callers: two
 * interleaved transactions would nest as savepoints of one another. Transactions are therefore queued one
 * after the other on SQLite; PostgreSQL and SQL Server run them side by side on pooled connections.
 */
@Injectable()
export class RegistrationTransactions {
  private readonly serialized: boolean;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    this.serialized = dataSource.options.type === 'better-sqlite3';
  }

  /** Runs `work` in a transaction, again (up to 3 times in all) when it lost a race on a unique key. */
  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.once(work);
      } catch (error) {
        if (attempt >= ATTEMPTS || !isUniqueViolation(error)) throw error;
      }
    }
  }

  private once<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const transaction = (): Promise<T> => this.dataSource.transaction(work);
    if (!this.serialized) return transaction();
    const result = this.tail.then(transaction, transaction);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
