import { sandboxBanner } from './sandbox-banner';
import type { SandboxDescription } from './sandbox-description';

const description: SandboxDescription = {
  apns: {
    host: '127.0.0.1',
    port: 2197,
    keyId: 'KEY1234567',
    teamId: 'TEAM123456',
    topic: 'com.example.mail',
    keyPath: '/s/apns-key.p8',
    caPath: '/s/ca.pem',
  },
  fcm: {
    endpoint: 'https://127.0.0.1:8443',
    tokenUrl: 'https://127.0.0.1:8443/token',
    projectId: 'mailpush-sandbox',
    serviceAccountPath: '/s/fcm-service-account.json',
    caPath: '/s/ca.pem',
  },
  oidc: {
    issuer: 'http://127.0.0.1:9000',
    jwksUrl: 'http://127.0.0.1:9000/jwks',
    audience: 'mailpush',
    mintUrl: 'http://127.0.0.1:9000/mint',
  },
  graph: {
    baseUrl: 'https://127.0.0.1:9443',
    authorityHost: 'https://127.0.0.1:9443',
    tenantId: '6e1f2c3a-5b4d-4e6f-8a7b-9c0d1e2f3a4b',
    clientId: '0b5c2a7e-3f1d-4c2b-9a8e-7d6c5b4a3f21',
    clientSecret: 'sandbox-secret',
    caPath: '/s/ca.pem',
  },
};

describe(sandboxBanner.name, () => {
  it('names every endpoint, file and the control API', () => {
    const text = sandboxBanner(description, 'http://localhost:8080').join('\n');

    for (const expected of [
      'https://127.0.0.1:2197',
      'KEY1234567',
      'https://127.0.0.1:8443/token',
      'http://127.0.0.1:9000/jwks',
      'https://127.0.0.1:9443/v1.0',
      '/s/apns-key.p8',
      '/s/fcm-service-account.json',
      'http://localhost:8080/sandbox',
      'never for production',
    ]) {
      expect(text).toContain(expected);
    }
  });
});
