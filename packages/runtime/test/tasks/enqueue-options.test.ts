import { describe, expect, it } from 'vitest';
import { SpecFirstRuntimeError } from '../../src/errors.js';
import { checkEnqueueOptions } from '../../src/tasks/producer.js';
import { TaskOptionsError } from '../../src/tasks/task-errors.js';
import type { EnqueueOptions, TaskHandle } from '../../src/tasks/types.js';

const JOB_ID_HINT = "give a job id that is not only digits and has no `:` (BullMQ's rules), such as `receipt-42`";

/** A handle as enqueue() returns it: a parent option may be one. */
const handle: TaskHandle<unknown> = {
  id: '7',
  queue: 'mailer',
  task: 'sendReceipt',
  result: () => Promise.resolve({ status: 'unfinished' }),
};

describe('enqueue options', () => {
  it.each<[string, EnqueueOptions, ReturnType<typeof checkEnqueueOptions>]>([
    ['none', {}, {}],
    // From JavaScript, or a spread of optional values.
    ['unset ones left out', { delayMs: undefined, jobId: undefined } as unknown as EnqueueOptions, {}],
    [
      'every option at its bounds',
      {
        delayMs: 0,
        priority: 1,
        jobId: 'receipt-42',
        parent: { id: '7', queue: 'mailer' },
        requestId: 'r1',
        traceparent: '00-t-p-01',
      },
      {
        delayMs: 0,
        priority: 1,
        jobId: 'receipt-42',
        parent: { id: '7', queue: 'mailer' },
        requestId: 'r1',
        traceparent: '00-t-p-01',
      },
    ],
    ['the lowest priority', { priority: 2_097_152 }, { priority: 2_097_152 }],
    ['the longest delay a timer holds', { delayMs: 2 ** 31 - 1 }, { delayMs: 2 ** 31 - 1 }],
    ['a job id with digits and letters', { jobId: '42a' }, { jobId: '42a' }],
    [
      'a parent handle, of which only the id and queue are kept',
      { parent: handle },
      { parent: { id: '7', queue: 'mailer' } },
    ],
  ])('accepts %s', (_, options, expected) => {
    expect(checkEnqueueOptions(options, 'options')).toEqual(expected);
  });

  it.each<[string, unknown, string, string]>([
    ['a job id with `:`', { jobId: 'order:1' }, 'options.jobId "order:1" contains `:`', JOB_ID_HINT],
    [
      'a job id of digits only',
      { jobId: '42' },
      'options.jobId "42" is only digits, like the ids the backend gives',
      JOB_ID_HINT,
    ],
    ['an empty job id', { jobId: '' }, 'options.jobId must be a non-empty string; got ""', JOB_ID_HINT],
    ['a job id that is a number', { jobId: 42 }, 'options.jobId must be a non-empty string; got 42', JOB_ID_HINT],
    [
      'priority 0',
      { priority: 0 },
      'options.priority must be a whole number from 1 (highest) to 2097152; got 0',
      'leave it unset for first in, first out, before every prioritised job',
    ],
    [
      'a priority past the lowest',
      { priority: 2_097_153 },
      'options.priority must be a whole number from 1 (highest) to 2097152; got 2097153',
      'leave it unset for first in, first out, before every prioritised job',
    ],
    [
      'a fractional priority',
      { priority: 1.5 },
      'options.priority must be a whole number from 1 (highest) to 2097152; got 1.5',
      'leave it unset for first in, first out, before every prioritised job',
    ],
    [
      'a negative delay',
      { delayMs: -1 },
      'options.delayMs must be a whole number of ms from 0 to 2147483647; got -1',
      'leave it unset to run the job as soon as a worker is free',
    ],
    [
      'a delay past what a timer holds',
      { delayMs: 2 ** 31 },
      'options.delayMs must be a whole number of ms from 0 to 2147483647; got 2147483648',
      'leave it unset to run the job as soon as a worker is free',
    ],
    [
      'a delay that is not a number',
      { delayMs: '10' },
      'options.delayMs must be a whole number of ms from 0 to 2147483647; got 10',
      'leave it unset to run the job as soon as a worker is free',
    ],
    [
      'a parent without a queue',
      { parent: { id: '7' } },
      'options.parent must have the id and the queue of a job; got {"id":"7"}',
      'pass the handle enqueue<Task>() returned for the parent job, or { id, queue }',
    ],
    [
      'a parent without an id',
      { parent: { id: '', queue: 'mailer' } },
      'options.parent must have the id and the queue of a job; got {"id":"","queue":"mailer"}',
      'pass the handle enqueue<Task>() returned for the parent job, or { id, queue }',
    ],
    [
      'a parent without an id that is text',
      { parent: { id: 7, queue: 'mailer' } },
      'options.parent must have the id and the queue of a job; got {"id":7,"queue":"mailer"}',
      'pass the handle enqueue<Task>() returned for the parent job, or { id, queue }',
    ],
    [
      'a parent with an empty queue',
      { parent: { id: '7', queue: '' } },
      'options.parent must have the id and the queue of a job; got {"id":"7","queue":""}',
      'pass the handle enqueue<Task>() returned for the parent job, or { id, queue }',
    ],
    [
      'a null parent',
      { parent: null },
      'options.parent must have the id and the queue of a job; got null',
      'pass the handle enqueue<Task>() returned for the parent job, or { id, queue }',
    ],
    [
      'a parent that is a job id',
      { parent: '7' },
      'options.parent must have the id and the queue of a job; got "7"',
      'pass the handle enqueue<Task>() returned for the parent job, or { id, queue }',
    ],
    [
      'a request id that is not text',
      { requestId: 7 },
      'options.requestId must be a string; got 7',
      'pass the requestId as text, or leave it unset',
    ],
    [
      'an unknown option',
      { delay: 100 },
      'options has unknown option `delay`',
      'the options are `delayMs`, `priority`, `jobId`, `parent`, `requestId`, `traceparent`',
    ],
    [
      'unknown options',
      { delay: 100, retries: 3 },
      'options has unknown options `delay`, `retries`',
      'the options are `delayMs`, `priority`, `jobId`, `parent`, `requestId`, `traceparent`',
    ],
    [
      'null options',
      null,
      'options must be an object; got null',
      'pass { delayMs?, priority?, jobId?, parent? } or nothing',
    ],
    [
      'options that are not an object',
      'urgent',
      'options must be an object; got "urgent"',
      'pass { delayMs?, priority?, jobId?, parent? } or nothing',
    ],
  ])('refuses %s (TaskOptionsError, SFR4302)', (_, options, problem, hint) => {
    let thrown: unknown;
    try {
      checkEnqueueOptions(options as EnqueueOptions, 'options');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TaskOptionsError);
    expect(thrown).toBeInstanceOf(SpecFirstRuntimeError);
    expect(thrown).toMatchObject({
      name: 'TaskOptionsError',
      code: 'SFR4302',
      hint,
      message: `SFR4302 ${problem}; ${hint}`,
    });
  });

  it('names where the options were given', () => {
    expect(() => checkEnqueueOptions({ priority: 0 }, 'steps[1].options')).toThrow(
      /^SFR4302 steps\[1\]\.options\.priority must be/,
    );
  });
});
