import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const workspaceRoot = resolve(__dirname, '../../../..');

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A free loopback port, so that suites never collide with each other or with a running server. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** One built app (`dist/apps/<name>/main.js`) running as its own process, as it runs in production. */
export class AppProcess {
  private stdoutText = '';
  private stderrText = '';
  private readonly exited: Promise<Exit>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.stdoutText += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.stderrText += chunk.toString()));
    this.exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
      stdout: this.stdoutText,
      stderr: this.stderrText,
    }));
  }

  static async start(
    app: string,
    env: Readonly<Record<string, string>>,
    cwd = workspaceRoot,
    /** Extra Node options, e.g. `--cpu-prof` for a benchmark. */
    nodeOptions: readonly string[] = [],
  ): Promise<AppProcess> {
    // A caller that must know the port beforehand (e.g. for a webhook URL) passes PORT itself.
    const port = env['PORT'] === undefined ? await freePort() : Number(env['PORT']);
    const child = spawn(
      process.execPath,
      ['--enable-source-maps', ...nodeOptions, resolve(workspaceRoot, 'dist/apps', app, 'main.js')],
      {
        cwd,
        env: { PATH: process.env['PATH'] ?? '', HOST: '127.0.0.1', PORT: String(port), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return new AppProcess(child, `http://127.0.0.1:${port}`);
  }

  get stderr(): string {
    return this.stderrText;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  /** Resolves once `/health/live` answers; rejects with the app's output if it exits first. */
  async waitUntilLive(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exit: Exit | undefined;
    void this.exited.then((e) => (exit = e));
    while (Date.now() < deadline) {
      if (exit !== undefined)
        throw new Error(`exited with ${exit.code ?? exit.signal} before answering:\n${exit.stderr}\n${exit.stdout}`);
      try {
        if ((await fetch(`${this.url}/health/live`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `no answer on ${this.url}/health/live within ${timeoutMs} ms:\n${this.stderrText}\n${this.stdoutText}`,
    );
  }

  /** Sends a signal and waits for the exit, failing if the process outlives `withinMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', withinMs = 5_000): Promise<Exit> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.waitForExit(withinMs);
  }

  async waitForExit(withinMs = 10_000): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`still running ${withinMs} ms later:\n${this.stderrText}\n${this.stdoutText}`));
      }, withinMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
