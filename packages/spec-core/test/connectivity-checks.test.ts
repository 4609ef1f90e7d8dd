/**
 * The checks of the connectivity graph `specfirst check` runs: a service may not take a host name the
 * deployment files give to the infrastructure (SF4011, an error), a topic nobody consumes (SF5014) and
 * a worker with nothing to run (SF5015) are warnings, and a call to an operation the callee does not
 * expose stays an error (SF4005). Each case is a small project; the examples and fixtures give none.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectSync } from '../src/index.js';
import { FIXTURES, lineOf, REPO_ROOT, tempProject } from './helpers.js';

const MODELS = 'models:\n  Msg:\n    properties:\n      id: string\n';
const REST =
  'tags:\n  t:\n    operations:\n      ping:\n        method: get\n        path: /ping\n        responses:\n          200: Msg\n';

function load(services: string, events?: string, tasks?: string) {
  const root = tempProject({
    'specfirst.yaml': 'name: graph\n',
    'spec/models.yaml': MODELS,
    'spec/rest/api.yaml': REST,
    'spec/services.yaml': `services:\n${services}`,
    ...(events === undefined ? {} : { 'spec/events.yaml': `topics:\n${events}` }),
    ...(tasks === undefined ? {} : { 'spec/tasks.yaml': `tasks:\n${tasks}` }),
  });
  const result = loadProjectSync(root, { cache: false });
  const text = (file: string) =>
    file === 'services' ? `services:\n${services}` : file === 'events' ? `topics:\n${events}` : `tasks:\n${tasks}`;
  return { result, text };
}

const http = (name: string, port: number, extra = '') =>
  `  ${name}:\n    type: http\n    port: ${port}\n    rest: rest/api.yaml\n${extra}`;

describe('SF4011: a service named after the infrastructure', () => {
  it.each(['redis', 'postgres', 'internet'])('refuses `%s`, at its name, and suggests another', (name) => {
    const { result, text } = load(http(name, 3000));
    const found = result.diagnostics.filter((d) => d.code === 'SF4011');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'error',
      file: 'spec/services.yaml',
      line: lineOf(text('services'), `  ${name}:`),
      message: `service name \`${name}\` is reserved`,
    });
    expect(found[0]!.hint).toContain('the deployment files give the host names');
    expect(found[0]!.hint).toContain(`\`${name}-service\``);
  });

  it('suggests a name no other service has', () => {
    const { result } = load(http('redis', 3000) + http('redis-service', 3001));
    expect(result.diagnostics.find((d) => d.code === 'SF4011')!.hint).toContain('`redis-service-2`');
  });

  it.each(['redis-cache', 'postgresql', 'intranet', 'db'])('accepts `%s`', (name) => {
    expect(load(http(name, 3000)).result.diagnostics).toEqual([]);
  });
});

describe('SF5014: a topic with no consumer', () => {
  const services = http('api', 3000) + '  jobs:\n    type: worker\n';

  it('warns at the topic, with a hint naming both ways to consume it', () => {
    const events = '  order.created:\n    message: Msg\n    producers: [api]\n';
    const { result, text } = load(services, events);
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.file, d.line, d.message])).toEqual([
      [
        'SF5014',
        'warning',
        'spec/events.yaml',
        lineOf(text('events'), 'order.created:'),
        'topic `order.created` has no consumer: its messages would pile up in the stream',
      ],
      // `jobs` consumes nothing either.
      ['SF5015', 'warning', 'spec/services.yaml', lineOf(text('services'), 'jobs:'), expect.any(String) as unknown],
    ]);
    expect(result.diagnostics[0]!.hint).toBe(
      'add `consumers: [<service>]` to `order.created` in events.yaml, or `consumes: { topics: [order.created] }` to a service in services.yaml',
    );
  });

  it.each([
    ['`consumers` of the topic', '  t:\n    message: Msg\n    producers: [api]\n    consumers: [jobs]\n', services],
    [
      '`consumes.topics` of a service',
      '  t:\n    message: Msg\n    producers: [api]\n',
      http('api', 3000) + '  jobs:\n    type: worker\n    consumes:\n      topics: [t]\n',
    ],
  ])('says nothing when consumed through %s', (_how, events, svc) => {
    expect(load(svc, events).result.diagnostics).toEqual([]);
  });

  it('says nothing of a dead-letter topic: what failed is kept for people to look at', () => {
    const events =
      '  t:\n    message: Msg\n    producers: [api]\n    consumers: [jobs]\n    deadLetter: t.failed\n  t.failed:\n    message: Msg\n    producers: [api]\n';
    expect(load(services, events).result.diagnostics).toEqual([]);
  });
});

describe('SF5015: a worker with nothing to run', () => {
  it('warns at the worker, naming the tasks.yaml `worker:` field and the tasks that run elsewhere', () => {
    const svc = '  a:\n    type: worker\n    consumes:\n      tasks: [purge]\n  b:\n    type: worker\n';
    const { result, text } = load(svc, undefined, '  purge:\n    worker: b\n    args: Msg\n');
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.line, d.message])).toEqual([
      [
        'SF5015',
        'warning',
        lineOf(text('services'), '  a:'),
        'worker service `a` runs no task and consumes no topic: it has nothing to do',
      ],
    ]);
    expect(result.diagnostics[0]!.hint).toBe(
      'set `worker: a` on a task in tasks.yaml (`purge` run elsewhere), or list a topic under `consumes.topics`',
    );
    expect(result.diagnostics[0]!.related?.map((r) => r.message)).toEqual(['it enqueues `purge`, which runs on `b`']);
  });

  it('without tasks.yaml, says to declare a task', () => {
    const { result } = load('  jobs:\n    type: worker\n');
    expect(result.diagnostics.map((d) => [d.code, d.hint])).toEqual([
      ['SF5015', 'declare a task with `worker: jobs` in tasks.yaml, or list a topic under `consumes.topics`'],
    ]);
  });

  it('says nothing of an http service that runs nothing, nor of a worker that consumes a topic or runs a task', () => {
    const svc = http('api', 3000) + '  a:\n    type: worker\n  b:\n    type: worker\n';
    const events = '  t:\n    message: Msg\n    producers: [api]\n    consumers: [a]\n';
    expect(load(svc, events, '  purge:\n    worker: b\n    args: Msg\n').result.diagnostics).toEqual([]);
  });

  it('says nothing while events.yaml does not parse: what the worker consumes is unknown, not missing', () => {
    const { result } = load('  jobs:\n    type: worker\n    consumes:\n      topics: [t]\n', '  t: [\n');
    expect(result.diagnostics.map((d) => d.code)).toEqual(['SF1001']);
  });
});

describe('SF4005: a call to an operation the callee does not expose', () => {
  it('stays an error, at the entry of `consumes.operations`', () => {
    const svc =
      http('users', 3001, '    exposes: []\n') +
      http('orders', 3002, '    consumes:\n      operations: [users.ping]\n');
    const { result, text } = load(svc);
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([
      ['SF4005', 'error', lineOf(text('services'), 'operations: [users.ping]')],
    ]);
    expect(result.ir.graph).toEqual([]);
  });
});

describe('the specs of the repository', () => {
  it.each([
    path.join(FIXTURES, 'shop'),
    path.join(FIXTURES, 'small'),
    path.join(REPO_ROOT, 'examples/shop'),
    path.join(REPO_ROOT, 'examples/conduit'),
  ])('%s gives none of these diagnostics', (root) => {
    const codes = loadProjectSync(root, { cache: false }).diagnostics.map((d) => d.code);
    expect(codes.filter((c) => ['SF4011', 'SF5014', 'SF5015'].includes(c))).toEqual([]);
  });
});
