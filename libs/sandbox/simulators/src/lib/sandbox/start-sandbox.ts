import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApnsSimulator } from '../apns/apns-simulator';
import { FcmSimulator } from '../fcm/fcm-simulator';
import { OpenIdSimulator } from '../oidc/open-id-simulator';
import { SandboxCertificateAuthority } from '../tls/sandbox-certificate-authority';
import { Sandbox } from './sandbox';
import type { SandboxDescription, SandboxFiles } from './sandbox-description';

export interface StartSandboxOptions {
  /** Where the CA certificate, keys and `sandbox.json` are written (created with mode 0700). */
  readonly dir: string;
  /** 0 picks a free port, for each of the three. */
  readonly apnsPort: number;
  readonly fcmPort: number;
  readonly oidcPort: number;
  /** Address the simulators listen on; default 127.0.0.1. */
  readonly host?: string;
}

export const SANDBOX_APNS_TOPIC = 'com.example.mail';
export const SANDBOX_FCM_PROJECT_ID = 'mailpush-sandbox';

/**
 * Starts the APNs, FCM and OpenID simulators under one fresh CA, with one APNs key (any topic) and one FCM
 * service account of `mailpush-sandbox`, and writes what other processes need into `dir`. Keys are new on
 * every start, so a process must re-read the files after the sandbox restarts.
 */
export async function startSandbox(options: StartSandboxOptions): Promise<Sandbox> {
  const dir = resolve(options.dir);
  const files: SandboxFiles = {
    dir,
    caPath: resolve(dir, 'ca.pem'),
    apnsKeyPath: resolve(dir, 'apns-key.p8'),
    fcmServiceAccountPath: resolve(dir, 'fcm-service-account.json'),
    descriptionPath: resolve(dir, 'sandbox.json'),
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);

  const ca = await SandboxCertificateAuthority.create();
  const host = options.host ?? '127.0.0.1';
  const [apns, fcm, oidc] = await startAll(
    () => ApnsSimulator.start({ port: options.apnsPort, host, ca }),
    () => FcmSimulator.start({ port: options.fcmPort, host, ca }),
    () => OpenIdSimulator.start({ port: options.oidcPort, host }),
  );
  const sandbox = await provision(apns, fcm, oidc, ca, files).catch(async (error: unknown) => {
    await Promise.allSettled([apns.close(), fcm.close(), oidc.close()]);
    throw error;
  });
  return sandbox;
}

async function provision(
  apns: ApnsSimulator,
  fcm: FcmSimulator,
  oidc: OpenIdSimulator,
  ca: SandboxCertificateAuthority,
  files: SandboxFiles,
): Promise<Sandbox> {
  const apnsKey = ApnsSimulator.generateKey();
  apns.registerKey(apnsKey);
  const serviceAccount = fcm.createServiceAccount(SANDBOX_FCM_PROJECT_ID);

  await writeWithMode(files.caPath, ca.caPem, 0o644);
  await writeWithMode(files.apnsKeyPath, apnsKey.privateKeyPem, 0o600);
  await writeWithMode(files.fcmServiceAccountPath, `${JSON.stringify(serviceAccount, null, 2)}\n`, 0o600);
  const description: SandboxDescription = {
    apns: {
      host: apns.host,
      port: apns.port,
      keyId: apnsKey.keyId,
      teamId: apnsKey.teamId,
      topic: SANDBOX_APNS_TOPIC,
      keyPath: files.apnsKeyPath,
      caPath: files.caPath,
    },
    fcm: {
      endpoint: fcm.url,
      tokenUrl: fcm.tokenUrl,
      projectId: SANDBOX_FCM_PROJECT_ID,
      serviceAccountPath: files.fcmServiceAccountPath,
      caPath: files.caPath,
    },
    oidc: { issuer: oidc.issuer, jwksUrl: oidc.jwksUrl, audience: oidc.audience, mintUrl: `${oidc.issuer}/mint` },
  };
  await writeWithMode(files.descriptionPath, `${JSON.stringify(description, null, 2)}\n`, 0o644);
  return new Sandbox(apns, fcm, oidc, files, description);
}

/** Starts the three together; if one fails, the others are closed again before the error is thrown. */
async function startAll<A extends Closable, B extends Closable, C extends Closable>(
  a: () => Promise<A>,
  b: () => Promise<B>,
  c: () => Promise<C>,
): Promise<[A, B, C]> {
  const results = await Promise.allSettled([a(), b(), c()]);
  const [ra, rb, rc] = results;
  if (ra.status === 'fulfilled' && rb.status === 'fulfilled' && rc.status === 'fulfilled') {
    return [ra.value, rb.value, rc.value];
  }
  await Promise.allSettled(results.map((r) => (r.status === 'fulfilled' ? r.value.close() : Promise.resolve())));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  throw failure?.reason instanceof Error ? failure.reason : new Error('a simulator failed to start');
}

interface Closable {
  close(): Promise<void>;
}

/**
 * Writes a new file with `mode` and renames it over `path`: the mode holds even when `path` existed with a
 * looser one, and a reader never sees half a file.
 */
async function writeWithMode(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode, flag: 'wx' });
  await chmod(temporary, mode);
  await rename(temporary, path);
}
