module.exports = {
  displayName: 'admin-api',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/admin-api',
};
