module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  // The suites run the bundles that `npm start` and the container images run, so build them first
  // (a cache hit when CI has just built them).
  globalSetup: '<rootDir>/src/support/build-apps.ts',
  testTimeout: 60000,
  coverageDirectory: '../../coverage/tools/e2e',
};
