module.exports = {
  displayName: 'push',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/dispatch/push',
};
