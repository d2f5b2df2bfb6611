module.exports = {
  displayName: 'ews-watcher',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/ews-watcher',
};
