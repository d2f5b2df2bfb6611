import { Table, TableForeignKey, TableIndex, TableUnique, type MigrationInterface, type QueryRunner } from 'typeorm';
import { ColumnTypes } from './column-types';

/** The first schema: connections, mailboxes, device registrations, push credentials and the two logs. */
export class InitialSchema1763683200000 implements MigrationInterface {
  // Explicit, because bundlers rename classes and TypeORM records this name in the migrations table.
  readonly name = 'InitialSchema1763683200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const c = new ColumnTypes(queryRunner);

    await queryRunner.createTable(
      new Table({
        name: 'mail_connection',
        columns: [
          c.primaryId('mail_connection'),
          c.string('kind', 16),
          c.string('name', 200),
          c.json('domains'),
          c.text('sealed_credentials'),
          c.json('settings'),
          c.boolean('enabled'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [new TableUnique({ name: 'UQ_mail_connection_name', columnNames: ['name'] })],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'mailbox',
        columns: [
          c.primaryId('mailbox'),
          c.string('smtp_address', 320),
          c.id('connection_id', { nullable: true }),
          c.string('backend', 16),
          c.string('shard_key', 512),
          c.integer('shard'),
          c.string('affinity_group', 512, { nullable: true }),
          c.string('subscription_id', 255, { nullable: true }),
          c.timestamp('subscription_expires_at', { nullable: true }),
          c.text('watermark', { nullable: true }),
          c.string('status', 32),
          c.integer('owner_epoch', { default: '0' }),
          c.timestamp('last_event_at', { nullable: true }),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [new TableUnique({ name: 'UQ_mailbox_smtp_address', columnNames: ['smtp_address'] })],
      }),
    );
    await queryRunner.createIndex('mailbox', new TableIndex({ name: 'IDX_mailbox_shard', columnNames: ['shard'] }));
    await queryRunner.createIndex(
      'mailbox',
      new TableIndex({ name: 'IDX_mailbox_connection', columnNames: ['connection_id'] }),
    );
    await queryRunner.createIndex(
      'mailbox',
      new TableIndex({ name: 'IDX_mailbox_subscription', columnNames: ['subscription_id'] }),
    );
    await queryRunner.createForeignKey(
      'mailbox',
      new TableForeignKey({
        name: 'FK_mailbox_connection',
        columnNames: ['connection_id'],
        referencedTableName: 'mail_connection',
        referencedColumnNames: ['id'],
        onDelete: 'SET NULL',
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'device_registration',
        columns: [
          c.primaryId('device_registration'),
          c.id('mailbox_id'),
          c.string('device_id', 255),
          c.string('platform', 16),
          c.string('push_token', 1024),
          c.string('app_id', 255),
          c.string('environment', 16),
          c.string('locale', 35, { nullable: true }),
          c.json('settings'),
          c.string('status', 32),
          c.timestamp('expires_at'),
          c.integer('failure_count', { default: '0' }),
          c.timestamp('last_push_at', { nullable: true }),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [
          new TableUnique({ name: 'UQ_device_registration_mailbox_device', columnNames: ['mailbox_id', 'device_id'] }),
        ],
      }),
    );
    await queryRunner.createIndex(
      'device_registration',
      new TableIndex({ name: 'IDX_device_registration_expires_at', columnNames: ['expires_at'] }),
    );
    await queryRunner.createForeignKey(
      'device_registration',
      new TableForeignKey({
        name: 'FK_device_registration_mailbox',
        columnNames: ['mailbox_id'],
        referencedTableName: 'mailbox',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'push_credential',
        columns: [
          c.primaryId('push_credential'),
          c.string('platform', 16),
          c.string('app_id', 255),
          c.string('environment', 16),
          c.text('sealed_credentials'),
          c.boolean('enabled'),
          c.timestamp('created_at'),
          c.timestamp('updated_at'),
        ],
        uniques: [
          new TableUnique({
            name: 'UQ_push_credential_platform_app_environment',
            columnNames: ['platform', 'app_id', 'environment'],
          }),
        ],
      }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'delivery_log',
        columns: [
          c.primaryId('delivery_log'),
          c.id('registration_id'),
          c.id('mailbox_id'),
          c.string('change_id', 512),
          c.string('status', 32),
          c.string('provider_message_id', 255, { nullable: true }),
          c.string('error', 2000, { nullable: true }),
          c.timestamp('created_at'),
        ],
      }),
    );
    await queryRunner.createIndex(
      'delivery_log',
      new TableIndex({ name: 'IDX_delivery_log_created_at', columnNames: ['created_at'] }),
    );
    await queryRunner.createIndex(
      'delivery_log',
      new TableIndex({ name: 'IDX_delivery_log_registration', columnNames: ['registration_id', 'created_at'] }),
    );

    await queryRunner.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          c.primaryId('audit_log'),
          c.string('actor', 255),
          c.string('action', 100),
          c.string('target_type', 64),
          c.string('target_id', 255),
          c.json('details'),
          c.timestamp('created_at'),
        ],
      }),
    );
    await queryRunner.createIndex(
      'audit_log',
      new TableIndex({ name: 'IDX_audit_log_created_at', columnNames: ['created_at'] }),
    );
    await queryRunner.createIndex(
      'audit_log',
      new TableIndex({ name: 'IDX_audit_log_target', columnNames: ['target_type', 'target_id'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Children before parents; dropTable also drops the table's indexes and foreign keys.
    for (const table of [
      'audit_log',
      'delivery_log',
      'push_credential',
      'device_registration',
      'mailbox',
      'mail_connection',
    ]) {
      await queryRunner.dropTable(table, false, true, true);
    }
  }
}
