import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const root = resolve(__dirname, '../../..');
const run = promisify(execFile);

interface Fixture {
  readonly path: string;
  readonly code: string;
}

interface LintMessage {
  readonly ruleId: string | null;
  readonly message: string;
}

/** Lints fixture files placed inside real projects, so the rule sees them as those projects' code. */
async function lint(fixtures: readonly Fixture[]): Promise<Map<string, readonly LintMessage[]>> {
  await Promise.all(fixtures.map((f) => writeFile(join(root, f.path), f.code)));
  try {
    const eslint = join(root, 'node_modules/.bin/eslint');
    const result = await run(eslint, ['--format', 'json', '--no-warn-ignored', ...fixtures.map((f) => f.path)], {
      cwd: root,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const reports = JSON.parse(result.stdout) as { filePath: string; messages: LintMessage[] }[];
    return new Map(reports.map((r) => [r.filePath.slice(root.length + 1), r.messages]));
  } finally {
    await Promise.all(fixtures.map((f) => rm(join(root, f.path), { force: true })));
  }
}

const boundaryMessages = (messages: readonly LintMessage[] | undefined): string[] =>
  (messages ?? []).filter((m) => m.ruleId === '@nx/enforce-module-boundaries').map((m) => m.message);

describe('module boundaries', () => {
  const fixtures = {
    utilToInfra: {
      path: 'libs/shared/secrets/src/lib/boundary-fixture-util-to-infra.ts',
      code: "import { ReadinessCheck } from '@mailpush/runtime';\nexport const x = ReadinessCheck;\n",
    },
    deepImport: {
      path: 'libs/platform/runtime/src/lib/boundary-fixture-deep.ts',
      code: "import { SecretBox } from '../../../../shared/secrets/src/lib/secret-box';\nexport const x = SecretBox;\n",
    },
    testingFromProduction: {
      path: 'libs/platform/runtime/src/lib/boundary-fixture-testing.ts',
      code: "import * as testing from '@mailpush/testing';\nexport const x = testing;\n",
    },
    testingFromSpec: {
      path: 'libs/platform/runtime/src/lib/boundary-fixture-testing.spec.ts',
      code: "import * as testing from '@mailpush/testing';\nit('links', () => {\n  expect(testing).toBeDefined();\n});\n",
    },
    allowed: {
      path: 'libs/platform/runtime/src/lib/boundary-fixture-allowed.ts',
      code: "import { SecretBox } from '@mailpush/secrets';\nexport const x = SecretBox;\n",
    },
  } satisfies Record<string, Fixture>;
  let results: Map<string, readonly LintMessage[]>;

  beforeAll(async () => {
    results = await lint(Object.values(fixtures));
  }, 120_000);

  it('refuses a util library depending on an infra library', () => {
    expect(boundaryMessages(results.get(fixtures.utilToInfra.path))).toContainEqual(
      expect.stringContaining('A project tagged with "type:util" can only depend on libs tagged with "type:util"'),
    );
  });

  it('refuses a relative import reaching into another library', () => {
    expect(boundaryMessages(results.get(fixtures.deepImport.path))).toEqual([
      expect.stringContaining('Projects cannot be imported by a relative or absolute path'),
    ]);
  });

  it('refuses production code importing a testing library', () => {
    expect(boundaryMessages(results.get(fixtures.testingFromProduction.path))).toEqual([
      expect.stringContaining('A project tagged with "type:infra" can only depend on libs tagged with'),
    ]);
  });

  it('lets a test import a testing library, and allowed imports pass', () => {
    expect(boundaryMessages(results.get(fixtures.testingFromSpec.path))).toEqual([]);
    expect(results.get(fixtures.allowed.path)).toEqual([]);
  });
});
