import { HttpException } from '@nestjs/common';
import { PublishFailedError } from '@mailpush/messaging';
import { AuthenticationError } from '../auth/authentication.error';
import { TokenVerificationUnavailableError } from '../auth/token-verification-unavailable.error';
import { RateLimitedError } from '../rate-limit/rate-limited.error';
import { RegistrationNotFoundError } from '../registrations/registration-not-found.error';
import { RequestValidationError } from '../validation/request-validation.error';
import { problemOf, type Problem, type ProblemKind, type ProblemResponse } from './problem';

/** Seconds a client should wait after a 503: the bus or the identity provider is usually back by then. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** RFC 6750 allows only printable ASCII without `"` and `\` in `error_description`. */
function quotable(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "'");
}

function respond(problem: Problem, headers: Record<string, string> = {}): ProblemResponse {
  return { problem, headers };
}

/** The HTTP status a body-parser or Nest error carries, when it is a client error. */
function clientErrorStatus(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : undefined;
}

function fromClientError(status: number, error: unknown, instance: string | undefined): ProblemResponse | undefined {
  const kinds: Partial<Record<number, [ProblemKind, string]>> = {
    400: isJsonSyntaxError(error)
      ? ['malformedJson', 'the request body is not valid JSON']
      : ['badRequest', 'the request is malformed'],
    404: ['notFound', 'there is no such resource'],
    405: ['notFound', 'there is no such resource'],
    413: ['payloadTooLarge', 'the request body is larger than this API accepts'],
    415: ['unsupportedMediaType', 'send the request body as application/json in UTF-8, uncompressed'],
  };
  const kind = kinds[status];
  return kind === undefined ? undefined : respond(problemOf(kind[0], kind[1], { instance }));
}

function isJsonSyntaxError(error: unknown): boolean {
  if (error instanceof SyntaxError) return true;
  if (error instanceof HttpException) return error.cause instanceof SyntaxError || /JSON/i.test(error.message);
  return (error as { type?: unknown }).type === 'entity.parse.failed';
}

/**
 * The problem an error is answered with. Known errors get their specific problem and headers; anything
 * else is a 500 whose detail says nothing about the internals (the filter logs it).
 */
export function toProblemResponse(error: unknown, instance?: string): ProblemResponse {
  if (error instanceof RequestValidationError) {
    const fields = [...new Set(error.errors.map((e) => e.field))].join(', ');
    return respond(problemOf('validation', `invalid: ${fields}`, { instance, errors: error.errors }));
  }
  if (error instanceof AuthenticationError) {
    return respond(problemOf('unauthorized', error.message, { instance }), {
      'WWW-Authenticate': `Bearer realm="mailpush", error="invalid_token", error_description="${quotable(error.message)}"`,
    });
  }
  if (error instanceof RateLimitedError) {
    return respond(
      problemOf('rateLimited', `too many requests; retry after ${error.retryAfterSeconds} s`, { instance }),
      { 'Retry-After': String(error.retryAfterSeconds) },
    );
  }
  if (error instanceof RegistrationNotFoundError) {
    return respond(problemOf('notFound', 'this mailbox has no registration with that id', { instance }));
  }
  if (error instanceof TokenVerificationUnavailableError) {
    return respond(
      problemOf('unavailable', 'device tokens cannot be verified right now; try again later', { instance }),
      {
        'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS),
      },
    );
  }
  if (error instanceof PublishFailedError) {
    return respond(
      problemOf(
        'unavailable',
        'the change could not be handed to the message bus, so nothing was stored; try again later',
        {
          instance,
        },
      ),
      { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
    );
  }
  const status = clientErrorStatus(error);
  const client = status === undefined ? undefined : fromClientError(status, error, instance);
  return client ?? respond(problemOf('internal', 'an unexpected error occurred', { instance }));
}
