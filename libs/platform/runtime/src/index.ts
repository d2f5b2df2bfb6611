export { ReadinessCheck } from './lib/readiness-check';
