import type { ServerResponse } from 'node:http';

/** One invalid field of a notification POST, named by its path in the JSON body (`value[3].subscriptionId`). */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem details object, as the webhook answers every refusal. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The same problem types (URNs) as the rest of mailpush's HTTP APIs. */
export const WEBHOOK_PROBLEM_TYPES = {
  validation: { type: 'urn:mailpush:problem:validation-failed', title: 'The request is not valid', status: 400 },
  malformedJson: {
    type: 'urn:mailpush:problem:malformed-json',
    title: 'The request body is not valid JSON',
    status: 400,
  },
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
  internal: { type: 'urn:mailpush:problem:internal-error', title: 'Internal server error', status: 500 },
  unavailable: { type: 'urn:mailpush:problem:unavailable', title: 'Service temporarily unavailable', status: 503 },
} as const;

export type WebhookProblemKind = keyof typeof WEBHOOK_PROBLEM_TYPES;

export function problemOf(
  kind: WebhookProblemKind,
  detail: string,
  extra: { readonly instance?: string; readonly errors?: readonly FieldError[] } = {},
): Problem {
  const { type, title, status } = WEBHOOK_PROBLEM_TYPES[kind];
  return {
    type,
    title,
    status,
    detail,
    ...(extra.instance === undefined ? {} : { instance: extra.instance }),
    ...(extra.errors === undefined ? {} : { errors: extra.errors }),
  };
}

/** Sends a problem as `application/problem+json`, never cached. */
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
