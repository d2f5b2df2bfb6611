import { runApp } from '@mailpush/runtime';
import { AppModule } from './app.module';

void runApp({
  config: {
    app: 'standalone',
    defaults: {
      DATABASE_URL: 'sqlite:./data/mailpush.db',
      SECRETS_KEY_FILE: './data/secrets.key',
      // Ctrl-C at a terminal should end it within 5 s even if a request hangs.
      SHUTDOWN_TIMEOUT_MS: '4000',
    },
  },
  module: (config) => AppModule.forRoot(config),
  banner: (config, url) => [
    `mailpush standalone is up on ${url}`,
    `  database   ${config.database.target.driver === 'sqlite' ? config.database.target.path : config.database.target.driver}`,
    `  health     ${url}/health/ready`,
    `  metrics    ${url}/metrics`,
    ...(config.secrets.key === undefined && config.secrets.keyFile !== undefined
      ? [`  key file   ${config.secrets.keyFile} (back it up)`]
      : []),
    '',
    'Next: docs/configuration.md lists every setting. Stop with Ctrl-C.',
  ],
});
