export { ReadinessCheck } from './lib/readiness-check';
export { RuntimeModule } from './lib/runtime.module';
export { ShutdownState } from './lib/shutdown-state';
export { MetricsRegistry } from './lib/metrics.registry';
export { REDACTED_PATHS } from './lib/logging.options';
export { runApp, startApp, type AppDefinition, type RunningApp } from './lib/run-app';
export {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPES,
  problemOf,
  requestPath,
  writeProblem,
  type FieldError,
  type Problem,
  type ProblemKind,
} from './lib/http/problem-details';
export { isUtf8Json, readBodyAtMost } from './lib/http/request-body';
