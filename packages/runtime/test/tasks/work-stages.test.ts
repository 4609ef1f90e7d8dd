import { TASK_JOB_VERSION, type TaskJobData } from '@specfirst/spec-core/tasks';
import { describe, expect, it } from 'vitest';
import { TaskJobError } from '../../src/tasks/job-error.js';
import { TaskTimeLimitError } from '../../src/tasks/task-errors.js';
import type { TaskDefinition } from '../../src/tasks/types.js';
import {
  argsStage,
  decodeStage,
  handlerFailure,
  previousFailure,
  resultStage,
  runAttempt,
  WorkerStoppedError,
  type Attempt,
  type StageFailure,
  type StageJob,
  type StageOutcome,
} from '../../src/tasks/work-stages.js';
import { purgeCartsTask, sendReceiptTask } from './support.js';

const sendReceipt = sendReceiptTask();
const purgeCarts = purgeCartsTask();
const tasks = new Map<string, TaskDefinition>([
  ['sendReceipt', sendReceipt as TaskDefinition],
  ['purgeCarts', purgeCarts as TaskDefinition],
]);
const job = (name: string, data: unknown, attempt = 1): StageJob => ({
  id: '7',
  name,
  data: data as TaskJobData,
  attempt,
});
const data = (extra: Partial<TaskJobData> = {}): TaskJobData => ({
  v: TASK_JOB_VERSION,
  args: { orderId: 'o1' },
  ...extra,
});

/** What a failed stage says: the log's code and the error the processor rejects with. */
function failure(outcome: StageOutcome<unknown>) {
  if (outcome.ok) return undefined;
  const { code, error } = outcome.failure;
  expect(error).toBeInstanceOf(TaskJobError);
  return { code, reason: error.reason, retry: error.retry, message: error.message };
}

describe('decode', () => {
  const decode = decodeStage(tasks);

  it('a job of a task the worker runs goes on with its definition and data', () => {
    const decoded = decode(job('sendReceipt', data({ requestId: 'r1' })));
    expect(decoded).toEqual({ ok: true, value: { definition: sendReceipt, data: data({ requestId: 'r1' }) } });
  });

  it.each<[string, StageJob, string]>([
    [
      'a task the worker does not run',
      job('refund', data()),
      'SFR4306 job 7 of `refund` is of a task this worker does not run (it runs sendReceipt, purgeCarts): an enqueuer of another version of the spec',
    ],
    [
      'data of another version',
      job('sendReceipt', { v: 2, args: {} }),
      'SFR4306 job 7 of `sendReceipt` has job data of version 2; this worker reads version 1',
    ],
    [
      'data without a version',
      job('sendReceipt', { args: {} }),
      'SFR4306 job 7 of `sendReceipt` has job data of version undefined; this worker reads version 1',
    ],
    ['no data object', job('sendReceipt', null), 'SFR4306 job 7 of `sendReceipt` has no job data object'],
    ['data that is an array', job('sendReceipt', [1]), 'SFR4306 job 7 of `sendReceipt` has no job data object'],
    ['data that is a string', job('sendReceipt', 'v1'), 'SFR4306 job 7 of `sendReceipt` has no job data object'],
    ['data that is a number', job('sendReceipt', 1), 'SFR4306 job 7 of `sendReceipt` has no job data object'],
  ])('%s fails for good (unknown-task, SFR4306)', (_, given, message) => {
    expect(failure(decode(given))).toEqual({ code: 'SFR4306', reason: 'unknown-task', retry: false, message });
  });
});

describe('args', () => {
  const args = argsStage(sendReceipt as TaskDefinition);

  it.each<[string, TaskJobData, unknown[] | undefined, unknown]>([
    ['the args, with defaults applied', data(), undefined, { orderId: 'o1', copies: 1 }],
    ['the args as given', data({ args: { orderId: 'o2', copies: 3 } }), undefined, { orderId: 'o2', copies: 3 }],
    [
      "a chain step's previous result, with defaults applied",
      { v: 1, fromPrevious: true },
      [{ orderId: 'o3' }],
      { orderId: 'o3', copies: 1 },
    ],
  ])('goes on with %s', (_, given, previous, expected) => {
    expect(args(job('sendReceipt', given), given, previous)).toEqual({ ok: true, value: expected });
  });

  it("leaves the job's own data as it is: defaults go into the copy the handler gets", () => {
    const given = data({ args: { orderId: 'o1' } });
    const previous = [{ orderId: 'o2' }];
    expect(args(job('sendReceipt', given), given)).toEqual({ ok: true, value: { orderId: 'o1', copies: 1 } });
    args(job('sendReceipt', given), { v: 1, fromPrevious: true }, previous);
    expect(given.args).toEqual({ orderId: 'o1' });
    expect(previous).toEqual([{ orderId: 'o2' }]);
  });

  it('a scheduled job gets its args model defaults from `{}`', () => {
    const given = { v: 1, args: {} };
    expect(argsStage(purgeCarts as TaskDefinition)(job('purgeCarts', given), given)).toEqual({
      ok: true,
      value: { olderThanDays: 30 },
    });
  });

  it.each<[string, TaskJobData, unknown[] | undefined, string, string]>([
    [
      'invalid args',
      data({ args: { orderId: '', copies: 0, extra: true } }),
      undefined,
      'SFR4303',
      'SFR4303 job 7 of `sendReceipt` has args that are not a valid SendReceiptArgs: /args/extra is not allowed here, /args/orderId must NOT have fewer than 1 characters, /args/copies must be >= 1',
    ],
    [
      'no args at all',
      { v: 1 },
      undefined,
      'SFR4303',
      'SFR4303 job 7 of `sendReceipt` has args that are not a valid SendReceiptArgs: /args must be object',
    ],
    [
      'a previous result that does not fit',
      { v: 1, fromPrevious: true },
      [{ order: 'o1' }],
      'SFR4303',
      'SFR4303 job 7 of `sendReceipt` has args that are not a valid SendReceiptArgs (the result of the step before): /args/orderId is required, /args/order is not allowed here',
    ],
    [
      'no previous result',
      { v: 1, fromPrevious: true },
      [],
      'SFR4309',
      "SFR4309 job 7 of `sendReceipt` is a chain's later step and takes the result of the step before as its args, but it has 0 previous results instead of 1",
    ],
    [
      'no previous results given at all',
      { v: 1, fromPrevious: true },
      undefined,
      'SFR4309',
      "SFR4309 job 7 of `sendReceipt` is a chain's later step and takes the result of the step before as its args, but it has 0 previous results instead of 1",
    ],
    [
      'two previous results',
      { v: 1, fromPrevious: true },
      [{ orderId: 'a' }, { orderId: 'b' }],
      'SFR4309',
      "SFR4309 job 7 of `sendReceipt` is a chain's later step and takes the result of the step before as its args, but it has 2 previous results instead of 1",
    ],
  ])('%s fail for good (invalid-args)', (_, given, previous, code, message) => {
    expect(failure(args(job('sendReceipt', given), given, previous))).toEqual({
      code,
      reason: 'invalid-args',
      retry: false,
      message,
    });
  });
});

describe('result', () => {
  it.each<[string, TaskDefinition, unknown, unknown]>([
    ['a valid result as it is', sendReceipt as TaskDefinition, { messageId: 'm1' }, { messageId: 'm1' }],
    [
      'a valid result as it will be stored (a JSON copy)',
      sendReceipt as TaskDefinition,
      { messageId: 'm1', at: new Date(0), note: undefined },
      { messageId: 'm1', at: '1970-01-01T00:00:00.000Z' },
    ],
    ['null for a task without a result model', purgeCarts as TaskDefinition, undefined, null],
    [
      'null for a task without a result model, whatever the handler returned',
      purgeCarts as TaskDefinition,
      { x: 1 },
      null,
    ],
  ])('goes on with %s', (_, definition, result, expected) => {
    expect(resultStage(definition)(job(definition.name, data()), result)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, unknown, string]>([
    [
      'a result without a required property',
      { id: 'm1' },
      'SFR4304 the handler of job 7 of `sendReceipt` returned a result that is not a valid SendReceiptResult: /result/messageId is required',
    ],
    [
      'no result',
      undefined,
      'SFR4304 the handler of job 7 of `sendReceipt` returned a result that is not a valid SendReceiptResult: /result must be object',
    ],
    // Validated as it will be stored (a JSON copy): Infinity is null there.
    [
      'Infinity where a string goes (null as JSON)',
      { messageId: Infinity },
      'SFR4304 the handler of job 7 of `sendReceipt` returned a result that is not a valid SendReceiptResult: /result/messageId must be string',
    ],
    [
      'a function where a string goes (left out as JSON)',
      { messageId: () => 'm1' },
      'SFR4304 the handler of job 7 of `sendReceipt` returned a result that is not a valid SendReceiptResult: /result/messageId is required',
    ],
    [
      'a value JSON cannot hold',
      { messageId: 'm1', size: 5n },
      'SFR4304 the handler of job 7 of `sendReceipt` returned a result that is not JSON: Do not know how to serialize a BigInt',
    ],
  ])('%s fails for good (invalid-result, SFR4304)', (_, result, message) => {
    expect(failure(resultStage(sendReceipt as TaskDefinition)(job('sendReceipt', data()), result))).toEqual({
      code: 'SFR4304',
      reason: 'invalid-result',
      retry: false,
      message,
    });
  });

  // A hand-written definition: its validator may refuse without Ajv's errors, and it may name no result type.
  const refuses = Object.assign(() => false, { errors: null }) as unknown as NonNullable<
    TaskDefinition['validateResult']
  >;
  const { resultType: _resultType, ...unnamed } = sendReceipt as TaskDefinition;
  it.each<[string, TaskDefinition, string]>([
    [
      'a validator that refuses without errors',
      { ...(sendReceipt as TaskDefinition), validateResult: refuses },
      'SFR4304 the handler of job 7 of `sendReceipt` returned a result that is not a valid SendReceiptResult: /result is not valid',
    ],
    [
      'a definition without a result type name',
      { ...unnamed, validateResult: refuses },
      'SFR4304 the handler of job 7 of `sendReceipt` returned a result that is not a valid result: /result is not valid',
    ],
  ])('%s still fails for good with a message that says what is wrong', (_, definition, message) => {
    expect(failure(resultStage(definition)(job('sendReceipt', data()), { messageId: 'm1' }))).toEqual({
      code: 'SFR4304',
      reason: 'invalid-result',
      retry: false,
      message,
    });
  });
});

describe('a failed attempt', () => {
  const limit = new TaskTimeLimitError('sendReceipt', '7', 2, 500);
  it.each<[string, unknown, Omit<StageFailure, 'error'> & { reason: string; message: string }]>([
    [
      "the handler's error, its message kept (SFR4307)",
      new Error('smtp down'),
      { code: 'SFR4307', reason: 'error', message: 'smtp down' },
    ],
    ['a thrown string', 'smtp down', { code: 'SFR4307', reason: 'error', message: 'smtp down' }],
    [
      'an error without a message: its name',
      new RangeError(),
      { code: 'SFR4307', reason: 'error', message: 'RangeError' },
    ],
    [
      'the time limit (SFR4305)',
      limit,
      {
        code: 'SFR4305',
        reason: 'time-limit',
        message:
          'SFR4305 job 7 of task `sendReceipt` (attempt 2) ran past its time limit of 500 ms; have the handler stop when context.signal aborts (check context.timeLeftMs()), or raise timeoutMs in spec/tasks.yaml',
      },
    ],
    [
      'the worker stopping (SFR4310)',
      new WorkerStoppedError('the worker stopped before it finished; it runs again'),
      {
        code: 'SFR4310',
        reason: 'error',
        message: 'SFR4310 job 7 of `sendReceipt` was interrupted: the worker stopped before it finished; it runs again',
      },
    ],
  ])('%s is retried', (_, error, expected) => {
    const { code, error: jobError } = handlerFailure(job('sendReceipt', data()), error);
    expect({ code, reason: jobError.reason, message: jobError.message }).toEqual(expected);
    expect(jobError.retry).toBe(true);
    expect(jobError.cause).toBe(error);
  });

  it('a previous result the backend could not read is retried (SFR4309)', () => {
    const lost = new Error('connection lost');
    const { code, error } = previousFailure(job('sendReceipt', data()), lost);
    expect(error.cause).toBe(lost);
    expect({ code, reason: error.reason, retry: error.retry, message: error.message }).toEqual({
      code: 'SFR4309',
      reason: 'error',
      retry: true,
      message: 'SFR4309 the result of the step before job 7 of `sendReceipt` could not be read: connection lost',
    });
  });
});

describe('one attempt, under its time limit', () => {
  const limitError = () => new TaskTimeLimitError('sendReceipt', '7', 1, 40);
  const never = () => new Promise<never>(() => undefined);
  /** Runs `run` with a 40 ms limit (or none) and the given stop signal; what it settled with and the attempt it saw. */
  async function attempt(
    run: (attempt: Attempt) => Promise<unknown>,
    options: { timeoutMs?: number; stop?: AbortSignal } = {},
  ): Promise<{ value?: unknown; error?: unknown; seen: Attempt | undefined }> {
    let seen: Attempt | undefined;
    try {
      const value = await runAttempt(
        (a) => {
          seen = a;
          return run(a);
        },
        {
          timeoutMs: options.timeoutMs,
          stop: options.stop ?? new AbortController().signal,
          timeLimitError: limitError,
        },
      );
      return { value, seen };
    } catch (error) {
      return { error, seen };
    }
  }

  it("resolves with the handler's value; without a limit the time left is Infinity", async () => {
    const { value, seen } = await attempt(async () => 'done');
    expect(value).toBe('done');
    expect(seen!.signal.aborted).toBe(false);
    expect(seen!.timeLeftMs()).toBe(Infinity);
  });

  it('without a limit, a handler that takes a while is not cut', async () => {
    const { value, error, seen } = await attempt(() => new Promise((resolve) => setTimeout(() => resolve('done'), 30)));
    expect(error).toBeUndefined();
    expect(value).toBe('done');
    expect(seen!.signal.aborted).toBe(false);
  });

  it.each<[string, { timeoutMs?: number }]>([
    ['its time limit passes', { timeoutMs: 20 }],
    ['the worker stops', {}],
  ])('an attempt that finished lets go of its limits: its signal does not abort when %s later', async (_, limits) => {
    const stop = new AbortController();
    const { value, seen } = await attempt(async () => 'done', { ...limits, stop: stop.signal });
    expect(value).toBe('done');
    stop.abort(new Error('stop() gave up'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(seen!.signal.aborted).toBe(false);
  });

  it('with a limit, the time left is at most the limit', async () => {
    const { value, seen } = await attempt(async (a) => a.timeLeftMs(), { timeoutMs: 60_000 });
    expect(value).toBeGreaterThan(0);
    expect(value).toBeLessThanOrEqual(60_000);
    expect(seen!.signal.aborted).toBe(false);
  });

  it.each<[string, (a: Attempt) => Promise<unknown>]>([
    ['rejects', () => Promise.reject(new Error('smtp down'))],
    [
      'throws before it returns a promise',
      () => {
        throw new Error('smtp down');
      },
    ],
  ])("rejects with the handler's error when it %s", async (_, run) => {
    const { error, seen } = await attempt(run, { timeoutMs: 60_000 });
    expect(error).toEqual(new Error('smtp down'));
    expect(seen!.signal.aborted).toBe(false);
  });

  it.each<[string, (a: Attempt) => Promise<unknown>]>([
    ['never settles', never],
    [
      'settles with a value in its abort listener',
      (a) => new Promise((resolve) => a.signal.addEventListener('abort', () => resolve('late'))),
    ],
    [
      'rejects in its abort listener',
      (a) => new Promise((_, reject) => a.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    ],
    [
      'rejects later, after the limit',
      (a) =>
        new Promise((_, reject) =>
          a.signal.addEventListener('abort', () => setTimeout(() => reject(new Error('late')), 5)),
        ),
    ],
  ])('at the limit, aborts the signal and rejects with the TaskTimeLimitError when the handler %s', async (_, run) => {
    const { error, seen } = await attempt(run, { timeoutMs: 40 });
    expect(error).toBeInstanceOf(TaskTimeLimitError);
    expect(seen!.signal.aborted).toBe(true);
    expect(seen!.signal.reason).toBe(error);
    expect(seen!.timeLeftMs()).toBe(0);
    // The late rejection lands after the cut without an unhandled rejection (Vitest would fail the run).
    await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('when the worker stops, aborts the signal and rejects at once with a WorkerStoppedError', async () => {
    const stop = new AbortController();
    const running = attempt(
      () => {
        setImmediate(() => stop.abort(new Error('stop() gave up')));
        return never();
      },
      { stop: stop.signal },
    );
    const { error, seen } = await running;
    expect(error).toBeInstanceOf(WorkerStoppedError);
    expect(error).toMatchObject({
      name: 'WorkerStoppedError',
      message: 'the worker stopped before it finished; it runs again',
    });
    expect(seen!.signal.reason).toBe(error);
  });

  it('does not run the handler when the worker already stopped', async () => {
    const stop = new AbortController();
    stop.abort();
    const { error, seen } = await attempt(async () => 'ran', { stop: stop.signal, timeoutMs: 60_000 });
    expect(error).toBeInstanceOf(WorkerStoppedError);
    expect(seen).toBeUndefined();
  });
});
