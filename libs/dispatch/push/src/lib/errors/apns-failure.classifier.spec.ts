import type { FailureDisposition } from '../port/push-provider.port';
import { classifyApnsFailure } from './apns-failure.classifier';

describe(classifyApnsFailure.name, () => {
  const now = new Date('2025-01-01T00:00:00Z');

  it.each<[number, string, FailureDisposition]>([
    [410, 'Unregistered', 'prune'],
    [410, 'ExpiredToken', 'prune'],
    [400, 'BadDeviceToken', 'prune'],
    [400, 'DeviceTokenNotForTopic', 'prune'],
    [400, 'TopicDisallowed', 'prune'],
    [400, 'BadCollapseId', 'reject'],
    [400, 'BadExpirationDate', 'reject'],
    [400, 'BadMessageId', 'reject'],
    [400, 'BadPriority', 'reject'],
    [400, 'BadTopic', 'reject'],
    [400, 'DuplicateHeaders', 'reject'],
    [400, 'MissingDeviceToken', 'reject'],
    [400, 'MissingTopic', 'reject'],
    [400, 'PayloadEmpty', 'reject'],
    [400, 'InvalidPushType', 'reject'],
    [400, 'IdleTimeout', 'retry'],
    [403, 'ExpiredProviderToken', 'credential'],
    [403, 'InvalidProviderToken', 'credential'],
    [403, 'MissingProviderToken', 'credential'],
    [403, 'BadCertificate', 'credential'],
    [403, 'BadCertificateEnvironment', 'credential'],
    [403, 'UnrelatedKeyIdInToken', 'credential'],
    [403, 'Forbidden', 'credential'],
    [404, 'BadPath', 'reject'],
    [405, 'MethodNotAllowed', 'reject'],
    [413, 'PayloadTooLarge', 'reject'],
    [429, 'TooManyRequests', 'retry'],
    [429, 'TooManyProviderTokenUpdates', 'retry'],
    [500, 'InternalServerError', 'retry'],
    [503, 'ServiceUnavailable', 'retry'],
    [503, 'Shutdown', 'retry'],
    [502, 'SomethingNew', 'retry'],
    [400, 'SomethingNew', 'reject'],
  ])('classifies %i %s as %s', (status, reason, disposition) => {
    const outcome = classifyApnsFailure({ status, reason }, now);

    expect(outcome).toEqual({
      status: 'failed',
      disposition,
      reason: `${status} ${reason}`,
      httpStatus: status,
      retryAfterMs: undefined,
      tokenInvalidSince: undefined,
    });
  });

  it('prunes on 410 with the time APNs last confirmed the token invalid', () => {
    const outcome = classifyApnsFailure({ status: 410, reason: 'Unregistered', timestamp: 1_700_000_000_123 }, now);

    expect(outcome).toMatchObject({ disposition: 'prune', tokenInvalidSince: new Date(1_700_000_000_123) });
  });

  it('reads a 410 timestamp given as a string', () => {
    const outcome = classifyApnsFailure({ status: 410, reason: 'Unregistered', timestamp: '1700000000123' }, now);

    expect(outcome.tokenInvalidSince).toEqual(new Date(1_700_000_000_123));
  });

  it('names the environment a BadDeviceToken was sent to', () => {
    const outcome = classifyApnsFailure({ status: 400, reason: 'BadDeviceToken', environment: 'sandbox' }, now);

    expect(outcome).toMatchObject({ disposition: 'prune', reason: '400 BadDeviceToken (sent to APNs sandbox)' });
  });

  it('honours Retry-After in seconds and as an HTTP date', () => {
    expect(classifyApnsFailure({ status: 429, reason: 'TooManyRequests', retryAfter: '30' }, now).retryAfterMs).toBe(
      30_000,
    );
    const dated = classifyApnsFailure(
      { status: 503, reason: 'ServiceUnavailable', retryAfter: 'Wed, 01 Jan 2025 00:01:00 GMT' },
      now,
    );
    expect(dated.retryAfterMs).toBe(60_000);
  });

  it.each(['GOAWAY', 'apn write failed: socket hang up', 'apn write timeout'])(
    'retries when no response arrived (%s)',
    (reason) => {
      expect(classifyApnsFailure({ status: undefined, reason }, now)).toEqual({
        status: 'failed',
        disposition: 'retry',
        reason: `connection: ${reason}`,
        httpStatus: undefined,
        retryAfterMs: undefined,
        tokenInvalidSince: undefined,
      });
    },
  );

  it('falls back on the status when the reason is missing', () => {
    expect(classifyApnsFailure({ status: 500, reason: undefined }, now)).toMatchObject({
      disposition: 'retry',
      reason: '500',
    });
  });
});
