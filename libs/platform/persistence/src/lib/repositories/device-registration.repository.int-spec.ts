import { Logger } from '@nestjs/common';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import { openMigratedDataSource } from '../data-source/run-migrations';
import { DeviceRegistrationRepository, type NewDeviceRegistration } from './device-registration.repository';
import { MailboxRepository } from './mailbox.repository';

Logger.overrideLogger(['error', 'warn']);

const EXPIRES = new Date('2030-01-01T00:00:00.000Z');

function registration(deviceId: string): NewDeviceRegistration {
  return {
    deviceId,
    platform: 'ios',
    pushToken: `token-${deviceId}`,
    appId: 'com.contoso.mail',
    environment: 'production',
    settings: { preview: 'full' },
    status: 'active',
    expiresAt: EXPIRES,
  };
}

describe(DeviceRegistrationRepository.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let sut: DeviceRegistrationRepository;
    let ada: string;
    let grace: string;

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      sut = new DeviceRegistrationRepository(dataSource);
      const mailboxes = new MailboxRepository(dataSource);
      ada = (
        await mailboxes.create({
          smtpAddress: 'ada@contoso.com',
          backend: 'pending',
          shardKey: 'a',
          shard: 1,
          status: 'pending',
        })
      ).id;
      grace = (
        await mailboxes.create({
          smtpAddress: 'grace@contoso.com',
          backend: 'pending',
          shardKey: 'g',
          shard: 2,
          status: 'pending',
        })
      ).id;
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    it('finds a registration through the mailbox that owns it', async () => {
      const created = await sut.create(ada, registration('ada-phone'));

      await expect(sut.findOne(ada, created.id)).resolves.toStrictEqual(created);
      await expect(sut.findByDevice(ada, 'ada-phone')).resolves.toStrictEqual(created);
    });

    it("does not find, change or delete another mailbox's registration", async () => {
      const graces = await sut.create(grace, registration('grace-phone'));

      await expect(sut.findOne(ada, graces.id)).resolves.toBeNull();
      await expect(sut.findByDevice(ada, 'grace-phone')).resolves.toBeNull();
      await expect(sut.findForMailbox(ada)).resolves.not.toContainEqual(graces);
      await expect(sut.update(ada, graces.id, { pushToken: 'stolen' })).resolves.toBeNull();
      await expect(sut.delete(ada, graces.id)).resolves.toBe(false);
      await expect(sut.findOne(grace, graces.id)).resolves.toStrictEqual(graces);
    });

    it("lists only the mailbox's own registrations, oldest first", async () => {
      const mailbox = (
        await new MailboxRepository(dataSource).create({
          smtpAddress: 'list@contoso.com',
          backend: 'pending',
          shardKey: 'l',
          shard: 3,
          status: 'pending',
        })
      ).id;
      const clock = jest.spyOn(Date, 'now');
      clock.mockReturnValueOnce(Date.parse('2026-01-01T10:00:01.000Z'));
      const second = await sut.create(mailbox, { ...registration('two'), platform: 'android', locale: 'fr-FR' });
      clock.mockReturnValueOnce(Date.parse('2026-01-01T10:00:00.000Z'));
      const first = await sut.create(mailbox, registration('one'));
      clock.mockRestore();
      await sut.create(grace, registration('elsewhere'));

      await expect(sut.findForMailbox(mailbox)).resolves.toStrictEqual([first, second]);
      await expect(sut.countForMailbox(mailbox)).resolves.toBe(2);
    });

    it('refuses a second registration of the same device on the same mailbox', async () => {
      await sut.create(ada, registration('twice'));

      await expect(sut.create(ada, registration('twice'))).rejects.toThrow();
    });

    it('updates the given fields and the update time', async () => {
      const created = await sut.create(ada, registration('to-update'));
      const later = new Date('2031-02-03T04:05:06.000Z');

      const updated = await sut.update(ada, created.id, {
        pushToken: 'new-token',
        expiresAt: later,
        settings: { preview: 'none' },
      });

      expect(updated).toMatchObject({
        id: created.id,
        pushToken: 'new-token',
        expiresAt: later,
        settings: { preview: 'none' },
        deviceId: 'to-update',
      });
      expect(updated?.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());
      await expect(sut.findOne(ada, created.id)).resolves.toStrictEqual(updated);
    });

    it('deletes a registration of the mailbox', async () => {
      const created = await sut.create(ada, registration('to-delete'));

      await expect(sut.delete(ada, created.id)).resolves.toBe(true);

      await expect(sut.findOne(ada, created.id)).resolves.toBeNull();
    });

    it('records pushes without touching updatedAt, and changes status only from the expected one and before a re-registration', async () => {
      const row = await sut.create(ada, registration('pushed-phone'));

      await sut.recordPushed([row.id, row.id], new Date('2026-03-01T10:00:00.000Z'));
      const pushed = await sut.findOne(ada, row.id);
      const refusedAsRefreshed = await sut.changeStatus(ada, row.id, {
        from: 'active',
        to: 'invalid',
        unlessUpdatedAfter: new Date(row.updatedAt.getTime() - 1000),
      });
      const refusedFromOtherStatus = await sut.changeStatus(ada, row.id, { from: 'expired', to: 'invalid' });
      const activeBefore = await sut.hasUnexpired(ada, 'active', new Date('2026-01-01T00:00:00.000Z'));
      const moved = await sut.changeStatus(ada, row.id, {
        from: 'active',
        to: 'invalid',
        unlessUpdatedAfter: new Date(row.updatedAt.getTime() + 1000),
      });

      expect(pushed).toMatchObject({ lastPushAt: new Date('2026-03-01T10:00:00.000Z'), failureCount: 0 });
      expect(pushed?.updatedAt).toEqual(row.updatedAt);
      expect([refusedAsRefreshed, refusedFromOtherStatus, activeBefore, moved]).toEqual([false, false, true, true]);
      await expect(sut.findOne(ada, row.id)).resolves.toMatchObject({ status: 'invalid' });
      await expect(sut.hasUnexpired(ada, 'invalid', EXPIRES)).resolves.toBe(false);
      await sut.delete(ada, row.id);
    });
  });
});
