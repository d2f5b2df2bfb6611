import { Inject, Injectable } from '@nestjs/common';
import { ReadinessCheck } from '@mailpush/runtime';
import { DataSource } from 'typeorm';

const TIMEOUT_MS = 2_000;

/** Ready when the database answers `SELECT 1` within two seconds. */
@Injectable()
export class DatabaseReadinessCheck extends ReadinessCheck {
  readonly name = 'database';

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {
    super();
  }

  async check(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`database did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    });
    try {
      await Promise.race([this.dataSource.query('SELECT 1'), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
