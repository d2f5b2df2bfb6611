module.exports = {
  displayName: 'secrets',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/shared/secrets',
};
