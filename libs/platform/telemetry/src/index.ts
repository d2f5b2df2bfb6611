export { Telemetry, startTelemetry, currentTelemetry, activeTraceFields, type TelemetryOptions } from './lib/telemetry';
