import { loadConfig, type AppConfigSpec, type Environment, type MailpushConfig } from '@mailpush/config';
import { startSandbox, type Sandbox } from '@mailpush/simulators';

/** Settings that name something real to watch or push to; with none of them the simulators stand in. */
const REAL_SETTINGS = [
  'APNS_KEY_PATH',
  'FCM_SERVICE_ACCOUNT_PATH',
  'GRAPH_CLIENT_ID',
  'EWS_URL',
  'EWS_AUTODISCOVER_URL',
  'EWS_AUTODISCOVER_DOMAIN',
  'AUTH_JWKS_URL',
];

/** The standalone server's defaults: a SQLite file and a key file in ./data, a short shutdown for Ctrl-C. */
export function standaloneSpec(env: Environment): AppConfigSpec {
  const nothingReal = REAL_SETTINGS.every((name) => (env[name] ?? '').trim() === '');
  return {
    app: 'standalone',
    defaults: {
      DATABASE_URL: 'sqlite:./data/mailpush.db',
      SECRETS_KEY_FILE: './data/secrets.key',
      // Ctrl-C at a terminal should end it within 5 s even if a request hangs.
      SHUTDOWN_TIMEOUT_MS: '4000',
      SANDBOX: nothingReal ? 'true' : 'false',
    },
  };
}

/**
 * With `SANDBOX=true`, starts the simulators and points every endpoint the environment leaves unset at
 * them (what is set stays: a real APNs key with simulated Graph, say). Otherwise the configuration as it is.
 */
export async function prepareStandalone(
  config: MailpushConfig,
  env: Environment,
): Promise<{ config: MailpushConfig; context: Sandbox | undefined }> {
  if (!config.sandbox.enabled) return { config, context: undefined };
  const sandbox = await startSandbox({
    dir: config.sandbox.dir,
    apnsPort: config.sandbox.apnsPort,
    fcmPort: config.sandbox.fcmPort,
    oidcPort: config.sandbox.oidcPort,
    graphPort: config.sandbox.graphPort,
    host: '127.0.0.1',
  });
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => (value ?? '').trim() !== ''));
  try {
    // The Graph simulator posts notifications to this very process.
    const notificationUrl = `http://127.0.0.1:${config.app.port}/notificationClient`;
    const defaults = { ...sandbox.environment(), GRAPH_NOTIFICATION_URL: notificationUrl };
    return { config: loadConfig(standaloneSpec(env), { ...defaults, ...set }), context: sandbox };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
