import type { FailureDisposition } from '../port/push-provider.port';
import { classifyFcmFailure, parseFcmErrorBody } from './fcm-failure.classifier';

describe(classifyFcmFailure.name, () => {
  const now = new Date('2025-01-01T00:00:00Z');

  it.each<[number, string, FailureDisposition]>([
    [404, 'UNREGISTERED', 'prune'],
    [403, 'SENDER_ID_MISMATCH', 'prune'],
    [400, 'INVALID_ARGUMENT', 'reject'],
    [429, 'QUOTA_EXCEEDED', 'retry'],
    [429, 'RESOURCE_EXHAUSTED', 'retry'],
    [503, 'UNAVAILABLE', 'retry'],
    [500, 'INTERNAL', 'retry'],
    [401, 'THIRD_PARTY_AUTH_ERROR', 'credential'],
    [401, 'APNS_AUTH_ERROR', 'credential'],
    [401, 'UNAUTHENTICATED', 'credential'],
    [403, 'PERMISSION_DENIED', 'credential'],
    [500, 'UNSPECIFIED_ERROR', 'retry'],
    [400, 'UNSPECIFIED_ERROR', 'reject'],
    [404, 'NOT_FOUND', 'reject'],
    [502, 'SOMETHING_NEW', 'retry'],
    [403, 'SOMETHING_NEW', 'credential'],
  ])('classifies %i %s as %s', (status, errorCode, disposition) => {
    expect(classifyFcmFailure({ status, errorCode }, now)).toEqual({
      status: 'failed',
      disposition,
      reason: `${status} ${errorCode}`,
      httpStatus: status,
      retryAfterMs: undefined,
      tokenInvalidSince: undefined,
    });
  });

  it('prunes an INVALID_ARGUMENT that says the registration token is not valid', () => {
    const outcome = classifyFcmFailure(
      {
        status: 400,
        errorCode: 'INVALID_ARGUMENT',
        message: 'The registration token is not a valid FCM registration token',
      },
      now,
    );

    expect(outcome).toMatchObject({
      disposition: 'prune',
      reason: '400 INVALID_ARGUMENT (invalid registration token)',
    });
  });

  it('rejects any other INVALID_ARGUMENT', () => {
    const outcome = classifyFcmFailure(
      {
        status: 400,
        errorCode: 'INVALID_ARGUMENT',
        message: "Invalid value at 'message.data[0].value' (TYPE_STRING), 12",
      },
      now,
    );

    expect(outcome.disposition).toBe('reject');
  });

  it('honours Retry-After on QUOTA_EXCEEDED, in seconds or as an HTTP date', () => {
    expect(classifyFcmFailure({ status: 429, errorCode: 'QUOTA_EXCEEDED', retryAfter: '60' }, now)).toMatchObject({
      disposition: 'retry',
      retryAfterMs: 60_000,
    });
    const dated = classifyFcmFailure(
      { status: 503, errorCode: 'UNAVAILABLE', retryAfter: 'Wed, 01 Jan 2025 00:00:10 GMT' },
      now,
    );
    expect(dated.retryAfterMs).toBe(10_000);
  });

  it('retries when no response arrived', () => {
    expect(classifyFcmFailure({ status: undefined, message: 'GOAWAY' }, now)).toMatchObject({
      disposition: 'retry',
      reason: 'connection: GOAWAY',
      httpStatus: undefined,
    });
  });

  it('classifies by status when there is no error code', () => {
    expect(classifyFcmFailure({ status: 401 }, now)).toMatchObject({ disposition: 'credential', reason: '401' });
  });
});

describe(parseFcmErrorBody.name, () => {
  it('takes the FcmError detail code over the RPC status', () => {
    const body = JSON.stringify({
      error: {
        code: 404,
        message: 'Requested entity was not found.',
        status: 'NOT_FOUND',
        details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: 'UNREGISTERED' }],
      },
    });

    expect(parseFcmErrorBody(body)).toEqual({ errorCode: 'UNREGISTERED', message: 'Requested entity was not found.' });
  });

  it('uses the RPC status when there is no FcmError detail', () => {
    const body = JSON.stringify({
      error: { code: 401, message: 'Request had invalid credentials.', status: 'UNAUTHENTICATED' },
    });

    expect(parseFcmErrorBody(body)).toEqual({
      errorCode: 'UNAUTHENTICATED',
      message: 'Request had invalid credentials.',
    });
  });

  it('tolerates a body that is not JSON', () => {
    expect(parseFcmErrorBody('<html>Bad Gateway</html>')).toEqual({
      errorCode: undefined,
      message: '<html>Bad Gateway</html>',
    });
  });
});
