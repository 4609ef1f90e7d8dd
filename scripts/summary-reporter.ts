/**
 * A Vitest reporter, next to Vitest's own (vitest.config.ts), for two things the default one does
 * not do.
 *
 * 1. One closing line, `810 passed, 0 failed`, so CI and people read the outcome the same way. Its
 *    tests are those of Vitest's "Tests" line, counted as Vitest counts them (a `.fails` test that
 *    fails as expected is an "expected fail", a `.todo` a "todo"), except that tests a throwing
 *    `beforeAll` kept from running are "not run", not "skipped". "failed" counts every failure
 *    Vitest counts, not only tests, and says which when others are among them:
 *    `0 passed, 1 failed (1 file failed outside its tests), 21 not run` (a `beforeAll` threw),
 *    `810 passed, 3 failed (1 test, 1 file failed to load, 1 unhandled error)`. So whenever Vitest
 *    fails the run, the line reads more than `0 failed`.
 *
 * 2. Progress while long files run, when the output is not a terminal (CI, a pipe, `| tee`). There
 *    Vitest prints a file only once it is done, and the init, tutorial and Conduit suites take tens
 *    of seconds each: the log would say nothing for most of a minute. So when nothing has been
 *    printed for 10 s (no file finished, no heartbeat), this prints one line naming each file that
 *    has been running for 10 s or more, how long, and how many of its tests are done:
 *
 *      … still running: cli test/init.test.ts (40 s, 12 of 20 tests done), example-conduit test/conduit.test.ts (10 s, 3 of 21 tests done)
 *
 *    A heartbeat rather than a line per test: at most one line per 10 s however many tests a file
 *    has, none while files keep finishing, and it shows a file that is stuck inside one test, which
 *    per-test lines would not. On a terminal Vitest shows the running files itself, and the
 *    heartbeat is off.
 */
import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason, TestSuite, Vitest } from 'vitest/node';

export interface SummaryReporterOptions {
  /** Silence, in ms, after which the heartbeat names the files running for that long. Default: 10 000. */
  heartbeatMs?: number;
  /** Whether to print the heartbeat. Default: when standard output is not a terminal. */
  heartbeat?: boolean;
  /** Where lines go. Default: Vitest's logger (standard output, or the stream Vitest was given). */
  write?: (line: string) => void;
}

/** The numbers of the closing line. */
export interface Counts {
  passed: number;
  /** Tests that failed. */
  failed: number;
  expectedFail: number;
  skipped: number;
  todo: number;
  /** Tests that never ran because a `beforeAll` of their suite or file threw (Vitest counts them as skipped). */
  notRun: number;
  /** Files that failed and hold no test: an error at import, a syntax error. */
  failedToLoad: number;
  /** Files with tests that failed outside them: a `beforeAll` or `afterAll` threw. */
  failedOutsideTests: number;
  unhandledErrors: number;
}

type Parent = TestModule | TestSuite;

/** Tests that ran: they passed or failed (a skipped or pending one did not). */
function ran(parent: Parent): boolean {
  return [...parent.children.allTests()].some((test) => ['passed', 'failed'].includes(test.result().state));
}

/**
 * A test Vitest reports as skipped although nothing skipped it: the nearest suite (or file) with a
 * hook error ran none of its tests, so the error came before them.
 */
function keptFromRunning(test: TestCase): boolean {
  if (test.options.mode !== 'run') return false;
  for (let parent: Parent = test.parent; ; parent = parent.parent) {
    if (parent.errors().length > 0) return !ran(parent);
    if (parent.type === 'module') return false;
  }
}

export function countRun(testModules: readonly TestModule[], unhandledErrors: readonly SerializedError[]): Counts {
  const counts: Counts = {
    passed: 0,
    failed: 0,
    expectedFail: 0,
    skipped: 0,
    todo: 0,
    notRun: 0,
    failedToLoad: 0,
    failedOutsideTests: 0,
    unhandledErrors: unhandledErrors.length,
  };
  for (const module of testModules) {
    const tests = [...module.children.allTests()];
    let failedTests = 0;
    for (const test of tests) {
      const state = test.result().state;
      if (state === 'passed') {
        if (test.options.fails) counts.expectedFail++;
        else counts.passed++;
      } else if (state === 'failed') {
        counts.failed++;
        failedTests++;
      } else if (state === 'skipped') {
        if (test.options.mode === 'todo') counts.todo++;
        else if (keptFromRunning(test)) counts.notRun++;
        else counts.skipped++;
      }
      // `pending`: an interrupted run; Vitest leaves those out of its counts too.
    }
    const hookErrors =
      module.errors().length > 0 || [...module.children.allSuites()].some((suite) => suite.errors().length > 0);
    if (tests.length === 0) {
      if (module.state() === 'failed') counts.failedToLoad++;
    } else if (hookErrors || (module.state() === 'failed' && failedTests === 0)) {
      counts.failedOutsideTests++;
    }
  }
  return counts;
}

/** Every failure of the run: tests, files, unhandled errors. */
export function failures(counts: Counts): number {
  return counts.failed + counts.failedToLoad + counts.failedOutsideTests + counts.unhandledErrors;
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

export function summaryLine(counts: Counts, reason: TestRunEndReason = 'passed'): string {
  const kinds: string[] = [];
  let failed = failures(counts);
  if (counts.failed > 0 && failed > counts.failed) kinds.push(count(counts.failed, 'test', 'tests'));
  if (counts.failedToLoad > 0) kinds.push(count(counts.failedToLoad, 'file failed to load', 'files failed to load'));
  if (counts.failedOutsideTests > 0)
    kinds.push(count(counts.failedOutsideTests, 'file failed outside its tests', 'files failed outside their tests'));
  if (counts.unhandledErrors > 0) kinds.push(count(counts.unhandledErrors, 'unhandled error', 'unhandled errors'));
  // Vitest failed the run, and nothing above says why (no test file found, a startup error): the
  // line still does not read `0 failed`.
  if (failed === 0 && reason === 'failed') {
    failed = 1;
    kinds.push("outside the test files: see Vitest's output");
  }
  const parts = [`${counts.passed} passed`, `${failed} failed${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}`];
  if (counts.expectedFail > 0) parts.push(`${counts.expectedFail} expected fail`);
  if (counts.notRun > 0) parts.push(`${counts.notRun} not run`);
  if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
  if (counts.todo > 0) parts.push(`${counts.todo} todo`);
  if (reason === 'interrupted') parts.push('interrupted');
  return parts.join(', ');
}

export default class SummaryReporter implements Reporter {
  private readonly heartbeatMs: number;
  private readonly heartbeatOn: boolean;
  /** Until onInit hands over Vitest's logger: standard output. */
  private write: (line: string) => void = (line) => process.stdout.write(`${line}\n`);
  private readonly customWrite: ((line: string) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** When a file last finished or the heartbeat last spoke: the start of the current silence. */
  private lastOutput = 0;
  /** Files running now, with when they started and how many of their tests are done. */
  private readonly running = new Map<string, { module: TestModule; started: number; done: number }>();

  constructor(options: SummaryReporterOptions = {}) {
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.heartbeatOn = options.heartbeat ?? process.stdout.isTTY !== true;
    this.customWrite = options.write;
    if (options.write) this.write = options.write;
  }

  onInit(vitest: Vitest): void {
    if (!this.customWrite) this.write = (line) => vitest.logger.log(line);
  }

  onTestRunStart(): void {
    this.running.clear();
    this.lastOutput = Date.now();
    if (!this.heartbeatOn) return;
    clearInterval(this.timer);
    // Looks ten times per period, so a file is named soon after it has run for a whole period.
    this.timer = setInterval(() => this.heartbeat(), Math.max(10, this.heartbeatMs / 10));
    // Never the reason the process stays up.
    this.timer.unref();
  }

  onTestModuleStart(module: TestModule): void {
    this.running.set(module.id, { module, started: Date.now(), done: 0 });
  }

  onTestCaseResult(test: TestCase): void {
    const entry = this.running.get(test.module.id);
    if (entry) entry.done++;
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.id);
    // Vitest prints the file now (outside a terminal).
    this.lastOutput = Date.now();
  }

  onTestRunEnd(
    testModules: readonly TestModule[],
    unhandledErrors: readonly SerializedError[],
    reason: TestRunEndReason,
  ): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.running.clear();
    this.write(`\n${summaryLine(countRun(testModules, unhandledErrors), reason)}`);
  }

  private heartbeat(): void {
    const now = Date.now();
    if (now - this.lastOutput < this.heartbeatMs) return;
    const long = [...this.running.values()]
      .filter((entry) => now - entry.started >= this.heartbeatMs)
      .sort((a, b) => a.started - b.started);
    if (long.length === 0) return;
    const files = long.map(({ module, started, done }) => {
      const total = [...module.children.allTests()].length;
      return `${module.project.name} ${module.relativeModuleId} (${Math.round((now - started) / 1000)} s, ${done} of ${total} ${total === 1 ? 'test' : 'tests'} done)`;
    });
    this.lastOutput = now;
    this.write(`… still running: ${files.join(', ')}`);
  }
}
