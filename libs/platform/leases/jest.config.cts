module.exports = {
  displayName: 'leases',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/platform/leases',
};
