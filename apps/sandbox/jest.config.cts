module.exports = {
  displayName: 'sandbox',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/sandbox',
};
