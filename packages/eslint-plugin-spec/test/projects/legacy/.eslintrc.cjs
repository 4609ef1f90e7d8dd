// The way a project on ESLint 8.57 or 9 in eslintrc mode adopts the plugin.
module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  plugins: ['spec'],
  extends: ['plugin:spec/legacy-recommended'],
};
