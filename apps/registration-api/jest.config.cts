module.exports = {
  displayName: 'registration-api',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/registration-api',
};
