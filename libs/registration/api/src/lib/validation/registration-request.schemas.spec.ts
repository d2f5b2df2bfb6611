import { parseRequest } from './parse-request';
import { RegisterDeviceSchema, UpdateSettingsSchema } from './registration-request.schemas';
import { RequestValidationError } from './request-validation.error';

const APNS_TOKEN = 'AB'.repeat(32);
const FCM_TOKEN = 'cX1y_Z-0:APA91bH-abc_DEF.123';
const VALID = { deviceId: 'device-1', platform: 'ios', pushToken: APNS_TOKEN, appId: 'com.contoso.mail' };

function fieldErrorsOf(schema: typeof RegisterDeviceSchema | typeof UpdateSettingsSchema, body: unknown): unknown {
  try {
    parseRequest(schema, body);
  } catch (error) {
    if (error instanceof RequestValidationError) return error.errors;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('RegisterDeviceSchema', () => {
  it('accepts a minimal iOS registration, defaulting the environment and lower-casing the APNs token', () => {
    expect(parseRequest(RegisterDeviceSchema, VALID)).toEqual({
      ...VALID,
      pushToken: APNS_TOKEN.toLowerCase(),
      environment: 'production',
    });
  });

  it('accepts an Android registration with every optional field, canonicalising the locale', () => {
    const body = {
      deviceId: 'pixel',
      platform: 'android',
      pushToken: FCM_TOKEN,
      appId: 'com.contoso.mail_app',
      environment: 'sandbox',
      locale: 'de-ch',
      settings: { preview: 'sender', quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Zurich' } },
    };

    expect(parseRequest(RegisterDeviceSchema, body)).toEqual({ ...body, locale: 'de-CH' });
  });

  it('names the platform when it is not ios or android', () => {
    expect(fieldErrorsOf(RegisterDeviceSchema, { ...VALID, platform: 'windows-phone' })).toEqual([
      { field: 'platform', message: 'must be "ios" or "android"' },
    ]);
  });

  it('names every missing field', () => {
    expect(fieldErrorsOf(RegisterDeviceSchema, {})).toEqual([
      { field: 'deviceId', message: 'is required' },
      { field: 'platform', message: 'must be "ios" or "android"' },
      { field: 'pushToken', message: 'is required' },
      { field: 'appId', message: 'is required' },
    ]);
  });

  it.each([
    ['ios', 'ab'.repeat(31), 'must be an APNs device token: 64 to 200 hexadecimal characters'],
    ['ios', 'zz'.repeat(32), 'must be an APNs device token: 64 to 200 hexadecimal characters'],
    ['ios', 'ab'.repeat(101), 'must be an APNs device token: 64 to 200 hexadecimal characters'],
    ['android', 'has space', 'must be an FCM registration token: 1 to 4096 of A-Z a-z 0-9 - _ : .'],
    ['android', 'a'.repeat(4097), 'must be at most 4096 characters'],
  ])('checks the %s token format (%#)', (platform, pushToken, message) => {
    expect(fieldErrorsOf(RegisterDeviceSchema, { ...VALID, platform, pushToken })).toEqual([
      { field: 'pushToken', message },
    ]);
  });

  it.each([
    ['deviceId', '', 'must not be empty'],
    ['deviceId', 'x'.repeat(256), 'must be at most 255 characters'],
    ['deviceId', 'line\nbreak', 'must not contain control characters'],
    ['appId', 'mail', 'must be a reverse-DNS app id such as com.example.mail'],
    ['appId', `com.${'x'.repeat(252)}`, 'must be at most 255 characters'],
    ['environment', 'staging', 'must be "production" or "sandbox"'],
    ['locale', 'english please', 'must be a BCP 47 language tag such as en-GB'],
    ['locale', `en-${'abcdefgh-'.repeat(4)}x`, 'must be at most 35 characters'],
    ['deviceId', 42, 'must be a string'],
  ])('names %s when it is %j', (field, value, message) => {
    expect(fieldErrorsOf(RegisterDeviceSchema, { ...VALID, [field]: value })).toEqual([{ field, message }]);
  });

  it('names nested settings fields by their path', () => {
    const settings = {
      preview: 'full',
      folders: ['inbox', ''],
      quietHours: { start: '25:00', end: '07:00', timeZone: 'Mars/Olympus' },
    };

    expect(fieldErrorsOf(RegisterDeviceSchema, { ...VALID, settings })).toEqual([
      { field: 'settings.folders[1]', message: expect.any(String) },
      { field: 'settings.quietHours.start', message: 'must be HH:MM (24-hour)' },
      { field: 'settings.quietHours.timeZone', message: 'must be an IANA time zone, e.g. Europe/Berlin' },
    ]);
  });

  it('names unknown fields', () => {
    expect(fieldErrorsOf(RegisterDeviceSchema, { ...VALID, mailbox: 'someone@else.com' })).toEqual([
      { field: 'mailbox', message: 'is not a known field' },
    ]);
  });

  it.each([[null], [[]], ['text'], [7]])('refuses a body that is not an object (%j)', (body) => {
    expect(fieldErrorsOf(RegisterDeviceSchema, body)).toEqual([{ field: 'body', message: 'must be a JSON object' }]);
  });
});

describe('UpdateSettingsSchema', () => {
  it('names quietHours.timeZone when it is not an IANA time zone', () => {
    const body = { preview: 'none', quietHours: { start: '22:00', end: '07:00', timeZone: 'Middle-earth/Shire' } };

    expect(fieldErrorsOf(UpdateSettingsSchema, body)).toEqual([
      { field: 'quietHours.timeZone', message: 'must be an IANA time zone, e.g. Europe/Berlin' },
    ]);
  });

  it('accepts the full settings', () => {
    const body = {
      preview: 'full',
      folders: ['inbox', 'VIP'],
      vipSenders: ['boss@contoso.com'],
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
      sound: 'none',
      badge: false,
    };

    expect(parseRequest(UpdateSettingsSchema, body)).toEqual(body);
  });
});
