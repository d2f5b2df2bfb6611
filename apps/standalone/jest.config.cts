module.exports = {
  displayName: 'standalone',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/standalone',
};
