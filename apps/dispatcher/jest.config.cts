module.exports = {
  displayName: 'dispatcher',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/dispatcher',
};
