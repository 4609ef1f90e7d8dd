import type { DeadLetterJob } from '@specfirst/runtime/tasks';
import pc from 'picocolors';
import { describe, expect, it } from 'vitest';
import {
  taskDeadLetterJson,
  taskDeadLetterLines,
  tasksDeadLettersText,
  tasksRetryText,
  type TaskDeadLetterJson,
  type TasksDeadLettersJson,
} from '../src/tasks-output.js';

const plain = pc.createColors(false);
const FAILED_AT = Date.parse('2026-12-07T20:30:00.000Z');

const job = (overrides: Partial<DeadLetterJob> = {}): DeadLetterJob => ({
  id: 'receipt-o-1',
  queue: 'mailer',
  task: 'sendReceipt',
  data: { v: 1, args: { orderId: 'o-1' } },
  failure: { reason: 'error', message: 'smtp down', attempts: 3 },
  failedAt: FAILED_AT,
  ...overrides,
});

describe('a dead letter, as JSON and as text', () => {
  it.each<{ name: string; job: DeadLetterJob; json: Partial<TaskDeadLetterJson>; lines: string[] }>([
    {
      name: 'a handler that threw on every attempt',
      job: job(),
      json: {
        jobId: 'receipt-o-1',
        task: 'sendReceipt',
        reason: 'error',
        attempts: 3,
        error: 'smtp down',
        failedAt: '2026-12-07T20:30:00.000Z',
        args: { orderId: 'o-1' },
        fromPrevious: false,
        requestId: null,
        traceparent: null,
      },
      lines: [
        'receipt-o-1  sendReceipt  error after 3 attempts  2026-12-07T20:30:00.000Z',
        '  error    smtp down',
        '  args     {"orderId":"o-1"}',
      ],
    },
    {
      name: 'invalid args, failed at once, enqueued by a request',
      job: job({
        id: '7',
        data: { v: 1, args: { orderId: 42 }, requestId: 'req-9', traceparent: '00-abc-def-01' },
        failure: { reason: 'invalid-args', message: '/orderId must be string', attempts: 1 },
      }),
      json: {
        jobId: '7',
        reason: 'invalid-args',
        attempts: 1,
        args: { orderId: 42 },
        requestId: 'req-9',
        traceparent: '00-abc-def-01',
      },
      lines: [
        '7  sendReceipt  invalid-args after 1 attempt  2026-12-07T20:30:00.000Z',
        '  error    /orderId must be string',
        '  args     {"orderId":42}',
        '  request  req-9',
      ],
    },
    {
      name: "a chain's later step, whose args were the step before's result",
      job: job({
        data: { v: 1, fromPrevious: true },
        failure: { reason: 'previous-step', message: 'step 1 failed', attempts: 0 },
      }),
      json: { args: null, fromPrevious: true, reason: 'previous-step', attempts: 0 },
      lines: [
        'receipt-o-1  sendReceipt  previous-step after 0 attempts  2026-12-07T20:30:00.000Z',
        '  error    step 1 failed',
        '  args     (the result of the previous step)',
      ],
    },
    {
      name: 'an error with a control character, args with a newline (escaped, on one line)',
      job: job({
        data: { v: 1, args: { note: 'a\nb' } },
        failure: { reason: 'time-limit', message: 'over\u001b[2J time', attempts: 2 },
      }),
      json: { args: { note: 'a\nb' }, reason: 'time-limit' },
      lines: [
        'receipt-o-1  sendReceipt  time-limit after 2 attempts  2026-12-07T20:30:00.000Z',
        '  error    over\\x1b[2J time',
        '  args     {"note":"a\\nb"}',
      ],
    },
  ])('$name', ({ job: dead, json, lines }) => {
    const letter = taskDeadLetterJson(dead);
    expect(letter).toMatchObject(json);
    expect(taskDeadLetterLines(letter, plain)).toEqual(lines);
  });

  it('cuts long args and says how to see them whole', () => {
    const letter = taskDeadLetterJson(job({ data: { v: 1, args: { body: 'x'.repeat(500) } } }));
    const args = taskDeadLetterLines(letter, plain)[2]!;
    expect(args).toMatch(/^ {2}args {5}\{"body":"x+… \(511 characters; `--format json` shows it whole\)$/);
    expect(letter.args).toEqual({ body: 'x'.repeat(500) });
  });
});

describe('tasksDeadLettersText', () => {
  const again = (worker: string): string => `specfirst tasks dead-letters --worker ${worker} --count 2`;
  const letter = taskDeadLetterJson(job());

  it.each<{ name: string; report: TasksDeadLettersJson; lines: string[] }>([
    {
      name: 'one worker with none',
      report: {
        workers: [
          { worker: 'mailer', queue: 'mailer', deadLetterQueue: 'mailer-dead-letter', deadLetters: [], more: false },
        ],
      },
      lines: ['no dead letters of `mailer` in `mailer-dead-letter`'],
    },
    {
      name: 'two workers, the first with more than were listed',
      report: {
        workers: [
          {
            worker: 'mailer',
            queue: 'mailer',
            deadLetterQueue: 'mailer-dead-letter',
            deadLetters: [letter],
            more: true,
          },
          { worker: 'resizer', queue: 'resizer', deadLetterQueue: 'resizer-dead-letter', deadLetters: [], more: false },
        ],
      },
      lines: [
        'the oldest 1 dead letter of `mailer` in `mailer-dead-letter` (more follow)',
        '',
        ...taskDeadLetterLines(letter, plain),
        '',
        'more: specfirst tasks dead-letters --worker mailer --count 2',
        '',
        'no dead letters of `resizer` in `resizer-dead-letter`',
      ],
    },
    {
      name: 'all of them',
      report: {
        workers: [
          {
            worker: 'mailer',
            queue: 'mailer',
            deadLetterQueue: 'mailer-dead-letter',
            deadLetters: [letter, { ...letter, jobId: 'b' }],
            more: false,
          },
        ],
      },
      lines: [
        '2 dead letters of `mailer` in `mailer-dead-letter`',
        '',
        ...taskDeadLetterLines(letter, plain),
        '',
        ...taskDeadLetterLines({ ...letter, jobId: 'b' }, plain),
      ],
    },
  ])('$name', ({ report, lines }) => {
    expect(tasksDeadLettersText(report, again, plain)).toEqual(lines);
  });
});

describe('tasksRetryText', () => {
  const retried = [
    { worker: 'mailer', queue: 'mailer', jobId: 'a', task: 'sendReceipt' },
    { worker: 'resizer', queue: 'resizer', jobId: 'b', task: 'resize' },
  ];
  it.each([
    {
      name: 'retried on two queues',
      report: { dryRun: false, retried, skipped: [], gone: [], error: null },
      lines: [
        'retried 2 dead letters onto `mailer`, `resizer`',
        '  a  sendReceipt  (worker mailer)',
        '  b  resize  (worker resizer)',
      ],
    },
    {
      name: 'a dry run',
      report: { dryRun: true, retried: retried.slice(0, 1), skipped: [], gone: [], error: null },
      lines: [
        'would retry 1 dead letter onto `mailer`',
        '  a  sendReceipt  (worker mailer)',
        'dry run: nothing changed',
      ],
    },
    {
      name: 'one retried by someone else meanwhile',
      report: { dryRun: false, retried: retried.slice(0, 1), skipped: [], gone: ['c'], error: null },
      lines: [
        'retried 1 dead letter onto `mailer`',
        '  a  sendReceipt  (worker mailer)',
        '1 dead letter was gone by then (retried meanwhile?): c',
      ],
    },
    {
      name: 'a chain step whose previous step failed, skipped with what to do instead',
      report: {
        dryRun: false,
        retried: retried.slice(0, 1),
        skipped: [
          {
            worker: 'mailer',
            queue: 'mailer',
            jobId: 'chain-b',
            task: 'sendReceipt',
            code: 'SFR4311',
            message: 'SFR4311 dead letter chain-b …',
            hint: 'after the fix, enqueue the chain (or flow) again',
          },
        ],
        gone: [],
        error: null,
      },
      lines: [
        'retried 1 dead letter onto `mailer`',
        '  a  sendReceipt  (worker mailer)',
        'skipped 1 dead letter of a step whose previous step failed: it cannot be retried alone',
        '  chain-b  sendReceipt  (worker mailer)',
        '  hint: after the fix, enqueue the chain (or flow) again',
      ],
    },
  ])('$name', ({ report, lines }) => {
    expect(tasksRetryText(report, plain)).toEqual(lines);
  });
});
