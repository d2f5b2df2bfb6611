export { FoundationModule, type FoundationOptions } from './lib/foundation.module';
export { ENVIRONMENT_GRAPH_CONNECTION, EnvironmentConnectionsSeeder } from './lib/environment-connections.seeder';
