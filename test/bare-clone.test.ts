/**
 * A clone with nothing beside it passes the tests that read the public corpus. The repository's
 * files, as a clone would have them (tracked and new, not ignored, from the working tree so that
 * uncommitted edits count), are copied into `<tmp>/<x>/clone`, with no `<tmp>/<x>/shared` beside it;
 * there `pnpm install --offline --frozen-lockfile` (the store is warm: CI installed the repository
 * first), `pnpm build`, and Vitest on every corpus-dependent test file.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freshEnv, runFresh, type Ran } from '../packages/cli/test/support/fresh-env.js';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
/** A user's shell: no pnpm or Vitest variables of the run around this test, and no SPECFIRST_* settings. */
const ENV = Object.fromEntries(Object.entries(freshEnv()).filter(([key]) => !key.startsWith('SPECFIRST_')));

/**
 * Every test file that reads the corpus (imports test/support/corpus.ts, or has a string starting
 * with fixtures/corpus).
 * The first test below fails when a file is missing here.
 */
const CORPUS_DEPENDENT = [
  'packages/cli/test/cli.test.ts',
  'packages/cli/test/sync.test.ts',
  'packages/codegen/test/formatting.test.ts',
  'packages/codegen/test/generated-code.test.ts',
  'packages/codegen/test/openapi.test.ts',
  'packages/spec-core/test/express-paths.test.ts',
  'packages/spec-core/test/fast-yaml.test.ts',
  'packages/spec-core/test/openapi-import.test.ts',
  'packages/spec-core/test/operation-overrides.test.ts',
  'test/corpus.test.ts',
];
const THIS_FILE = 'test/bare-clone.test.ts';
const HELPER = 'test/support/corpus.ts';

/** The repository's files as a clone has them: tracked and untracked-but-not-ignored, as they are now. */
function cloneFiles(): string[] {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (listed.status !== 0)
    throw new Error(`\`git ls-files\` failed in ${REPO_ROOT} (this test needs a git checkout):\n${listed.stderr}`);
  // A tracked file deleted in the working tree is not part of what a commit of it would give.
  return listed.stdout.split('\0').filter((file) => file !== '' && existsSync(path.join(REPO_ROOT, file)));
}

const isTestSource = (file: string): boolean =>
  /^(packages\/[^/]+\/test|examples\/[^/]+\/test|test)\/.+\.[cm]?ts$/.test(file);
/** An import of the corpus helper, or a path into fixtures/corpus written as a string. */
const READS_CORPUS = /support\/corpus\.js['"]|['"`](\.\.\/)*fixtures\/corpus/;

/** Runs a command to its end (or kills it, with everything it started, after `timeoutMs`). */
const run = (command: string, args: string[], cwd: string, timeoutMs: number): Promise<Ran> =>
  runFresh(command, args, cwd, { env: ENV, timeoutMs });

const shown = (ran: Ran, what: string): string =>
  `${what} exited ${ran.code} after ${(ran.ms / 1000).toFixed(1)} s:\n${ran.output.slice(-20_000)}`;

describe('the corpus-dependent test files', () => {
  it('are all listed here (every test source that imports test/support/corpus.ts or has a path into fixtures/corpus)', () => {
    const found = cloneFiles()
      .filter((file) => isTestSource(file) && file !== THIS_FILE && file !== HELPER)
      .filter((file) => READS_CORPUS.test(readFileSync(path.join(REPO_ROOT, file), 'utf8')));
    const notTestFiles = found.filter((file) => !file.endsWith('.test.ts'));
    expect(
      notTestFiles,
      'read the corpus from test files (through test/support/corpus.ts), so that the list below covers every reader',
    ).toEqual([]);
    expect(
      found.sort(),
      `${THIS_FILE}: CORPUS_DEPENDENT must list exactly the test files that read the corpus`,
    ).toEqual([...CORPUS_DEPENDENT].sort());
  });
});

describe('a clone with nothing beside it', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'specfirst-bare-clone-'));
  const clone = path.join(base, 'clone');
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('installs offline, builds, and passes every corpus-dependent test file', async () => {
    mkdirSync(clone);
    for (const file of cloneFiles()) {
      const from = path.join(REPO_ROOT, file);
      const to = path.join(clone, file);
      mkdirSync(path.dirname(to), { recursive: true });
      if (lstatSync(from).isSymbolicLink()) symlinkSync(readlinkSync(from), to);
      else copyFileSync(from, to);
    }
    expect(path.resolve(clone, '..', 'shared')).toBe(path.join(base, 'shared'));
    expect(existsSync(path.join(base, 'shared')), `${base}/shared must not exist`).toBe(false);
    expect(existsSync(path.join(clone, 'node_modules')), 'the copy must start without node_modules').toBe(false);

    const install = await run('pnpm', ['install', '--offline', '--frozen-lockfile'], clone, 180_000);
    expect(install.code, shown(install, 'pnpm install --offline --frozen-lockfile')).toBe(0);
    const build = await run('pnpm', ['build'], clone, 180_000);
    expect(build.code, shown(build, 'pnpm build')).toBe(0);

    const report = path.join(base, 'vitest.json');
    const vitest = await run(
      'pnpm',
      [
        'exec',
        'vitest',
        'run',
        '--reporter=default',
        '--reporter=json',
        `--outputFile.json=${report}`,
        ...CORPUS_DEPENDENT,
      ],
      clone,
      360_000,
    );
    const summary = `install ${(install.ms / 1000).toFixed(1)} s, build ${(build.ms / 1000).toFixed(1)} s, vitest ${(vitest.ms / 1000).toFixed(1)} s`;
    expect(vitest.code, `${summary}\n${shown(vitest, 'vitest run <the corpus-dependent files>')}`).toBe(0);
    expect(existsSync(report), shown(vitest, 'vitest (no JSON report)')).toBe(true);

    const result = JSON.parse(readFileSync(report, 'utf8')) as {
      numTotalTests: number;
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
      testResults: { name: string; status: string; assertionResults: unknown[] }[];
    };
    const files = Object.fromEntries(
      result.testResults.map((file) => [path.relative(clone, file.name).split(path.sep).join('/'), file.status]),
    );
    expect(files, shown(vitest, 'vitest')).toEqual(
      Object.fromEntries(CORPUS_DEPENDENT.map((file) => [file, 'passed'])),
    );
    const counts = {
      total: result.numTotalTests,
      passed: result.numPassedTests,
      failed: result.numFailedTests,
      skipped: result.numPendingTests + result.numTodoTests,
    };
    expect(counts, shown(vitest, 'vitest')).toEqual({
      total: counts.passed,
      passed: counts.passed,
      failed: 0,
      skipped: 0,
    });
    for (const file of result.testResults)
      expect(file.assertionResults.length, `${file.name} ran no test`).toBeGreaterThan(0);
  }, 780_000);
});
