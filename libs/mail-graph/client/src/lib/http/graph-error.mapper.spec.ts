import { AuthError, ServerError } from '@azure/msal-node';
import { GraphRequestError } from '../graph-mail-api.port';
import {
  describe as describeError,
  errorFromNetwork,
  errorFromResponse,
  errorFromTokenFailure,
  graphErrorDetail,
  kindOfStatus,
} from './graph-error.mapper';

describe(kindOfStatus.name, () => {
  it.each([
    [429, undefined, 'throttled'],
    [429, 10_000, 'throttled'],
    [503, 5000, 'throttled'],
    [503, undefined, 'unavailable'],
    [500, undefined, 'unavailable'],
    [502, undefined, 'unavailable'],
    [504, undefined, 'unavailable'],
    [408, undefined, 'unavailable'],
    [404, undefined, 'not-found'],
    [410, undefined, 'gone'],
    [401, undefined, 'auth'],
    [403, undefined, 'auth'],
    [400, undefined, 'invalid'],
    [409, undefined, 'invalid'],
    [302, undefined, 'invalid'],
  ] as const)('maps %i (Retry-After %p ms) to %s', (status, retryAfterMs, kind) => {
    expect(kindOfStatus(status, retryAfterMs)).toBe(kind);
  });
});

describe(errorFromResponse.name, () => {
  it('names the request, the status and Graph’s code and message', () => {
    const body = {
      error: { code: 'TooManyRequests', message: 'Please retry again later.', innerError: { date: 'x' } },
    };

    const sut = errorFromResponse('Graph GET /v1.0/users/a/messages/b', 429, body, 10_000);

    expect(sut).toBeInstanceOf(GraphRequestError);
    expect(sut).toMatchObject({ kind: 'throttled', status: 429, code: 'TooManyRequests', retryAfterMs: 10_000 });
    expect(sut.message).toBe(
      'Graph GET /v1.0/users/a/messages/b answered 429 TooManyRequests: Please retry again later.',
    );
  });

  it('copes with a body that is not Graph’s error shape', () => {
    const sut = errorFromResponse('Graph GET /v1.0/x', 502, '<html>Bad gateway</html>', undefined);

    expect(sut).toMatchObject({ kind: 'unavailable', status: 502, code: undefined });
    expect(sut.message).toBe('Graph GET /v1.0/x answered 502');
  });
});

describe(graphErrorDetail.name, () => {
  it('reads code and message, and cuts an overlong message', () => {
    const detail = graphErrorDetail({ error: { code: 'ErrorItemNotFound', message: 'x'.repeat(1000) } });

    expect(detail.code).toBe('ErrorItemNotFound');
    expect(detail.message?.length).toBeLessThan(400);
  });

  it.each([undefined, null, 'text', { error: 'flat' }, { error: { code: 7 } }])('finds nothing in %p', (body) => {
    expect(graphErrorDetail(body).code).toBeUndefined();
  });
});

describe(errorFromNetwork.name, () => {
  it('is unavailable and names the cause chain', () => {
    const cause = Object.assign(new Error('unable to verify the first certificate'), {
      code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    });

    const sut = errorFromNetwork('Graph GET /v1.0/x', new TypeError('fetch failed', { cause }));

    expect(sut.kind).toBe('unavailable');
    expect(sut.message).toBe(
      'Graph GET /v1.0/x failed: fetch failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    );
  });
});

describe(errorFromTokenFailure.name, () => {
  const aadMessage =
    'Error(s): 7000215 - Timestamp: 2025-01-01 - Description: AADSTS7000215: Invalid client secret provided.\r\nTrace ID: t - Correlation ID: c - Trace ID: t';

  it('makes a refused credential auth, quoting the AADSTS line only', () => {
    const sut = errorFromTokenFailure('conn-1', new ServerError('invalid_client', 'c', aadMessage, '', '7000215', 401));

    expect(sut).toMatchObject({ kind: 'auth', status: 401, code: 'invalid_client' });
    expect(sut.message).toBe(
      'token request for connection conn-1 refused (401): invalid_client: AADSTS7000215: Invalid client secret provided.',
    );
  });

  it.each([
    [500, 'unavailable'],
    [429, 'throttled'],
    [undefined, 'unavailable'],
  ] as const)('makes a token endpoint answering %p %s', (status, kind) => {
    expect(errorFromTokenFailure('c', new ServerError('server_error', 'c', 'x', '', '', status)).kind).toBe(kind);
  });

  it('makes an unreachable authority unavailable, naming what the network said', () => {
    const sut = errorFromTokenFailure(
      'conn-1',
      new AuthError('endpoints_resolution_error', 'c', 'See https://aka.ms/msal.js.errors'),
      'GET https://login.example/t/v2.0/.well-known/openid-configuration failed: connect ECONNREFUSED',
    );

    expect(sut.kind).toBe('unavailable');
    expect(sut.message).toContain('ECONNREFUSED');
    expect(sut.message).not.toContain('aka.ms');
  });

  it('makes other MSAL client errors auth and passes ours through', () => {
    const ours = new GraphRequestError('auth', 'credential.privateKeyPem: bad', undefined, undefined, undefined);

    expect(errorFromTokenFailure('c', new AuthError('invalid_assertion', 'c', 'bad assertion')).kind).toBe('auth');
    expect(errorFromTokenFailure('c', ours)).toBe(ours);
  });
});

describe('describe', () => {
  it('reads errors by shape, also from another realm, and plain values', () => {
    expect(describeError({ message: 'socket hang up', code: 'ECONNRESET' })).toBe('socket hang up (ECONNRESET)');
    expect(describeError('just text')).toBe('just text');
    expect(describeError(new Error(''))).toBe('unknown error');
  });
});
