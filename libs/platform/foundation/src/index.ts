export { FoundationModule, type FoundationOptions } from './lib/foundation.module';
export {
  ENVIRONMENT_EWS_CONNECTION,
  ENVIRONMENT_GRAPH_CONNECTION,
  EnvironmentConnectionsSeeder,
} from './lib/environment-connections.seeder';
