module.exports = {
  displayName: 'dispatch',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/dispatch/dispatcher',
};
