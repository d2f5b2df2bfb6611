import { Logger } from '@nestjs/common';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { openMigratedDataSource } from '../data-source/run-migrations';
import { AuditLogRepository } from './audit-log.repository';

Logger.overrideLogger(['error', 'warn']);

describe(AuditLogRepository.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let sut: AuditLogRepository;

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      sut = new AuditLogRepository(dataSource);
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    it('records changes and lists the history of one object only', async () => {
      const first = await sut.record({
        actor: 'admin',
        action: 'create',
        targetType: 'mail_connection',
        targetId: 'c1',
        details: { name: 'on-prem' },
      });
      await sut.record({ actor: 'admin', action: 'create', targetType: 'mail_connection', targetId: 'c2' });
      await sut.record({ actor: 'admin', action: 'create', targetType: 'push_credential', targetId: 'c1' });

      await expect(sut.findForTarget('mail_connection', 'c1')).resolves.toStrictEqual([first]);
    });
  });
});
