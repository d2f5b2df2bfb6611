export { FoundationModule, type FoundationOptions } from './lib/foundation.module';
