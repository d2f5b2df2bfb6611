module.exports = {
  displayName: 'graph-receiver',
  preset: '../../jest.preset.js',
  coverageDirectory: '../../coverage/apps/graph-receiver',
};
