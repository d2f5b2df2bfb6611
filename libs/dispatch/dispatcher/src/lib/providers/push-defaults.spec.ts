import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@mailpush/config';
import { PushAdaptersFactory } from './push-adapters.factory';
import { loadPushDefaults } from './push-defaults';

describe(loadPushDefaults.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailpush-push-defaults-'));
  const factory = new PushAdaptersFactory();
  const apnsKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  });
  writeFileSync(join(dir, 'AuthKey.p8'), apnsKey);
  writeFileSync(join(dir, 'not-a-key.p8'), 'hello');
  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n');
  writeFileSync(
    join(dir, 'account.json'),
    JSON.stringify({
      type: 'service_account',
      project_id: 'mailpush-test',
      client_email: 'push@mailpush-test.iam.gserviceaccount.com',
      private_key: rsaKey,
    }),
  );

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function config(env: Record<string, string>): ReturnType<typeof loadConfig> {
    return loadConfig({ app: 'dispatcher' }, env);
  }

  const apnsEnv = (keyFile: string): Record<string, string> => ({
    APNS_KEY_PATH: join(dir, keyFile),
    APNS_KEY_ID: 'ABCDE12345',
    APNS_TEAM_ID: 'TEAM123456',
    APNS_TOPIC: 'com.example.mail',
  });

  it('has no defaults when the environment configures none', async () => {
    const defaults = await loadPushDefaults(config({}), factory);

    expect(defaults.apns).toBeUndefined();
    expect(defaults.fcm).toBeUndefined();
    expect(defaults.endpoints.apns).toEqual({ host: undefined, port: undefined, caPem: undefined });
  });

  it('reads the APNs key, the FCM service account and the CA files', async () => {
    const defaults = await loadPushDefaults(
      config({
        ...apnsEnv('AuthKey.p8'),
        APNS_HOST: 'apns.internal',
        APNS_PORT: '2197',
        APNS_CA_PATH: join(dir, 'ca.pem'),
        FCM_SERVICE_ACCOUNT_PATH: join(dir, 'account.json'),
        FCM_PROJECT_ID: 'mailpush-test',
        FCM_ENDPOINT: 'https://fcm.internal',
      }),
      factory,
    );

    expect(defaults.apns).toMatchObject({ kind: 'apns', keyId: 'ABCDE12345', teamId: 'TEAM123456' });
    expect(defaults.fcm).toMatchObject({ kind: 'fcm', projectId: 'mailpush-test' });
    expect(defaults.endpoints.apns).toMatchObject({ host: 'apns.internal', port: 2197 });
    expect(defaults.endpoints.apns.caPem).toContain('BEGIN CERTIFICATE');
    expect(defaults.endpoints.fcm).toMatchObject({ endpoint: 'https://fcm.internal', caPem: undefined });
  });

  it('names the variable whose file cannot be read', async () => {
    await expect(loadPushDefaults(config(apnsEnv('missing.p8')), factory)).rejects.toThrow(
      /^APNS_KEY_PATH: cannot read .*missing\.p8/,
    );
    await expect(loadPushDefaults(config({ APNS_CA_PATH: join(dir, 'nope.pem') }), factory)).rejects.toThrow(
      /^APNS_CA_PATH: cannot read/,
    );
  });

  it('names the variable whose key is not usable', async () => {
    await expect(loadPushDefaults(config(apnsEnv('not-a-key.p8')), factory)).rejects.toThrow(
      /^APNS_KEY_PATH: APNs credential/,
    );
    await expect(
      loadPushDefaults(config({ FCM_SERVICE_ACCOUNT_PATH: join(dir, 'ca.pem'), FCM_PROJECT_ID: 'p' }), factory),
    ).rejects.toThrow(/^FCM_SERVICE_ACCOUNT_PATH: FCM credential/);
  });
});
