import { spawn } from 'node:child_process';

/**
 * The environment of a fresh shell for commands a test runs as a user would: without what the pnpm
 * and Vitest running the test put there (npm_config_*, VITEST_*, NODE_ENV=test...), which would
 * leak into a project's own pnpm and Vitest; with a git identity and no global git config (a
 * developer's `commit.gpgsign` must not decide whether a test's commit works); without colours.
 */
export function freshEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|VITEST|TINYPOOL|NODE_ENV$|NODE_OPTIONS$|INIT_CWD$|PNPM_SCRIPT_SRC_DIR$|HUSKY$)/i.test(key))
      env[key] = value;
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

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both, in the order they came. */
  output: string;
  ms: number;
}

/**
 * Runs a program to its end in a fresh shell's environment (plus `extra`), without blocking the test
 * worker. With `timeoutMs`, it is killed after that, with everything it started (its own process
 * group), and the output says so.
 */
export function runFresh(
  program: string,
  args: readonly string[],
  cwd: string,
  options: { extra?: Record<string, string>; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd,
      env: options.env ?? freshEnv(options.extra),
      detached: options.timeoutMs !== undefined,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((stdout += chunk), (output += chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => ((stderr += chunk), (output += chunk)));
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            output += `\n[killed after ${options.timeoutMs} ms]`;
            if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
          }, options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output, ms: performance.now() - started });
    });
  });
}
