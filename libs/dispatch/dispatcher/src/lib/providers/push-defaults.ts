import { readFile } from 'node:fs/promises';
import type { MailpushConfig } from '@mailpush/config';
import type { ApnsCredential, FcmCredential, PushEndpoints } from '@mailpush/push';
import type { PushProviderFactory } from './push-provider-factory.port';

/**
 * What the environment configures for every app: the APNs key (serves every iOS app of its team, the topic
 * being the app id), the FCM service account (serves every Android app of its project), and where APNs and
 * FCM are. Read once at start; a `push_credential` row for an app takes precedence.
 */
export class PushDefaults {
  constructor(
    readonly apns: ApnsCredential | undefined,
    readonly fcm: FcmCredential | undefined,
    readonly endpoints: PushEndpoints,
  ) {}
}

/** Reads the key, service account and CA files named by the configuration; throws naming the variable. */
export async function loadPushDefaults(config: MailpushConfig, factory: PushProviderFactory): Promise<PushDefaults> {
  const { apns, fcm } = config;
  const endpoints: PushEndpoints = {
    apns: { host: apns.host, port: apns.port, caPem: await readOptional('APNS_CA_PATH', apns.caPath) },
    fcm: {
      endpoint: fcm.endpoint,
      tokenUrl: fcm.tokenUrl,
      caPem: await readOptional('FCM_CA_PATH', fcm.caPath),
    },
  };
  const { keyPath, keyId, teamId } = apns;
  const apnsCredential =
    keyPath === undefined || keyId === undefined || teamId === undefined
      ? undefined
      : await named('APNS_KEY_PATH', async () =>
          factory.apnsCredential({ keyPem: await readText('APNS_KEY_PATH', keyPath), keyId, teamId }),
        );
  const accountPath = fcm.serviceAccountPath;
  const fcmCredential =
    accountPath === undefined
      ? undefined
      : await named('FCM_SERVICE_ACCOUNT_PATH', async () =>
          factory.fcmCredential(await readText('FCM_SERVICE_ACCOUNT_PATH', accountPath)),
        );
  return new PushDefaults(apnsCredential, fcmCredential, endpoints);
}

async function readOptional(variable: string, path: string | undefined): Promise<string | undefined> {
  return path === undefined ? undefined : readText(variable, path);
}

async function readText(variable: string, path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`${variable}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function named<T>(variable: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message.startsWith(`${variable}:`) ? message : `${variable}: ${message}`);
  }
}
