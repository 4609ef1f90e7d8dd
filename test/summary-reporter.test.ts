/**
 * scripts/summary-reporter.ts, on a real Vitest run: a small project in a temporary folder with a
 * test of every outcome, run programmatically next to Vitest's default reporter, whose "Tests"
 * line is the reference the closing line must agree with.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startVitest } from 'vitest/node';
import { afterAll, describe, expect, it } from 'vitest';
import SummaryReporter, { summaryLine, type Counts } from '../scripts/summary-reporter.js';

/** This repository's reporter and Vitest's command, for the child processes below. */
const REPORTER = fileURLToPath(new URL('../scripts/summary-reporter.ts', import.meta.url));
const VITEST = path.join(path.dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-reporter-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const MARKER = path.join(temp, 'heartbeat-seen');

/** Test files (with Vitest's globals, so they import nothing from a folder without node_modules). */
const FILES: Record<string, string> = {
  'pass.test.ts': `
    test('passes', () => {});
    test.fails('fails, as it is expected to', () => { throw new Error('expected'); });
  `,
  'fail.test.ts': `
    test('fails', () => { expect(1).toBe(2); });
    test('passes too', () => {});
  `,
  'skip.test.ts': `
    test.skip('is skipped', () => {});
    test('skips itself at run time', (context) => context.skip());
    describe.skip('a skipped suite', () => { test('inside it', () => {}); });
  `,
  'todo.test.ts': `
    test.todo('is still to do');
  `,
  'throws-at-import.test.ts': `
    throw new Error('this file cannot load');
  `,
  'syntax-error.test.ts': `
    test('never parsed', () => {
  `,
  'hook.test.ts': `
    beforeAll(() => { throw new Error('the setup failed'); });
    test('never runs', () => {});
  `,
  'unhandled.test.ts': `
    test('leaves a rejection nobody handles', async () => {
      void Promise.reject(new Error('nobody handles this'));
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
  `,
  // These two run until the reporter has printed a heartbeat naming both, with the first test of
  // slow.test.ts done (at most 60 s), so the heartbeat is tested without guessing how long
  // anything takes. Two workers: once both have started, they run side by side.
  'slow.test.ts': `
    import { existsSync } from 'node:fs';
    test('is done at once', () => {});
    test('waits for the heartbeat', async () => {
      for (let i = 0; i < 600 && !existsSync(${JSON.stringify(MARKER)}); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(existsSync(${JSON.stringify(MARKER)})).toBe(true);
    });
  `,
  'also-slow.test.ts': `
    import { existsSync } from 'node:fs';
    test('waits for the heartbeat too', async () => {
      for (let i = 0; i < 600 && !existsSync(${JSON.stringify(MARKER)}); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(existsSync(${JSON.stringify(MARKER)})).toBe(true);
    });
  `,
};

/**
 * Collects what Vitest prints. Vitest pipes its workers' output into the stream it is given, and a
 * pipe ends its destination when its source ends: `end` is ignored, so the summary still lands.
 */
class Collector extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  override end(): this {
    return this;
  }
}

/** The numbers of a Vitest summary line (`Tests  1 failed | 3 passed | 4 skipped (9)`), by label. */
function vitestCounts(output: string, title: string): Record<string, number> {
  // eslint-disable-next-line no-control-regex
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  const line = new RegExp(`^\\s*${title}\\s+(.*)$`, 'm').exec(plain)?.[1];
  if (line === undefined) throw new Error(`Vitest printed no "${title}" line:\n${plain}`);
  return Object.fromEntries(
    [...line.replace(/\(\d+\)\s*$/, '').matchAll(/(\d+) ([a-z ]+?)(?= \||$)/g)].map((m) => [
      m[2]!.trim(),
      Number(m[1]),
    ]),
  );
}

describe('the summary reporter on a real run', () => {
  it('closes with the numbers of Vitest\'s "Tests" line, and names files that failed outside their tests', async () => {
    for (const [name, text] of Object.entries(FILES)) writeFileSync(path.join(temp, name), text);
    const lines: string[] = [];
    const reporter = new SummaryReporter({
      heartbeat: true,
      heartbeatMs: 200,
      write: (line) => {
        lines.push(line);
        if (
          line.startsWith('… still running:') &&
          line.includes(' slow.test.ts (') &&
          line.includes('1 of 2 tests done') &&
          line.includes(' also-slow.test.ts (')
        )
          writeFileSync(MARKER, '');
      },
    });
    // No writer, as in vitest.config.ts: its closing line goes where Vitest prints. Its heartbeat
    // is off, with a period short enough to show if it were not.
    const plain = new SummaryReporter({ heartbeat: false, heartbeatMs: 200 });
    const stream = new Collector();
    const exitCode = process.exitCode;
    const started = Date.now();
    try {
      const vitest = await startVitest(
        'test',
        [],
        {
          root: temp,
          config: false,
          globals: true,
          watch: false,
          include: ['*.test.ts'],
          reporters: ['default', reporter, plain],
          maxWorkers: 2,
          testTimeout: 90_000,
        },
        {},
        { stdout: stream, stderr: stream },
      );
      await vitest.close();
    } finally {
      // A failing run sets the exit code of the process it runs in: this test's, here.
      process.exitCode = exitCode;
    }
    const seconds = Math.ceil((Date.now() - started) / 1000);

    const vitestOutput = stream.text;
    const closing = lines.at(-1)!;
    expect(closing).toBe(
      '\n6 passed, 5 failed (1 test, 2 files failed to load, 1 file failed outside its tests, 1 unhandled error), 1 expected fail, 1 not run, 3 skipped, 1 todo',
    );
    // Vitest's own lines, for the same run: the test counts agree, its "skipped" being the line's
    // "not run" (hook.test.ts's test, which its beforeAll kept from running) and "skipped".
    expect(vitestCounts(vitestOutput, 'Tests')).toEqual({
      failed: 1,
      passed: 6,
      'expected fail': 1,
      skipped: 1 + 3,
      todo: 1,
    });
    // Vitest's failed files are the three the line names apart, and the one with the failed test.
    expect(vitestCounts(vitestOutput, 'Test Files')['failed']).toBe(2 + 1 + 1);
    expect(vitestCounts(vitestOutput, 'Errors')).toEqual({ error: 1 });

    // Without a writer, the same line, in Vitest's output; with the heartbeat off, none however short its period.
    expect(vitestOutput).toContain(closing);
    expect(vitestOutput).not.toContain('still running');

    const heartbeats = lines.filter((line) => line.startsWith('… still running:'));
    expect(heartbeats.length).toBeGreaterThan(0);
    // Each names at least one file: `<project> <file> (<seconds> s, <done> of <total> tests done)` (no project name here).
    for (const line of heartbeats)
      expect(line).toMatch(/^… still running: .*\S+\.test\.ts \(\d+ s, \d+ of \d+ tests? done\)/);
    // The last names both slow files, apart, with what each has done and for how long (no longer than the whole run).
    const named = heartbeats.at(-1)!.slice('… still running: '.length);
    const files = [...named.matchAll(/ ?(\S+\.test\.ts) \((\d+) s, (\d+ of \d+ tests? done)\)/g)];
    expect(files.map((file) => file[0]).join(', ')).toBe(named);
    expect(files.map((file) => `${file[1]}: ${file[3]}`).sort()).toEqual([
      'also-slow.test.ts: 0 of 1 test done',
      'slow.test.ts: 1 of 2 tests done',
    ]);
    for (const file of files) expect(Number(file[2])).toBeLessThanOrEqual(seconds);
  });
});

describe('the closing line', () => {
  const none: Counts = {
    passed: 0,
    failed: 0,
    expectedFail: 0,
    skipped: 0,
    todo: 0,
    notRun: 0,
    failedToLoad: 0,
    failedOutsideTests: 0,
    unhandledErrors: 0,
  };

  it.each<[string, Partial<Counts>, 'passed' | 'failed' | 'interrupted', string]>([
    ['nothing ran', {}, 'passed', '0 passed, 0 failed'],
    ['a green run: no zero counts beyond the two', { passed: 810 }, 'passed', '810 passed, 0 failed'],
    ['only tests failed: no breakdown', { passed: 3, failed: 2 }, 'failed', '3 passed, 2 failed'],
    [
      'one of each',
      { passed: 1, failed: 1, expectedFail: 1, notRun: 1, skipped: 1, todo: 1 },
      'failed',
      '1 passed, 1 failed, 1 expected fail, 1 not run, 1 skipped, 1 todo',
    ],
    [
      'a file that failed to load',
      { passed: 3, failedToLoad: 1 },
      'failed',
      '3 passed, 1 failed (1 file failed to load)',
    ],
    [
      'files that failed to load',
      { passed: 3, failedToLoad: 2 },
      'failed',
      '3 passed, 2 failed (2 files failed to load)',
    ],
    [
      'a file that failed outside its tests',
      { passed: 3, failedOutsideTests: 1, notRun: 2 },
      'failed',
      '3 passed, 1 failed (1 file failed outside its tests), 2 not run',
    ],
    [
      'files that failed outside their tests',
      { passed: 3, failedOutsideTests: 2 },
      'failed',
      '3 passed, 2 failed (2 files failed outside their tests)',
    ],
    ['an unhandled error', { passed: 3, unhandledErrors: 1 }, 'failed', '3 passed, 1 failed (1 unhandled error)'],
    ['unhandled errors', { passed: 3, unhandledErrors: 2 }, 'failed', '3 passed, 2 failed (2 unhandled errors)'],
    [
      'a test and a file',
      { failed: 1, failedToLoad: 1 },
      'failed',
      '0 passed, 2 failed (1 test, 1 file failed to load)',
    ],
    [
      'tests and an error',
      { failed: 2, unhandledErrors: 1 },
      'failed',
      '0 passed, 3 failed (2 tests, 1 unhandled error)',
    ],
    [
      'a failed run with nothing counted',
      { passed: 4 },
      'failed',
      "4 passed, 1 failed (outside the test files: see Vitest's output)",
    ],
    ['an interrupted run', { passed: 2, skipped: 5 }, 'interrupted', '2 passed, 0 failed, 5 skipped, interrupted'],
  ])('%s: %j', (_case, counts, reason, line) => {
    expect(summaryLine({ ...none, ...counts }, reason)).toBe(line);
  });
});

/**
 * What `vitest run` prints and returns, in a child process, for one folder of test files: the
 * closing line comes from this repository's reporter, as in vitest.config.ts.
 */
function vitestRun(
  files: Record<string, string>,
  config: Record<string, unknown> = {},
): { exitCode: number | null; closing: string; output: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'specfirst-reporter-run-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const options = { globals: true, include: ['*.test.ts'], reporters: ['default', REPORTER], ...config };
    writeFileSync(path.join(dir, 'vitest.config.mjs'), `export default { test: ${JSON.stringify(options)} };\n`);
    const run = spawnSync(
      process.execPath,
      [VITEST, 'run', '--root', dir, '--config', path.join(dir, 'vitest.config.mjs')],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
        timeout: 120_000,
      },
    );
    const output = `${run.stdout}${run.stderr}`;
    const closing = run.stdout.trimEnd().split('\n').at(-1) ?? '';
    return { exitCode: run.status, closing, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the closing line of a real `vitest run`', () => {
  it.each<[string, Record<string, string>, Record<string, unknown>, number, string]>([
    ['a green run', { 'ok.test.ts': "test('a', () => {});\ntest('b', () => {});" }, {}, 0, '2 passed, 0 failed'],
    [
      'a beforeAll that throws: its tests did not run, and the file failed',
      { 'hook.test.ts': "beforeAll(() => { throw new Error('setup'); });\ntest('a', () => {});\ntest('b', () => {});" },
      {},
      1,
      '0 passed, 1 failed (1 file failed outside its tests), 2 not run',
    ],
    [
      "a suite's beforeAll that throws, next to a test that passes",
      {
        'suite.test.ts':
          "describe('db', () => {\n  beforeAll(() => { throw new Error('no database'); });\n  test('a', () => {});\n});\ntest('b', () => {});",
      },
      {},
      1,
      '1 passed, 1 failed (1 file failed outside its tests), 1 not run',
    ],
    [
      'an afterAll that throws after the tests passed',
      { 'teardown.test.ts': "afterAll(() => { throw new Error('teardown'); });\ntest('a', () => {});" },
      {},
      1,
      '1 passed, 1 failed (1 file failed outside its tests)',
    ],
    [
      'a test that skips itself next to a throwing afterAll stays skipped',
      {
        'teardown.test.ts':
          "afterAll(() => { throw new Error('teardown'); });\ntest('a', () => {});\ntest('b', (context) => context.skip());",
      },
      {},
      1,
      '1 passed, 1 failed (1 file failed outside its tests), 1 skipped',
    ],
    [
      'an unhandled rejection in passing tests',
      {
        'unhandled.test.ts':
          "test('a', async () => { void Promise.reject(new Error('nobody handles this')); await new Promise((r) => setTimeout(r, 20)); });\ntest('b', () => {});",
      },
      {},
      1,
      '2 passed, 1 failed (1 unhandled error)',
    ],
    [
      'a failing test and a file that cannot load',
      {
        'fail.test.ts': "test('a', () => { expect(1).toBe(2); });",
        'broken.test.ts': "throw new Error('cannot load');",
      },
      {},
      1,
      '0 passed, 2 failed (1 test, 1 file failed to load)',
    ],
    [
      'a stray .only, refused',
      { 'only.test.ts': "test.only('a', () => {});\ntest('b', () => {});" },
      { allowOnly: false },
      1,
      '0 passed, 1 failed, 1 skipped',
    ],
    [
      'no test file at all',
      { 'README.md': 'no tests here' },
      {},
      1,
      "0 passed, 1 failed (outside the test files: see Vitest's output)",
    ],
  ])('%s', (_case, files, config, exitCode, closing) => {
    const run = vitestRun(files, config);
    expect({ exitCode: run.exitCode, closing: run.closing }, run.output).toEqual({ exitCode, closing });
    // The line reads `0 failed` exactly when Vitest passes the run.
    expect(run.closing.includes(' 0 failed'), run.output).toBe(run.exitCode === 0);
  });
});
