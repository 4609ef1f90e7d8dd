/**
 * Sandboxed handlers, with real child processes: the built runtime's dist/tasks/sandbox-child.js
 * runs the handlers of fixtures/handlers.mjs. What the worker relies on: a handler that blocks its
 * event loop for good is killed `killAfterMs` after its signal aborted and its call rejects with the
 * signal's reason; a cooperative one sees its signal; a child that dies is replaced; log records
 * and the context cross the process boundary; `size` calls run at once; no child outlives `close()`
 * or its parent. Every wait is bounded.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TaskJobError } from '../../src/tasks/job-error.js';
import {
  createSandboxRunner,
  isSandboxed,
  sandboxed,
  SandboxError,
  type SandboxRunner,
  type SandboxRunnerOptions,
} from '../../src/tasks/sandbox.js';
import type { TaskContext } from '../../src/tasks/types.js';
import { recordingLogger } from '../support.js';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const HANDLERS = fixture('handlers.mjs');

beforeAll(() => {
  // The children run the built runtime: build it (incremental, quick when nothing changed) so that
  // they never run old code.
  const build = spawnSync(
    process.execPath,
    [
      createRequire(import.meta.url).resolve('typescript/bin/tsc'),
      '-b',
      fileURLToPath(new URL('../..', import.meta.url)),
    ],
    { encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`building the runtime failed:\n${build.stdout}${build.stderr}`);
}, 120_000);

const runners: SandboxRunner[] = [];
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.close();
});

function runner(options: Partial<SandboxRunnerOptions> = {}, module: URL | string = HANDLERS, exportName?: string) {
  const logger = recordingLogger();
  const created = createSandboxRunner(sandboxed(module, exportName), { size: 1, logger, ...options });
  runners.push(created);
  return { runner: created, logger };
}

/** A context as the worker builds one; `abort` is its time limit passing. */
function context(overrides: Partial<TaskContext> = {}) {
  const controller = new AbortController();
  const logger = recordingLogger();
  const value: TaskContext = {
    task: 'echo',
    jobId: 'job-1',
    attempt: 1,
    attempts: 3,
    signal: controller.signal,
    timeLeftMs: () => Infinity,
    logger,
    childrenResults: () => Promise.resolve([]),
    ...overrides,
  };
  return { context: value, logger, abort: (reason: unknown) => controller.abort(reason) };
}

/** A limit error as the worker's would be: a name and a message the handler and the worker can read. */
function timeLimit(): Error {
  return Object.assign(new Error('sendReceipt ran out of its 300 ms'), { name: 'TaskTimeLimitError' });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie (dead, not yet reaped by whoever adopted it) counts as gone.
  if (!existsSync('/proc')) return true;
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls until `check` holds, at most `timeoutMs`. */
async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

/** Settles within `timeoutMs` or says it did not. */
async function within<T>(
  promise: Promise<T>,
  timeoutMs = 15_000,
): Promise<{ value: T } | { error: unknown } | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), timeoutMs)));
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      pending,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('hard time limits', () => {
  it('kills a handler that blocks its event loop killAfterMs after the abort, rejects with the reason, and keeps serving', async () => {
    const killAfterMs = 400;
    const { runner: pool, logger } = await readyRunner({ killAfterMs });
    const [pid] = pool.pids();
    const call = context({ task: 'spin' });
    const reason = timeLimit();
    const running = pool.run('spin', {}, call.context);
    // The worker's time limit: it aborts the signal (and fails the attempt at once).
    const timeoutMs = 300;
    await new Promise((resolve) => setTimeout(resolve, timeoutMs));
    const abortedAt = Date.now();
    call.abort(reason);

    const outcome = await within(running);
    expect(outcome).toEqual({ error: reason });
    // Not before killAfterMs: the handler had that long to stop on its own.
    expect(Date.now() - abortedAt).toBeGreaterThanOrEqual(killAfterMs - 5);
    expect(await eventually(() => !alive(pid!))).toBe(true);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ code: 'SFR4333', task: 'spin', jobId: 'job-1', pid }),
      }),
    );

    const next = await within(pool.run('echo', { n: 2 }, context().context));
    expect(next).toEqual({ value: expect.objectContaining({ args: { n: 2 } }) });
    expect((next as { value: { pid: number } }).value.pid).not.toBe(pid);
  }, 30_000);

  it('serves the next call from a replacement started at the abort, before the ignored handler is killed', async () => {
    const killAfterMs = 8000;
    const { runner: pool } = await readyRunner({ size: 1, killAfterMs });
    const [spinning] = pool.pids();
    const call = context({ task: 'spin' });
    const reason = timeLimit();
    const running = pool.run('spin', {}, call.context);
    call.abort(reason);
    const next = await within(pool.run('echo', 'next', context().context));
    expect(next).toEqual({ value: expect.objectContaining({ args: 'next' }) });
    expect((next as { value: { pid: number } }).value.pid).not.toBe(spinning);
    // The next job did not wait for the kill: the ignored handler's process still runs.
    expect(alive(spinning!)).toBe(true);
    expect(await within(running, killAfterMs + 15_000)).toEqual({ error: reason });
    expect(await eventually(() => !alive(spinning!))).toBe(true);
  }, 40_000);

  it('lets a cooperative handler see its signal abort with the reason, and resolves with its result', async () => {
    const { runner: pool, logger } = await readyRunner({ killAfterMs: 5000 });
    const call = context({ task: 'cooperate' });
    const running = pool.run('cooperate', {}, call.context);
    await new Promise((resolve) => setTimeout(resolve, 100));
    call.abort(timeLimit());
    expect(await within(running)).toEqual({
      value: { aborted: true, reason: 'TaskTimeLimitError: sendReceipt ran out of its 300 ms' },
    });
    expect(logger.entries.filter((entry) => entry.fields.code === 'SFR4333')).toEqual([]);
    // The pool goes on with a fresh child.
    expect(await within(pool.run('echo', 1, context().context))).toEqual({
      value: expect.objectContaining({ args: 1 }),
    });
  }, 30_000);

  it('rejects at once with the reason a call aborted while it waits for a child, and never runs it', async () => {
    const { runner: pool } = await readyRunner({ size: 1 });
    const first = pool.run('sleep', { ms: 300 }, context().context);
    const waiting = context({ task: 'echo' });
    const second = pool.run('echo', 'never', waiting.context);
    const reason = timeLimit();
    waiting.abort(reason);
    expect(await within(second)).toEqual({ error: reason });
    expect(await within(first)).toEqual({ value: { pid: expect.any(Number) } });
  }, 30_000);

  it('rejects with the reason without starting anything when the signal is already aborted', async () => {
    const { runner: pool } = runner();
    const call = context();
    const reason = timeLimit();
    call.abort(reason);
    expect(await within(pool.run('echo', 1, call.context))).toEqual({ error: reason });
    expect(pool.pids()).toEqual([]);
  });
});

describe('children that die on their own', () => {
  it.each([
    ['process.exit in the handler', 'exit', { code: 3 }, 'exited with code 3'],
    [
      'an uncaught exception in a callback',
      'crash',
      {},
      'exited with code 1 after an uncaught Error: boom in a callback',
    ],
  ])(
    '%s: the call fails with SFR4330 and the child is replaced',
    async (_case, task, args, says) => {
      const { runner: pool, logger } = await readyRunner();
      const [pid] = pool.pids();
      const outcome = await within(pool.run(task, args, context({ task }).context));
      expect(outcome).toEqual({ error: expect.any(SandboxError) });
      const error = (outcome as { error: SandboxError }).error;
      expect(error.code).toBe('SFR4330');
      expect(error.message).toContain(`running task \`${task}\` (job job-1) ${says}`);
      expect(logger.entries).toContainEqual(
        expect.objectContaining({ level: 'error', fields: expect.objectContaining({ code: 'SFR4330', task }) }),
      );

      const next = await within(pool.run('echo', 'again', context().context));
      expect(next).toEqual({ value: expect.objectContaining({ args: 'again' }) });
      expect((next as { value: { pid: number } }).value.pid).not.toBe(pid);
    },
    30_000,
  );
});

describe('what crosses the process boundary', () => {
  it('the context: ids, attempt, request id, traceparent, time left, children results on request', async () => {
    const { runner: pool } = await readyRunner();
    const call = context({
      task: 'echo',
      jobId: 'job-7',
      attempt: 2,
      attempts: 5,
      requestId: 'req-1',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      timeLeftMs: () => 60_000,
    });
    const outcome = await within(pool.run('echo', { to: 'ada@example.com', tags: ['a'] }, call.context));
    expect(outcome).toEqual({
      value: {
        args: { to: 'ada@example.com', tags: ['a'] },
        pid: expect.any(Number),
        task: 'echo',
        jobId: 'job-7',
        attempt: 2,
        attempts: 5,
        requestId: 'req-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        callContext: { requestId: 'req-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        timeLeftFinite: true,
        timeLeftMs: expect.any(Number),
      },
    });
    const { timeLeftMs } = (outcome as { value: { timeLeftMs: number } }).value;
    expect(timeLeftMs).toBeGreaterThan(0);
    expect(timeLeftMs).toBeLessThanOrEqual(60_000);

    const flow = context({ task: 'children', childrenResults: () => Promise.resolve([{ sent: true }, 2]) });
    expect(await within(pool.run('children', {}, flow.context))).toEqual({ value: { children: [{ sent: true }, 2] } });
    const broken = context({ task: 'children', childrenResults: () => Promise.reject(new Error('child job gone')) });
    expect(await within(pool.run('children', {}, broken.context))).toEqual({
      error: expect.objectContaining({ message: 'child job gone' }),
    });
  }, 30_000);

  it("log records reach the call's logger, fields a structured clone refuses as strings", async () => {
    const { runner: pool } = await readyRunner();
    const call = context({ task: 'log' });
    expect(await within(pool.run('log', {}, call.context))).toEqual({ value: null });
    expect(call.logger.entries).toEqual([
      { level: 'info', fields: { step: 1, when: new Date(0), fn: '() => 1' }, message: 'first' },
      { level: 'warn', fields: { step: 2 }, message: 'second' },
    ]);
  }, 30_000);

  it.each<[string, string, unknown, (error: unknown) => void]>([
    [
      'a thrown error keeps its name, message and code',
      'fail',
      {},
      (error) => expect(error).toMatchObject({ name: 'Error', message: 'card declined', code: 'E_DECLINED' }),
    ],
    [
      'a TaskJobError keeps its reason and retry',
      'refuse',
      {},
      (error) => {
        expect(error).toBeInstanceOf(TaskJobError);
        expect(error).toMatchObject({ message: 'args out of date', reason: 'invalid-args', retry: false });
      },
    ],
    [
      'a task the module has no function for: SFR4331',
      'nope',
      {},
      (error) =>
        expect(error).toMatchObject({ code: 'SFR4331', message: expect.stringContaining('no function `nope`') }),
    ],
    [
      'a result that is not JSON: SFR4332',
      'unsendable',
      {},
      (error) =>
        expect(error).toMatchObject({
          code: 'SFR4332',
          message: expect.stringContaining('result of a sandboxed handler cannot be sent'),
        }),
    ],
    [
      'args that are not JSON: SFR4332',
      'echo',
      { callback: () => 1 },
      (error) =>
        expect(error).toMatchObject({
          code: 'SFR4332',
          message: expect.stringContaining('the args of task `echo` (job job-1) cannot be sent'),
        }),
    ],
  ])(
    '%s',
    async (_case, task, args, check) => {
      const { runner: pool } = await readyRunner();
      const outcome = await within(pool.run(task, args, context({ task }).context));
      expect(outcome).toHaveProperty('error');
      check((outcome as { error: unknown }).error);
      // None of these costs the child.
      expect(await within(pool.run('echo', 'still', context().context))).toEqual({
        value: expect.objectContaining({ args: 'still' }),
      });
    },
    30_000,
  );
});

describe('the pool', () => {
  it('runs `size` calls at once', async () => {
    const size = 3;
    const { runner: pool } = await readyRunner({ size });
    // A barrier: each call asks for its children results, and none gets them before all three asked.
    // Run one after another, the first would wait for ever (here: until the bounded wait ends).
    let asked = 0;
    let release!: () => void;
    const all = new Promise<void>((resolve) => (release = resolve));
    const barrier = () => {
      if (++asked === size) release();
      return all.then(() => [asked]);
    };
    const calls = Array.from({ length: size }, () =>
      pool.run('children', {}, context({ childrenResults: barrier }).context),
    );
    const outcome = await within(Promise.all(calls));
    expect(outcome).toEqual({ value: Array.from({ length: size }, () => ({ children: [size] })) });
  }, 30_000);

  it('close() kills every child, waits for none, and refuses later calls with SFR4334', async () => {
    const { runner: pool } = await readyRunner({ size: 2 });
    const pids = pool.pids();
    expect(pids).toHaveLength(2);
    const busy = pool.run('spin', {}, context({ task: 'spin' }).context);
    await pool.close();
    expect(await within(busy)).toEqual({ error: expect.objectContaining({ code: 'SFR4334' }) });
    expect(await eventually(() => pids.every((pid) => !alive(pid)))).toBe(true);
    expect(await within(pool.run('echo', 1, context().context))).toEqual({
      error: expect.objectContaining({ code: 'SFR4334' }),
    });
    await expect(pool.ready()).rejects.toMatchObject({ code: 'SFR4334' });
  }, 30_000);

  it('a child does not outlive its parent, even while its handler blocks the event loop', async () => {
    const parent = spawn(process.execPath, [fileURLToPath(fixture('parent.mjs'))], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((resolve) => parent.once('exit', () => resolve()));
    let child: number | undefined;
    try {
      let stdout = '';
      parent.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      expect(await eventually(() => /CHILD \d+\n/.test(stdout), 20_000)).toBe(true);
      child = Number(/CHILD (\d+)/.exec(stdout)![1]);
      expect(alive(child)).toBe(true);
      parent.kill('SIGKILL');
      await within(exited);
      expect(await eventually(() => !alive(child!))).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      // Not left behind when the test fails.
      if (child !== undefined && alive(child)) process.kill(child, 'SIGKILL');
    }
  }, 40_000);
});

describe('start-up errors', () => {
  it.each<[string, string, () => unknown, string, string]>([
    [
      'SFR1323',
      'a size of 0',
      () => createSandboxRunner(sandboxed(HANDLERS), { size: 0, logger: recordingLogger() }),
      'the sandbox size must be a positive integer; got 0',
      "it is the worker's concurrency",
    ],
    [
      'SFR1323',
      'a negative killAfterMs',
      () => createSandboxRunner(sandboxed(HANDLERS), { size: 1, killAfterMs: -1, logger: recordingLogger() }),
      'killAfterMs must be a whole number of milliseconds, 0 or more; got -1',
      'leave it unset (1000)',
    ],
    [
      'SFR1324',
      'a relative path',
      () => createSandboxRunner(sandboxed('./tasks.js'), { size: 1, logger: recordingLogger() }),
      'the sandboxed module must be a file URL or an absolute path; got "./tasks.js"',
      "sandboxed(new URL('./tasks.js', import.meta.url))",
    ],
  ])('%s (thrown at once): %s', (code, _case, make, problem, hint) => {
    expect(make).toThrow(SandboxError);
    expect(make).toThrow(
      expect.objectContaining({ code, message: expect.stringContaining(problem), hint: expect.stringContaining(hint) }),
    );
  });

  it.each<[string, string, URL, string | undefined, string[] | undefined, string]>([
    ['SFR1320', 'a module that does not exist', fixture('missing.mjs'), undefined, undefined, 'cannot be imported'],
    [
      'SFR1320',
      'a module that throws while it loads',
      fixture('throws-on-import.mjs'),
      undefined,
      undefined,
      'the SMTP settings are missing',
    ],
    [
      'SFR1321',
      'no handlers under the export name',
      fixture('named-export.mjs'),
      undefined,
      undefined,
      'its exports: `handlers`, `version`',
    ],
    [
      'SFR1321',
      'an export that is not an object',
      fixture('named-export.mjs'),
      'version',
      undefined,
      'under export `version`',
    ],
    [
      'SFR1322',
      'no function for a task the worker runs',
      HANDLERS,
      undefined,
      ['echo', 'sendReceipt'],
      'no function for task `sendReceipt`',
    ],
    [
      'SFR1325',
      'a module that ends its process while it loads',
      fixture('exits-on-import.mjs'),
      undefined,
      undefined,
      'exited with code 7 while importing it',
    ],
  ])(
    '%s: %s, from ready() and from every call',
    async (code, _case, module, exportName, tasks, says) => {
      const { runner: pool } = runner(tasks ? { tasks } : {}, module, exportName);
      const started = await within(pool.ready());
      expect(started).toEqual({ error: expect.any(SandboxError) });
      expect((started as { error: SandboxError }).error).toMatchObject({
        code,
        message: expect.stringContaining(says),
      });
      if (code !== 'SFR1322') {
        const call = await within(pool.run('echo', 1, context().context));
        expect(call).toEqual({ error: expect.objectContaining({ code }) });
        // No child is kept, and none is started again.
        expect(await eventually(() => pool.pids().length === 0)).toBe(true);
      }
    },
    30_000,
  );

  it('the handlers of a named export run', async () => {
    const { runner: pool } = runner({}, fixture('named-export.mjs'), 'handlers');
    expect(await within(pool.run('ping', {}, context({ task: 'ping' }).context))).toEqual({ value: 'pong' });
  }, 30_000);

  it('sandboxed() marks a module, by URL or path, and isSandboxed() tells it from handler objects', () => {
    expect(sandboxed(HANDLERS)).toEqual({ kind: 'sandboxed', module: HANDLERS.href, exportName: 'default' });
    expect(sandboxed('/srv/tasks.js', 'handlers')).toEqual({
      kind: 'sandboxed',
      module: '/srv/tasks.js',
      exportName: 'handlers',
    });
    expect(isSandboxed(sandboxed(HANDLERS))).toBe(true);
    expect(isSandboxed({ sendReceipt: () => undefined })).toBe(false);
    expect(isSandboxed(null)).toBe(false);
  });
});

/** A runner whose children all imported the module. */
async function readyRunner(options: Partial<SandboxRunnerOptions> = {}) {
  const created = runner(options);
  const outcome = await within(created.runner.ready(), 20_000);
  expect(outcome).toEqual({ value: undefined });
  return created;
}
