module.exports = {
  displayName: 'registration',
  preset: '../../../jest.preset.js',
  coverageDirectory: '../../../coverage/libs/registration/api',
};
