module.exports = {
  displayName: 'graph-client',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/mail-graph/client',
};
