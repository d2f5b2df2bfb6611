module.exports = {
  displayName: 'runtime',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/platform/runtime',
};
