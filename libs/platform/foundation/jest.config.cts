module.exports = {
  displayName: 'foundation',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/platform/foundation',
};
