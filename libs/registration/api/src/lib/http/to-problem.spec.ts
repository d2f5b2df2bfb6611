import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { PublishFailedError } from '@mailpush/messaging';
import { AuthenticationError } from '../auth/authentication.error';
import { TokenVerificationUnavailableError } from '../auth/token-verification-unavailable.error';
import { RateLimitedError } from '../rate-limit/rate-limited.error';
import { RegistrationNotFoundError } from '../registrations/registration-not-found.error';
import { RequestValidationError } from '../validation/request-validation.error';
import { toProblemResponse } from './to-problem';

/** What the app-wide body parser (body-parser's http-errors) passes on. */
function bodyParserError(status: number, type: string): Error {
  return Object.assign(new Error(type), { status, statusCode: status, type, expose: true });
}

describe(toProblemResponse.name, () => {
  it('answers a validation error with 400 naming every field', () => {
    const errors = [
      { field: 'platform', message: 'must be "ios" or "android"' },
      { field: 'settings.quietHours.timeZone', message: 'must be an IANA time zone' },
    ];

    expect(toProblemResponse(new RequestValidationError(errors), '/v1/registrations')).toEqual({
      problem: {
        type: 'urn:mailpush:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: 'invalid: platform, settings.quietHours.timeZone',
        instance: '/v1/registrations',
        errors,
      },
      headers: {},
    });
  });

  it('answers an authentication error with 401 and a bearer challenge that quotes safely', () => {
    const { problem, headers } = toProblemResponse(new AuthenticationError('unexpected "iss" claim'));

    expect(problem).toMatchObject({
      status: 401,
      type: 'urn:mailpush:problem:unauthorized',
      detail: 'unexpected "iss" claim',
    });
    expect(headers).toEqual({
      'WWW-Authenticate': `Bearer realm="mailpush", error="invalid_token", error_description="unexpected 'iss' claim"`,
    });
  });

  it('answers a rate-limited caller with 429 and Retry-After', () => {
    const { problem, headers } = toProblemResponse(new RateLimitedError(12));

    expect(problem).toMatchObject({ status: 429, type: 'urn:mailpush:problem:rate-limited' });
    expect(headers).toEqual({ 'Retry-After': '12' });
  });

  it('answers an unknown (or foreign) registration with 404', () => {
    expect(toProblemResponse(new RegistrationNotFoundError('r1')).problem).toMatchObject({
      status: 404,
      type: 'urn:mailpush:problem:not-found',
      detail: 'this mailbox has no registration with that id',
    });
  });

  it.each([
    [new PublishFailedError('unroutable', 'registration.changed', 'm1', 'no queue')],
    [new TokenVerificationUnavailableError('JWKS timeout')],
  ])('answers %p with 503 and Retry-After', (error) => {
    const { problem, headers } = toProblemResponse(error);

    expect(problem).toMatchObject({ status: 503, type: 'urn:mailpush:problem:unavailable' });
    expect(headers).toEqual({ 'Retry-After': '5' });
  });

  it.each([
    [new BadRequestException('Unexpected token } in JSON at position 9'), 400, 'urn:mailpush:problem:malformed-json'],
    [bodyParserError(400, 'entity.parse.failed'), 400, 'urn:mailpush:problem:malformed-json'],
    [new BadRequestException("Failed to decode param '%E0'"), 400, 'urn:mailpush:problem:bad-request'],
    [bodyParserError(413, 'entity.too.large'), 413, 'urn:mailpush:problem:payload-too-large'],
    [new PayloadTooLargeException(), 413, 'urn:mailpush:problem:payload-too-large'],
    [bodyParserError(415, 'charset.unsupported'), 415, 'urn:mailpush:problem:unsupported-media-type'],
    [new NotFoundException('Cannot GET /v1/registrations/a/b'), 404, 'urn:mailpush:problem:not-found'],
  ])('maps the framework error %p to %d', (error, status, type) => {
    expect(toProblemResponse(error).problem).toMatchObject({ status, type });
  });

  it('answers anything else with a 500 that reveals nothing', () => {
    const { problem } = toProblemResponse(new Error('connection to 10.0.0.5:5432 refused, password=hunter2'));

    expect(problem).toEqual({
      type: 'urn:mailpush:problem:internal-error',
      title: 'Internal server error',
      status: 500,
      detail: 'an unexpected error occurred',
    });
  });
});
