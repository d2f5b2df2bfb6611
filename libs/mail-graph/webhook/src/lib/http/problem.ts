/** The webhook answers refusals with the same RFC 9457 problem types as mailpush's other HTTP APIs. */
export {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPES,
  problemOf,
  writeProblem,
  type FieldError,
  type Problem,
  type ProblemKind,
} from '@mailpush/runtime';
