import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The repository's own pre-commit set-up (.husky/pre-commit → lint-staged → ESLint with the plugin,
 * `specfirst check` for spec files), installed in a fresh git repository holding the shop project:
 * a commit that adds an ad-hoc zod schema under services/ is refused with the rule's message, and
 * a clean commit goes through.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../..');
const PATH = [path.join(REPO, 'node_modules/.bin'), path.join(HERE, '../node_modules/.bin'), process.env.PATH].join(
  path.delimiter,
);

function git(cwd: string, ...args: string[]) {
  return spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      PATH,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });
}

describe('the pre-commit hook', () => {
  it('refuses a commit that adds an ad-hoc schema under services/, and lets a clean one through', () => {
    const root = path.join(HERE, '.out', 'pre-commit');
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    cpSync(path.resolve(REPO, 'fixtures/shop'), root, {
      recursive: true,
      filter: (source) => path.basename(source) !== 'generated',
    });
    cpSync(path.join(HERE, 'projects/flat/eslint.config.mjs'), path.join(root, 'eslint.config.mjs'));
    copyFileSync(path.join(REPO, 'lint-staged.config.mjs'), path.join(root, 'lint-staged.config.mjs'));
    mkdirSync(path.join(root, '.husky'));
    copyFileSync(path.join(REPO, '.husky/pre-commit'), path.join(root, '.husky/pre-commit'));
    chmodSync(path.join(root, '.husky/pre-commit'), 0o755);
    execFileSync('git', ['init', '-q'], { cwd: root });
    expect(git(root, 'config', 'core.hooksPath', '.husky').status).toBe(0);
    expect(git(root, 'add', '-A').status).toBe(0);
    const first = git(root, 'commit', '-q', '-m', 'the shop');
    expect(first.status, first.stderr).toBe(0);

    mkdirSync(path.join(root, 'services/users/src'), { recursive: true });
    writeFileSync(
      path.join(root, 'services/users/src/validation.ts'),
      "import { z } from 'zod';\n\nexport const UserSchema = z.object({ email: z.string() });\n",
    );
    git(root, 'add', '-A');
    const refused = git(root, 'commit', '-m', 'ad-hoc schema');
    expect(refused.status).not.toBe(0);
    expect(refused.stdout + refused.stderr).toContain('spec/no-adhoc-schema');
    expect(refused.stdout + refused.stderr).toContain('the spec already defines `User`');
    expect(git(root, 'log', '--oneline').stdout.trim().split('\n')).toHaveLength(1);

    writeFileSync(
      path.join(root, 'services/users/src/validation.ts'),
      "import type { UserCreate } from '../../../generated/models.js';\n\nexport const isAdmin = (user: UserCreate): boolean => user.role === 'admin';\n",
    );
    git(root, 'add', '-A');
    const clean = git(root, 'commit', '-q', '-m', 'clean');
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    expect(git(root, 'log', '--oneline').stdout.trim().split('\n')).toHaveLength(2);
  }, 60_000);
});
