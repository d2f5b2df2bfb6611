module.exports = {
  displayName: 'graph-webhook',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/mail-graph/webhook',
};
