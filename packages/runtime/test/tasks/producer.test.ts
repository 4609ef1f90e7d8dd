import { describe, expect, it } from 'vitest';
import { chainJob, checkEnqueueOptions, jobSpec } from '../../src/tasks/producer.js';
import type { EnqueueOptions, JobSpec, TaskDefinition } from '../../src/tasks/types.js';
import { chargeTask, purgeCartsTask, sendReceiptTask } from './support.js';

const charge = chargeTask() as TaskDefinition;
const sendReceipt = sendReceiptTask() as TaskDefinition;
const purgeCarts = purgeCartsTask() as TaskDefinition;

describe('the job of one task', () => {
  it.each<[string, EnqueueOptions, Partial<JobSpec>]>([
    ['without options: its worker queue, its name and retry policy', {}, {}],
    [
      'with every option',
      { delayMs: 5, priority: 3, jobId: 'receipt-1', parent: { id: 'p1', queue: 'mailer' } },
      { delayMs: 5, priority: 3, jobId: 'receipt-1', parent: { id: 'p1', queue: 'mailer' } },
    ],
  ])('%s', (_, options, placed) => {
    const data = { v: 1, args: { orderId: 'o1' } };
    expect(jobSpec(sendReceipt, data, checkEnqueueOptions(options, 'options'))).toEqual({
      queue: 'mailer',
      name: 'sendReceipt',
      data,
      retry: sendReceipt.retry,
      ...placed,
    });
  });
});

describe('the job of a chain', () => {
  const args = { amount: 5 };

  it('nests each step as the only child of the next; the later steps take the previous result', () => {
    expect(chainJob([charge, sendReceipt, purgeCarts], args, {})).toEqual({
      queue: 'mailer',
      name: 'purgeCarts',
      data: { v: 1, fromPrevious: true },
      retry: purgeCarts.retry,
      children: [
        {
          queue: 'mailer',
          name: 'sendReceipt',
          data: { v: 1, fromPrevious: true },
          retry: sendReceipt.retry,
          children: [{ queue: 'mailer', name: 'charge', data: { v: 1, args }, retry: charge.retry }],
        },
      ],
    });
  });

  it("gives jobId and parent to the chain's own job, delayMs to the first step, and the rest to every step", () => {
    const job = chainJob(
      [charge, sendReceipt],
      args,
      checkEnqueueOptions(
        {
          jobId: 'order-1',
          parent: { id: 'p1', queue: 'billing' },
          delayMs: 100,
          priority: 2,
          requestId: 'r1',
          traceparent: '00-t-p-01',
        },
        'first.options',
      ),
    );
    const trace = { requestId: 'r1', traceparent: '00-t-p-01' };
    expect(job).toEqual({
      queue: 'mailer',
      name: 'sendReceipt',
      data: { v: 1, fromPrevious: true, ...trace },
      retry: sendReceipt.retry,
      priority: 2,
      jobId: 'order-1',
      parent: { id: 'p1', queue: 'billing' },
      children: [
        {
          queue: 'mailer',
          name: 'charge',
          data: { v: 1, args, ...trace },
          retry: charge.retry,
          priority: 2,
          delayMs: 100,
        },
      ],
    });
  });

  it('of one step is the job of that task', () => {
    expect(chainJob([charge], args, { jobId: 'c-1' })).toEqual({
      queue: 'mailer',
      name: 'charge',
      data: { v: 1, args },
      retry: charge.retry,
      jobId: 'c-1',
    });
  });
});
