import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ApnsSimulator } from '../apns/apns-simulator';
import { FcmSimulator } from '../fcm/fcm-simulator';
import { GraphSimulator } from '../graph/graph-simulator';
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
  /** Microsoft Graph and its token endpoint (https); default 0. */
  readonly graphPort?: number;
  /** Address the simulators listen on; default 127.0.0.1. */
  readonly host?: string;
}

export const SANDBOX_APNS_TOPIC = 'com.example.mail';
export const SANDBOX_FCM_PROJECT_ID = 'mailpush-sandbox';

export const SANDBOX_GRAPH_TENANT_ID = '6e1f2c3a-5b4d-4e6f-8a7b-9c0d1e2f3a4b';

/**
 * Starts the APNs, FCM, OpenID and Microsoft Graph simulators under one fresh CA, with one APNs key (any
 * topic), one FCM service account of `mailpush-sandbox` and one Graph app registration (client secret), and
 * writes what other processes need into `dir`. Keys and secrets are new on every start, so a process must
 * re-read the files after the sandbox restarts. Graph creates a mailbox for any user it is asked about.
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
  const simulators = await startAll([
    () => ApnsSimulator.start({ port: options.apnsPort, host, ca }),
    () => FcmSimulator.start({ port: options.fcmPort, host, ca }),
    () => OpenIdSimulator.start({ port: options.oidcPort, host }),
    () =>
      GraphSimulator.start({
        port: options.graphPort ?? 0,
        host,
        ca,
        tenantId: SANDBOX_GRAPH_TENANT_ID,
        webhookCaPem: ca.caPem,
        autoCreateMailboxes: true,
        // Services reach it across a compose network too, where nothing serves https.
        allowHttpWebhooks: true,
      }),
  ] as const);
  const [apns, fcm, oidc, graph] = simulators;
  const sandbox = await provision(apns, fcm, oidc, graph, ca, files).catch(async (error: unknown) => {
    await Promise.allSettled(simulators.map((simulator) => simulator.close()));
    throw error;
  });
  return sandbox;
}

async function provision(
  apns: ApnsSimulator,
  fcm: FcmSimulator,
  oidc: OpenIdSimulator,
  graph: GraphSimulator,
  ca: SandboxCertificateAuthority,
  files: SandboxFiles,
): Promise<Sandbox> {
  const apnsKey = ApnsSimulator.generateKey();
  apns.registerKey(apnsKey);
  const serviceAccount = fcm.createServiceAccount(SANDBOX_FCM_PROJECT_ID);
  const graphApp = {
    tenantId: graph.tenantId,
    clientId: randomUUID(),
    clientSecret: randomBytes(24).toString('base64url'),
  };
  graph.registerApp(graphApp);

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
    graph: { baseUrl: graph.url, authorityHost: graph.url, ...graphApp, caPath: files.caPath },
  };
  // It holds the Graph app's client secret.
  await writeWithMode(files.descriptionPath, `${JSON.stringify(description, null, 2)}\n`, 0o600);
  return new Sandbox(apns, fcm, oidc, graph, files, description);
}

/** Starts them together; if one fails, the others are closed again before the error is thrown. */
async function startAll<T extends readonly (() => Promise<Closable>)[]>(
  starts: T,
): Promise<{ -readonly [K in keyof T]: Awaited<ReturnType<T[K]>> }> {
  const results = await Promise.allSettled(starts.map((start) => start()));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure === undefined) {
    return results.map((r) => (r as PromiseFulfilledResult<Closable>).value) as unknown as {
      -readonly [K in keyof T]: Awaited<ReturnType<T[K]>>;
    };
  }
  await Promise.allSettled(results.map((r) => (r.status === 'fulfilled' ? r.value.close() : Promise.resolve())));
  throw failure.reason instanceof Error ? failure.reason : new Error('a simulator failed to start');
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
