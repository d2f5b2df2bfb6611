export { Secret } from './lib/secret';
export { ConfigError } from './lib/config.error';
export { parseDatabaseUrl, type DatabaseDriver, type DatabaseTarget } from './lib/database-target';
export { APP_NAMES, LOG_LEVELS, type AppName, type LogLevel, type MailpushConfig } from './lib/mailpush-config';
export { loadConfig, type AppConfigSpec, type Environment } from './lib/load-config';
export { processEnvironment } from './lib/process-environment';
export { AppConfig, ConfigModule } from './lib/config.module';
