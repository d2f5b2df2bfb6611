import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { ColumnTypes } from './column-types';

/**
 * What a mail source keeps per mailbox beyond the subscription id: the subscription's secret (`clientState`,
 * sealed), work a notification asked the shard owner to do, and the last watch error for the status views.
 */
export class MailboxWatchState1763856000000 implements MigrationInterface {
  readonly name = 'MailboxWatchState1763856000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new ColumnTypes(queryRunner);
    await queryRunner.addColumns('mailbox', [
      new TableColumn(c.text('sealed_client_state', { nullable: true })),
      new TableColumn(c.string('sync_request', 32, { nullable: true })),
      new TableColumn(c.string('watch_error', 1000, { nullable: true })),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('mailbox', ['sealed_client_state', 'sync_request', 'watch_error']);
  }
}
