import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // e2e reads the environment by design (see the root config); this repeats the exemption for lint
    // runs whose base path is this project.
    files: ['**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
];
