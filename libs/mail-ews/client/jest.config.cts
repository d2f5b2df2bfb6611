module.exports = {
  displayName: 'ews-client',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/mail-ews/client',
};
