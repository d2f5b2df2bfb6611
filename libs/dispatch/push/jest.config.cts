module.exports = {
  displayName: 'push',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/dispatch/push',
  // jose 6 ships only ES modules; Jest's CommonJS runtime needs them rewritten (Node itself loads them as they are).
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
    '/node_modules/jose/.+\\.js$': [
      'babel-jest',
      { babelrc: false, configFile: false, plugins: ['@babel/plugin-transform-modules-commonjs'] },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};
