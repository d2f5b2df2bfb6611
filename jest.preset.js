const nxPreset = require('@nx/jest/preset').default;

/** Shared by every project: unit (*.spec.ts), integration (*.int-spec.ts) and end-to-end (*.e2e-spec.ts) suites. */
module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  testMatch: ['**/?(*.)+(spec|int-spec|e2e-spec).ts'],
  transform: {
    // Type checking is the typecheck step's job; here ts-jest only transpiles (isolatedModules).
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    // jose 6 ships only ES modules; Node loads them as they are, Jest's CommonJS runtime needs them rewritten.
    '/node_modules/jose/.+\\.js$': [
      'babel-jest',
      { babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-modules-commonjs'] },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
};
