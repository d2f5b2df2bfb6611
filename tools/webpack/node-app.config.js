const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join, relative } = require('path');

/**
 * The one webpack configuration every app bundles with: Node target, workspace libs inlined, npm packages
 * left external (so native modules such as better-sqlite3 load from node_modules). Type checking is the
 * separate `npm run typecheck` step, so the bundle only transpiles.
 */
module.exports = function nodeAppConfig(appDir) {
  const outputPath = join(__dirname, '../../dist', relative(join(__dirname, '../..'), appDir));
  return {
    output: {
      path: outputPath,
      clean: true,
      devtoolModuleFilenameTemplate: '[absolute-resource-path]',
    },
    plugins: [
      new NxAppWebpackPlugin({
        target: 'node',
        compiler: 'tsc',
        main: './src/main.ts',
        tsConfig: './tsconfig.app.json',
        optimization: false,
        outputHashing: 'none',
        generatePackageJson: true,
        sourceMap: true,
        skipTypeChecking: true,
      }),
    ],
  };
};
