import { generateKeyPairSync } from 'node:crypto';
import { PushCredentialError } from '../support/push-credential.error';
import { loadFcmCredential } from './fcm-credential.loader';

const rsaKeyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;
const ecKeyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  type: 'pkcs8',
  format: 'pem',
}) as string;

const account = {
  type: 'service_account',
  project_id: 'mailpush-test',
  private_key_id: 'key-1',
  private_key: rsaKeyPem,
  client_email: 'push@mailpush-test.iam.gserviceaccount.com',
  token_uri: 'https://127.0.0.1:9999/token',
};

describe(loadFcmCredential.name, () => {
  it('maps a service account key', () => {
    expect(loadFcmCredential(account)).toEqual({
      kind: 'fcm',
      projectId: 'mailpush-test',
      clientEmail: 'push@mailpush-test.iam.gserviceaccount.com',
      privateKeyPem: rsaKeyPem,
      privateKeyId: 'key-1',
      tokenUri: 'https://127.0.0.1:9999/token',
    });
  });

  it('reads JSON text, and defaults token_uri to Google', () => {
    const { token_uri: _unused, ...rest } = account;

    expect(loadFcmCredential(JSON.stringify(rest)).tokenUri).toBe('https://oauth2.googleapis.com/token');
  });

  it.each<[string, unknown, string, RegExp]>([
    ['text that is not JSON', '/etc/passwd', 'serviceAccount', /not valid JSON/],
    ['an array', [], 'serviceAccount', /JSON object/],
    ['another kind of key', { ...account, type: 'authorized_user' }, 'type', /service_account/],
    ['no project_id', { ...account, project_id: undefined }, 'project_id', /no "project_id"/],
    ['no client_email', { ...account, client_email: '' }, 'client_email', /no "client_email"/],
    ['no private_key', { ...account, private_key: undefined }, 'private_key', /no "private_key"/],
    ['a numeric project_id', { ...account, project_id: 42 }, 'project_id', /must be a string/],
    ['a private key that is not PEM', { ...account, private_key: 'garbage' }, 'private_key', /private key/i],
    ['an EC private key', { ...account, private_key: ecKeyPem }, 'private_key', /RSA/],
    ['a token_uri that is not http', { ...account, token_uri: 'ftp://x/token' }, 'token_uri', /http/],
  ])('refuses %s, naming the field', (_what, input, field, message) => {
    let error: unknown;
    try {
      loadFcmCredential(input);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(PushCredentialError);
    expect(error).toMatchObject({ field, message: expect.stringMatching(message) });
  });
});
