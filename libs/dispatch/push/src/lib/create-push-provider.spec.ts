import { generateKeyPairSync } from 'node:crypto';
import { ApnsPushProvider } from './apns/apns-push-provider.adapter';
import { createPushProvider } from './create-push-provider';
import { FcmPushProvider } from './fcm/fcm-push-provider.adapter';
import type { PushEndpoints } from './port/push-credential';

const endpoints: PushEndpoints = {
  apns: { host: '127.0.0.1', port: 1, caPem: undefined },
  fcm: { endpoint: 'https://127.0.0.1:1', tokenUrl: undefined, caPem: undefined },
};

describe(createPushProvider.name, () => {
  it('builds the APNs adapter for an Apple key, without connecting', async () => {
    const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });

    const sut = createPushProvider(
      { kind: 'apns', keyPem: keyPem.toString(), keyId: 'ABC123DEFG', teamId: 'TEAM123456' },
      'production',
      endpoints,
    );

    expect(sut).toBeInstanceOf(ApnsPushProvider);
    expect(sut.platform).toBe('ios');
    await sut.close();
  });

  it('builds the FCM adapter for a service account, without connecting', async () => {
    const privateKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });

    const sut = createPushProvider(
      {
        kind: 'fcm',
        projectId: 'p1',
        clientEmail: 'push@p1.iam.gserviceaccount.com',
        privateKeyPem: privateKeyPem.toString(),
        privateKeyId: undefined,
        tokenUri: 'https://127.0.0.1:1/token',
      },
      'production',
      endpoints,
    );

    expect(sut).toBeInstanceOf(FcmPushProvider);
    expect(sut.platform).toBe('android');
    await sut.close();
  });
});
