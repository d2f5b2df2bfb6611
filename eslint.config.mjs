import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Architecture rules. `type:` says what a project may depend on, `scope:` which bounded contexts it may
 * see. Testing libraries are only reachable from test files (see the spec override further down).
 */
const typeConstraints = (extra) => [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:feature', 'type:infra', 'type:domain', 'type:util', ...extra],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: ['type:feature', 'type:infra', 'type:domain', 'type:util', ...extra],
  },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:infra', 'type:domain', 'type:util', ...extra] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util', ...extra] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', ...extra] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
];
/** Production code never reaches the simulators; tests may drive them. */
const noSandbox = (fromTests) => (fromTests ? [] : ['scope:sandbox']);
const scopeConstraints = (fromTests) => [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:testing'] },
  { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform', 'scope:shared', 'scope:testing'] },
  // A mail source never reaches into dispatch, nor into the other mail source: they meet on the bus.
  {
    sourceTag: 'scope:mail-ews',
    notDependOnLibsWithTags: [
      'scope:dispatch',
      'scope:mail-graph',
      'scope:registration',
      'scope:admin',
      ...noSandbox(fromTests),
    ],
  },
  {
    sourceTag: 'scope:mail-graph',
    notDependOnLibsWithTags: [
      'scope:dispatch',
      'scope:mail-ews',
      'scope:registration',
      'scope:admin',
      ...noSandbox(fromTests),
    ],
  },
  {
    sourceTag: 'scope:dispatch',
    notDependOnLibsWithTags: [
      'scope:mail-ews',
      'scope:mail-graph',
      'scope:registration',
      'scope:admin',
      ...noSandbox(fromTests),
    ],
  },
  {
    sourceTag: 'scope:registration',
    notDependOnLibsWithTags: [
      'scope:mail-ews',
      'scope:mail-graph',
      'scope:dispatch',
      'scope:admin',
      ...noSandbox(fromTests),
    ],
  },
  {
    sourceTag: 'scope:sandbox',
    onlyDependOnLibsWithTags: ['scope:sandbox', 'scope:platform', 'scope:shared', 'scope:testing'],
  },
];
const boundaries = ({ fromTests }) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    banTransitiveDependencies: false,
    allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$'],
    depConstraints: [...typeConstraints(fromTests ? ['type:testing'] : []), ...scopeConstraints(fromTests)],
  },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/coverage', '**/tmp', '.nx/**'],
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ fromTests: false }),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unnecessary-condition': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @mailpush/config: it is validated once, at boot.',
        },
      ],
    },
  },
  {
    // The configuration library is the one place that reads the environment.
    files: ['libs/shared/config/src/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Tests may use testing libraries; production code may not.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/shared/testing/src/**/*.ts', 'tools/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries({ fromTests: true }),
      'no-restricted-syntax': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs', '**/jest.config.cts'],
    ...tseslint.configs.disableTypeChecked,
  },
];
