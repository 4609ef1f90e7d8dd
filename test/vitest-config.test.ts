/**
 * The repository's Vitest configuration as Vitest resolves it: the root and every project refuse
 * `.only` (allowOnly: false), also outside CI, where Vitest would allow it by default.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `allowOnly` of the root config and of each project, resolved by Vitest in a process without `CI`. */
function resolvedAllowOnly(): Record<string, unknown> {
  const script = `
    import { createVitest } from 'vitest/node';
    const vitest = await createVitest('test', { config: 'vitest.config.ts', watch: false }, {}, {});
    console.log(JSON.stringify([['(root)', vitest.config.allowOnly], ...vitest.projects.map((p) => [p.name, p.config.allowOnly])]));
    await vitest.close();
  `;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !['CI', 'CONTINUOUS_INTEGRATION', 'GITHUB_ACTIONS', 'BUILD_NUMBER', 'RUN_ID'].includes(name),
    ),
  );
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  return Object.fromEntries(JSON.parse(output.trim().split('\n').at(-1)!) as [string, unknown][]);
}

describe('the Vitest configuration', () => {
  it('refuses `.only` in the root config and in every project, CI or not', () => {
    const allowOnly = resolvedAllowOnly();
    expect(allowOnly).toMatchObject({
      '(root)': false,
      repository: false,
      'example-conduit': false,
      'example-shop': false,
      cli: false,
      codegen: false,
      'eslint-plugin-spec': false,
      runtime: false,
      'spec-core': false,
      'hostile-e2e': false,
      'events-e2e': false,
      'tasks-e2e': false,
    });
    // Projects added later too.
    for (const [project, value] of Object.entries(allowOnly)) expect(value, project).toBe(false);
  });
});
