import type { ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, type ProblemResponse } from './problem';

/** Sends a problem as `application/problem+json`; never cached, as every answer of this API is per caller. */
export function writeProblem(response: ServerResponse, { problem, headers }: ProblemResponse): void {
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
