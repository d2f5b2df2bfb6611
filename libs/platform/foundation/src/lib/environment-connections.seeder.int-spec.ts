import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@mailpush/config';
import { MailConnectionRepository, openMigratedDataSource } from '@mailpush/persistence';
import { SecretBox } from '@mailpush/secrets';
import { describeEachDatabase, type ThrowawayDatabase } from '@mailpush/testing';
import type { DataSource } from 'typeorm';
import {
  ENVIRONMENT_EWS_CONNECTION,
  ENVIRONMENT_GRAPH_CONNECTION,
  EnvironmentConnectionsSeeder,
} from './environment-connections.seeder';

Logger.overrideLogger(['error']);

const BASE = { DATABASE_URL: 'sqlite::memory:', SECRETS_KEY: randomBytes(32).toString('base64') };

describe(EnvironmentConnectionsSeeder.name, () => {
  describeEachDatabase((database) => {
    let db: ThrowawayDatabase;
    let dataSource: DataSource;
    let connections: MailConnectionRepository;

    beforeAll(async () => {
      db = await database.create();
      dataSource = await openMigratedDataSource(db.target);
      connections = new MailConnectionRepository(dataSource, new SecretBox(randomBytes(32).toString('base64')));
    });

    afterAll(async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    });

    const seed = (env: Record<string, string>): Promise<void> =>
      new EnvironmentConnectionsSeeder(
        loadConfig({ app: 'ews-watcher' }, { ...BASE, ...env }),
        connections,
      ).onModuleInit();

    it('seeds nothing when neither GRAPH_* nor EWS_* name a service account', async () => {
      await seed({});

      await expect(connections.list()).resolves.toEqual([]);
    });

    it('seeds the EWS_* service account as environment-ews, credentials sealed, once however often it boots', async () => {
      const env = {
        EWS_AUTODISCOVER_URL: 'https://autodiscover.contoso.example/autodiscover/autodiscover.svc',
        EWS_USERNAME: 'CONTOSO\\svc-mailpush',
        EWS_PASSWORD: 'pa55word',
        EWS_MAIL_DOMAINS: 'contoso.example',
      };
      await seed(env);
      await seed(env);

      const rows = (await connections.list()).filter((row) => row.name === ENVIRONMENT_EWS_CONNECTION);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        kind: 'ews',
        domains: ['contoso.example'],
        settings: { autodiscoverUrl: env.EWS_AUTODISCOVER_URL },
      });
      expect(rows[0]?.sealedCredentials).not.toContain('pa55word');
      await expect(connections.readCredentials(rows[0]?.id ?? '')).resolves.toEqual({
        auth: 'ntlm',
        username: 'CONTOSO\\svc-mailpush',
        password: 'pa55word',
      });
    });

    it('keeps the tenant of an OAuth service account, beside a Graph connection', async () => {
      await seed({
        EWS_AUTH: 'oauth',
        EWS_URL: 'https://outlook.office365.com/EWS/Exchange.asmx',
        EWS_USERNAME: 'client-id',
        EWS_PASSWORD: 'client-secret',
        EWS_TENANT_ID: 'tenant-1',
        GRAPH_TENANT_ID: 'tenant-1',
        GRAPH_CLIENT_ID: 'graph-app',
        GRAPH_CLIENT_SECRET: 'graph-secret',
      });

      const rows = await connections.list();
      const ews = rows.find((row) => row.name === ENVIRONMENT_EWS_CONNECTION);
      expect(rows.map((row) => row.name).sort()).toEqual([ENVIRONMENT_EWS_CONNECTION, ENVIRONMENT_GRAPH_CONNECTION]);
      expect(ews?.settings).toMatchObject({ ewsUrl: 'https://outlook.office365.com/EWS/Exchange.asmx' });
      await expect(connections.readCredentials(ews?.id ?? '')).resolves.toEqual({
        auth: 'oauth',
        username: 'client-id',
        password: 'client-secret',
        tenantId: 'tenant-1',
      });
    });
  });
});
