module.exports = {
  displayName: 'graph-watch',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/mail-graph/watch',
};
