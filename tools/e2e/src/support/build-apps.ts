import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export default function buildApps(): void {
  const root = resolve(__dirname, '../../../..');
  execFileSync(
    resolve(root, 'node_modules/.bin/nx'),
    ['run-many', '-t', 'build', '--projects=tag:type:app', '--parallel=2', '--outputStyle=static'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    },
  );
}
