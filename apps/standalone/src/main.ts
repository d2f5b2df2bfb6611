import { runApp } from '@mailpush/runtime';
import { AppModule } from './app.module';

void runApp({
  config: {
    app: 'standalone',
    defaults: { DATABASE_URL: 'sqlite:./data/mailpush.db', SECRETS_KEY_FILE: './data/secrets.key' },
  },
  module: (config) => AppModule.forRoot(config),
  banner: (config, url) => [
    `mailpush standalone is up on ${url}`,
    `  database   ${config.database.target.driver === 'sqlite' ? config.database.target.path : config.database.target.driver}`,
    `  health     ${url}/health/ready`,
    `  metrics    ${url}/metrics`,
    '',
    'Next: configure a mail source (EWS_* or GRAPH_*) and a push provider (APNS_* or FCM_*), see README.md.',
    'Stop with Ctrl-C.',
  ],
});
