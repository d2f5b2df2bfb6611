import type { ServerResponse } from 'node:http';

/** One invalid field of a request, named by its path in the JSON body (`settings.quietHours.timeZone`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem details object, as every mailpush HTTP API answers a refusal. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The problem types of mailpush's HTTP APIs (**contract**: clients branch on `type`). URNs rather than web
 * addresses: they name the kind of problem and are never fetched.
 */
export const PROBLEM_TYPES = {
  validation: { type: 'urn:mailpush:problem:validation-failed', title: 'The request is not valid', status: 400 },
  malformedJson: {
    type: 'urn:mailpush:problem:malformed-json',
    title: 'The request body is not valid JSON',
    status: 400,
  },
  badRequest: { type: 'urn:mailpush:problem:bad-request', title: 'The request is malformed', status: 400 },
  unauthorized: { type: 'urn:mailpush:problem:unauthorized', title: 'Authentication is required', status: 401 },
  notFound: { type: 'urn:mailpush:problem:not-found', title: 'Not found', status: 404 },
  payloadTooLarge: {
    type: 'urn:mailpush:problem:payload-too-large',
    title: 'The request body is too large',
    status: 413,
  },
  unsupportedMediaType: {
    type: 'urn:mailpush:problem:unsupported-media-type',
    title: 'The request body must be JSON',
    status: 415,
  },
  rateLimited: { type: 'urn:mailpush:problem:rate-limited', title: 'Too many requests', status: 429 },
  internal: { type: 'urn:mailpush:problem:internal-error', title: 'Internal server error', status: 500 },
  unavailable: { type: 'urn:mailpush:problem:unavailable', title: 'Service temporarily unavailable', status: 503 },
} as const;

export type ProblemKind = keyof typeof PROBLEM_TYPES;

/** A problem of one of the known kinds; title and status come from the catalogue. */
export function problemOf(
  kind: ProblemKind,
  detail: string,
  extra: { readonly errors?: readonly FieldError[]; readonly instance?: string } = {},
): Problem {
  const { type, title, status } = PROBLEM_TYPES[kind];
  return {
    type,
    title,
    status,
    detail,
    ...(extra.instance === undefined ? {} : { instance: extra.instance }),
    ...(extra.errors === undefined ? {} : { errors: extra.errors }),
  };
}

/** Sends a problem as `application/problem+json`, never cached (the answers are per caller). */
export function writeProblem(
  response: ServerResponse,
  problem: Problem,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const body = JSON.stringify(problem);
  response.statusCode = problem.status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.setHeader('Cache-Control', 'no-store');
  response.end(body);
}

/** The path a problem's `instance` names: the request's, without the query. */
export function requestPath(url: string | undefined): string {
  return (url ?? '/').split('?')[0] ?? '/';
}
