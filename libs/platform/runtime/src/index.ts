export { ReadinessCheck } from './lib/readiness-check';
export { RuntimeModule } from './lib/runtime.module';
export { ShutdownState } from './lib/shutdown-state';
export { MetricsRegistry } from './lib/metrics.registry';
export { REDACTED_PATHS } from './lib/logging.options';
export { runApp, startApp, type AppDefinition, type RunningApp } from './lib/run-app';
