import type { Problem } from '@mailpush/runtime';

export { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, problemOf, type Problem, type ProblemKind } from '@mailpush/runtime';

/** A problem together with the response headers it needs (`WWW-Authenticate`, `Retry-After`). */
export interface ProblemResponse {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
}
