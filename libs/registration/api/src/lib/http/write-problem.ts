import type { ServerResponse } from 'node:http';
import { writeProblem as writeProblemDetails } from '@mailpush/runtime';
import type { ProblemResponse } from './problem';

export { requestPath } from '@mailpush/runtime';

/** Sends a problem as `application/problem+json` with its headers; never cached. */
export function writeProblem(response: ServerResponse, { problem, headers }: ProblemResponse): void {
  writeProblemDetails(response, problem, headers);
}
