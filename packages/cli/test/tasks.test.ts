/**
 * `specfirst tasks dead-letters` and `specfirst tasks retry`: what they refuse before reaching
 * Redis (options, the worker, the spec), each with a message, a hint and an exit code. What they
 * do on a real BullMQ queue is in tasks-bullmq.test.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-tasks-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function project(name: string, files: Record<string, string>): string {
  const root = path.join(temp, name);
  for (const [file, text] of Object.entries({ 'specfirst.yaml': `name: ${name}\n`, ...files })) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const MODELS = 'models:\n  Receipt:\n    properties:\n      orderId: string\n';
const SHOP = project('shopfloor', {
  'spec/models.yaml': MODELS,
  'spec/services.yaml': [
    'services:',
    '  orders: { type: http, port: 3001, rest: rest/orders.yaml, consumes: { tasks: [sendReceipt] } }',
    '  mailer: { type: worker }',
    '  resizer: { type: worker }',
    '  idle: { type: worker }',
    '',
  ].join('\n'),
  'spec/rest/orders.yaml':
    'tags:\n  orders:\n    operations:\n      getOrder: { method: get, path: /orders, responses: { 200: Receipt } }\n',
  'spec/tasks.yaml': [
    'tasks:',
    '  sendReceipt: { worker: mailer, args: Receipt }',
    '  resize: { worker: resizer, args: Receipt }',
    '',
  ].join('\n'),
});
const NO_TASKS = project('no-tasks', {
  'spec/models.yaml': MODELS,
  'spec/services.yaml': 'services:\n  idle: { type: worker }\n',
});
const BROKEN = project('broken', {
  'spec/models.yaml': MODELS,
  'spec/services.yaml': 'services:\n  mailer: { type: worker }\n',
  'spec/tasks.yaml': 'tasks:\n  sendReceipt: { worker: mailer, args: Reciept }\n',
});

/** Nothing listens there: a test that reached Redis would fail on it, not pass. */
const NO_REDIS = ['--redis', 'redis://127.0.0.1:1'];

describe('what `specfirst tasks` refuses before reaching Redis', () => {
  it.each<[string, string[], number, string, string]>([
    [
      'an unknown --worker, with a did-you-mean among the workers',
      ['dead-letters', '--worker', 'mailr', '-p', SHOP],
      2,
      'specfirst tasks dead-letters: no service `mailr` in the spec',
      'hint: did you mean `mailer`? (workers that run tasks: `mailer`, `resizer`)',
    ],
    [
      'an unknown --worker when retrying',
      ['retry', 'j-1', '--worker', 'resizr', '-p', SHOP],
      2,
      'specfirst tasks retry: no service `resizr` in the spec',
      'hint: did you mean `resizer`?',
    ],
    [
      'an http service as --worker',
      ['dead-letters', '--worker', 'orders', '-p', SHOP],
      2,
      'specfirst tasks dead-letters: `orders` is an http service: it runs no task, so it has no dead letters',
      'hint: give a worker named as `worker:` in spec/tasks.yaml (workers that run tasks: `mailer`, `resizer`)',
    ],
    [
      'a worker service that runs no task',
      ['retry', '--all', '--worker', 'idle', '-p', SHOP],
      2,
      'specfirst tasks retry: `idle` runs no task, so it has no dead letters',
      'hint: give a worker named as `worker:`',
    ],
    [
      'retry with neither job ids nor --all',
      ['retry', '--worker', 'mailer', '-p', SHOP],
      2,
      'specfirst tasks retry: name the dead letters to retry by job id, or pass `--all` to retry every one',
      'hint: `specfirst tasks dead-letters` lists them with their job ids',
    ],
    [
      'job ids without --worker',
      ['retry', 'j-1', 'j-2', '-p', SHOP],
      2,
      'specfirst tasks retry: name the worker whose dead letters these are with `--worker <service>`',
      'hint: job ids are per worker',
    ],
    [
      'job ids and --all together',
      ['retry', 'j-1', '--all', '--worker', 'mailer', '-p', SHOP],
      2,
      'specfirst tasks retry: give job ids or `--all`, not both',
      'hint: job ids retry those dead letters',
    ],
    [
      'a spec with errors',
      ['dead-letters', '-p', BROKEN],
      1,
      'specfirst tasks dead-letters: the spec has errors, so its tasks and workers cannot be trusted',
      `hint: run \`specfirst check ${BROKEN}\` and fix them first`,
    ],
    [
      'a spec without tasks',
      ['dead-letters', '-p', NO_TASKS],
      2,
      'specfirst tasks dead-letters: no worker service runs tasks in this spec, so there are no task queues',
      'hint: declare tasks',
    ],
    [
      'no project there',
      ['dead-letters', '-p', path.join(temp, 'nowhere')],
      2,
      'specfirst tasks dead-letters: ',
      'hint: give the project folder with `--project <path>`',
    ],
    [
      'a --redis that is not a Redis URL',
      ['dead-letters', '--redis', 'http://user:secret@127.0.0.1:6379', '-p', SHOP],
      2,
      'specfirst tasks dead-letters: `http://user:***@127.0.0.1:6379/` (--redis) is not a Redis URL',
      'hint: write it as redis://[user:password@]host:port[/db] (rediss:// for TLS)',
    ],
  ])('%s', async (_, args, code, message, hint) => {
    const {
      code: exit,
      stdout,
      stderr,
    } = await runCli(['tasks', ...args, ...(args.includes('--redis') ? [] : NO_REDIS)]);
    expect(stdout).toBe('');
    const [first, second] = stderr.split('\n');
    expect(first).toContain(message);
    expect(second).toContain(hint);
    expect(stderr).not.toContain('secret');
    expect(exit).toBe(code);
  });

  it.each<[string, string[], string]>([
    ['a --count of 0', ['dead-letters', '--count', '0'], 'expected a whole number from 1 to 10000.'],
    ['a --count that is no number', ['dead-letters', '-n', 'ten'], 'expected a whole number from 1 to 10000.'],
    ['a --count over 10000', ['dead-letters', '-n', '10001'], 'expected a whole number from 1 to 10000.'],
    ['an unknown --format', ['dead-letters', '--format', 'xml'], 'Allowed choices are text, json.'],
    ['an unknown option', ['retry', '--al'], "unknown option '--al'"],
  ])('refuses %s as a usage error', async (_, args, message) => {
    const { code, stdout, stderr } = await runCli(['tasks', ...args, '-p', SHOP, ...NO_REDIS]);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(code).toBe(2);
  });
});
