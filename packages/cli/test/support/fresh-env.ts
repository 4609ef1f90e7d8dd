/**
 * The environment of a fresh shell for commands a test runs as a user would: without what the pnpm
 * and Vitest running the test put there (npm_config_*, VITEST_*, NODE_ENV=test...), which would
 * leak into a project's own pnpm and Vitest; with a git identity and no global git config (a
 * developer's `commit.gpgsign` must not decide whether a test's commit works); without colours.
 */
export function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|VITEST|TINYPOOL|NODE_ENV$|NODE_OPTIONS$|INIT_CWD$|PNPM_SCRIPT_SRC_DIR$|HUSKY$)/i.test(key)) env[key] = value;
  }
  return {
    ...env,
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'SpecFirst Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'SpecFirst Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
    ...extra,
  };
}
