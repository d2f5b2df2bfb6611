import { DeviceRegistrationEntity } from '@mailpush/persistence';
import { In, LessThanOrEqual, MoreThan, type DataSource, type Repository } from 'typeorm';
import { ACTIVE_STATUS } from '../devices/cached-device-directory.adapter';
import { INVALID_STATUS, RegistrationUpkeep } from './registration-upkeep.port';

/** Well below SQL Server's 2,100 parameters per statement. */
const IDS_PER_STATEMENT = 500;

/** The current time at the 10 ms resolution every supported database keeps exactly. */
function storedNow(): Date {
  return new Date(Math.floor(Date.now() / 10) * 10);
}

/** `RegistrationUpkeep` on the `device_registration` table, through TypeORM (SQL Server, PostgreSQL, SQLite). */
export class TypeOrmRegistrationUpkeep extends RegistrationUpkeep {
  private readonly rows: Repository<DeviceRegistrationEntity>;

  constructor(dataSource: DataSource) {
    super();
    this.rows = dataSource.getRepository(DeviceRegistrationEntity);
  }

  async recordPushed(registrationIds: readonly string[], at: Date): Promise<void> {
    const unique = [...new Set(registrationIds)];
    for (let i = 0; i < unique.length; i += IDS_PER_STATEMENT) {
      const ids = unique.slice(i, i + IDS_PER_STATEMENT);
      await this.rows.update({ id: In(ids) }, { lastPushAt: at, failureCount: 0 });
    }
  }

  async markInvalid(
    mailboxId: string,
    registrationId: string,
    unlessRefreshedAfter: Date | undefined,
  ): Promise<boolean> {
    const result = await this.rows.update(
      {
        mailboxId,
        id: registrationId,
        status: ACTIVE_STATUS,
        ...(unlessRefreshedAfter === undefined ? {} : { updatedAt: LessThanOrEqual(unlessRefreshedAfter) }),
      },
      { status: INVALID_STATUS, updatedAt: storedNow() },
    );
    return (result.affected ?? 0) > 0;
  }

  hasActiveRegistrations(mailboxId: string, now: Date): Promise<boolean> {
    return this.rows.exists({ where: { mailboxId, status: ACTIVE_STATUS, expiresAt: MoreThan(now) } });
  }
}
