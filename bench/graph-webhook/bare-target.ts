import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { GraphSimulator } from '@mailpush/simulators';
import { Agent, fetch } from 'undici';
import type { Cleanups } from './cleanups';
import { processSeconds } from './cpu-usage';
import type { BenchTarget, ServerSample } from './server-sample';
import type { GraphApp } from './mailpush-target';

const START_TIMEOUT_MS = 30_000;

/**
 * The reference: `bare-server.ts` in its own process (through ts-node's transpile-only hook, which costs
 * nothing once it runs; it inherits this process's environment, TS_NODE_PROJECT included), with one Graph subscription per `bare-<i>@bench.example` pointing at it.
 */
export class BareTarget implements BenchTarget {
  private constructor(
    readonly users: readonly string[],
    readonly notificationUrl: string,
    private readonly pid: number | undefined,
  ) {}

  /** Its CPU time only (from /proc): it keeps no metrics. */
  sample(): Promise<ServerSample> {
    const cpuSeconds = this.pid === undefined ? undefined : processSeconds(this.pid);
    return Promise.resolve(cpuSeconds === undefined ? {} : { cpuSeconds });
  }

  static async start(simulator: GraphSimulator, app: GraphApp, count: number, cleanups: Cleanups): Promise<BareTarget> {
    const { port, pid } = await startServer(cleanups);
    const notificationUrl = `http://127.0.0.1:${port}/notificationClient`;
    const dispatcher = new Agent({ connect: { ca: simulator.caPem } });
    try {
      const token = await appToken(simulator, app, dispatcher);
      const users = Array.from({ length: count }, (_, i) => `bare-${i}@bench.example`);
      for (const user of users) await subscribe(simulator, token, user, notificationUrl, dispatcher);
      return new BareTarget(users, notificationUrl, pid);
    } finally {
      await dispatcher.close();
    }
  }
}

async function startServer(cleanups: Cleanups): Promise<{ port: number; pid: number | undefined }> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', resolve(__dirname, 'bare-server.ts')],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  cleanups.add('bare server', async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`bare server not listening:\n${stderr}`)), START_TIMEOUT_MS);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /listening (\d+)/.exec(stdout)?.[1];
      if (port === undefined) return;
      clearTimeout(timer);
      resolvePort(Number(port));
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`bare server exited:\n${stderr}`));
    });
  });
  return { port, pid: child.pid };
}

/** An app-only token (client credentials), as graph-receiver gets one. */
async function appToken(simulator: GraphSimulator, app: GraphApp, dispatcher: Agent): Promise<string> {
  const response = await fetch(`${simulator.url}/${app.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
    }).toString(),
    dispatcher,
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || body.access_token === undefined) {
    throw new Error(`token: ${response.status} ${body.error_description ?? ''}`);
  }
  return body.access_token;
}

async function subscribe(
  simulator: GraphSimulator,
  token: string,
  user: string,
  notificationUrl: string,
  dispatcher: Agent,
): Promise<void> {
  const response = await fetch(`${simulator.url}/v1.0/subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      changeType: 'created',
      resource: `users/${user}/mailFolders('inbox')/messages`,
      notificationUrl,
      lifecycleNotificationUrl: notificationUrl,
      expirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
      clientState: randomBytes(32).toString('base64url'),
    }),
    dispatcher,
  });
  if (response.status !== 201) throw new Error(`subscription for ${user}: ${response.status} ${await response.text()}`);
}
