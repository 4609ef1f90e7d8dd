/**
 * Tasks of `spec/tasks.yaml`: who may enqueue them (`enqueuers`, from `consumes.tasks`), the args
 * a schedule can run with (SF5012), and the queues of their workers (SF5013). The broken specs
 * with located diagnostics are in fixtures/invalid (`task-*`, `tasks-*`, `scheduled-task-*`).
 */
import { describe, expect, it } from 'vitest';
import { type IRTask, loadProjectSync, type LoadResult } from '../src/index.js';
import { errorsOnly, FIXTURES, lineOf, tempProject } from './helpers.js';
import path from 'node:path';

const SERVICES = `services:
  orders: { type: http, port: 3001, rest: rest/orders.yaml, consumes: { tasks: [sendReceipt] } }
  billing: { type: http, port: 3002, rest: rest/billing.yaml, consumes: { tasks: [sendReceipt, purge] } }
  mailer: { type: worker, consumes: { tasks: [purge] } }
  audit: { type: worker, consumes: { tasks: [sendReceipt] } }
`;

/** The same services, none enqueuing anything. */
const PLAIN_SERVICES = SERVICES.replace(/, consumes: \{[^}]*\}/g, '');

const rest = (tag: string, op: string): string =>
  `tags:\n  ${tag}:\n    operations:\n      ${op}: { method: get, path: /${tag}, responses: { 200: Thing } }\n`;

const MODELS = `models:
  Thing:
    properties:
      id: string
  AllDefaults:
    properties:
      days: { type: integer, default: 30 }
      dryRun: { type: boolean, default: false }
  AllOptional:
    properties:
      days: integer?
  Empty:
    properties: {}
  Needs:
    properties:
      days: { type: integer, default: 30 }
      orderId: string
  Alias:
    $ref: Needs
  Combined:
    allOf:
      - $ref: AllDefaults
      - properties:
          region: string
  EitherOne:
    anyOf:
      - $ref: Needs
      - $ref: AllOptional
  EitherNone:
    anyOf:
      - $ref: Needs
      - $ref: Thing
  ExactlyOneOfTwo:
    oneOf:
      - $ref: AllOptional
      - $ref: AllDefaults
  Names:
    enum: [a, b]
  List:
    type: array
    items: string
  AtLeastOne:
    properties:
      days: integer?
    minProperties: 1
  Anything: {}
  PurgePolicy:
    properties:
      mode: { type: string, enum: [soft, hard] }
  SoftByDefault:
    properties:
      mode: { type: string, enum: [soft, hard], default: soft }
  BelowMinimum:
    properties:
      olderThanDays: { type: integer, minimum: 1, default: 0 }
  PatternMiss:
    properties:
      region: { type: string, pattern: '^[a-z]+$', default: EU }
  NotInEnum:
    properties:
      mode: { type: string, enum: [soft, hard], default: gentle }
  WrongType:
    properties:
      days: { type: integer, default: thirty }
  PolicyMissing:
    properties:
      policy: { $ref: PurgePolicy, default: {} }
  PolicyGiven:
    properties:
      policy: { $ref: PurgePolicy, default: { mode: soft } }
  PolicyDefaulted:
    properties:
      policy: { $ref: SoftByDefault, default: {} }
  PolicyBadMode:
    properties:
      policy: { $ref: PurgePolicy, default: { mode: gentle } }
`;

/** A project with the given services (`mailer` and `audit` are workers) and tasks. */
function load(tasks: string, services = PLAIN_SERVICES): LoadResult {
  const root = tempProject({
    'specfirst.yaml': 'name: tasks\n',
    'spec/services.yaml': services,
    'spec/rest/orders.yaml': rest('orders', 'getOrder'),
    'spec/rest/billing.yaml': rest('invoices', 'getInvoice'),
    'spec/models.yaml': MODELS,
    'spec/tasks.yaml': `tasks:\n${tasks}`,
  });
  // Errors only: these small specs leave topics unconsumed and workers idle (SF5014, SF5015), tested in connectivity-checks.test.ts.
  return errorsOnly(loadProjectSync(root, { cache: false }));
}

function task(result: LoadResult, name: string): IRTask {
  const found = result.ir.tasks.find((t) => t.name === name);
  if (!found) throw new Error(`no task ${name}`);
  return found;
}

const TWO_TASKS = `  sendReceipt: { worker: mailer, args: Thing }
  purge: { worker: mailer, args: AllDefaults, schedule: '0 3 * * *' }
  unlisted: { worker: mailer, args: Thing }
`;

describe('the enqueuers of a task', () => {
  it.each<[string, string[]]>([
    // http and worker services alike; sorted, not in services.yaml's order.
    ['sendReceipt', ['audit', 'billing', 'orders']],
    // The worker that runs a task may enqueue it too (a job that starts the next one).
    ['purge', ['billing', 'mailer']],
    ['unlisted', []],
  ])('of `%s` are the services listing it under `consumes.tasks`: %j', (name, enqueuers) => {
    const result = load(TWO_TASKS, SERVICES);
    expect(result.diagnostics).toEqual([]);
    expect(task(result, name).enqueuers).toEqual(enqueuers);
  });

  it('lists a service once when it names the task twice (and the copy is reported where it is written)', () => {
    const services = SERVICES.replace('tasks: [sendReceipt] } }', 'tasks: [sendReceipt, sendReceipt] } }');
    const result = load(TWO_TASKS, services);
    expect(task(result, 'sendReceipt').enqueuers).toEqual(['audit', 'billing', 'orders']);
    expect(result.diagnostics.map((d) => [d.code, d.line, d.message, d.hint])).toEqual([
      [
        'SF1205',
        2,
        '`sendReceipt` is listed twice at services.orders.consumes.tasks',
        'each entry appears once: remove this copy of `sendReceipt`',
      ],
    ]);
    expect(result.diagnostics[0]!.column).toBe(SERVICES.split('\n')[1]!.indexOf('sendReceipt') + 14);
  });

  it('leaves out a misspelt task, with a did-you-mean at the entry', () => {
    const services = SERVICES.replace('tasks: [sendReceipt] } }', 'tasks: [sendReciept] } }');
    const result = load(TWO_TASKS, services);
    expect(task(result, 'sendReceipt').enqueuers).toEqual(['audit', 'billing']);
    expect(result.diagnostics.map((d) => [d.code, d.line, d.hint])).toEqual([
      ['SF5002', 2, 'did you mean `sendReceipt`?'],
    ]);
  });

  it('are read from the shop: orders enqueues sendReceipt, and only the schedule runs purgeCarts', () => {
    const { ir, diagnostics } = loadProjectSync(path.join(FIXTURES, 'shop'), { cache: false });
    expect(diagnostics).toEqual([]);
    expect(ir.tasks.map((t) => [t.name, t.enqueuers])).toEqual([
      ['purgeCarts', []],
      ['sendReceipt', ['orders']],
    ]);
  });
});

describe('a scheduled task runs with args `{}`: its args model must accept them (SF5012)', () => {
  it.each<[string, string]>([
    ['every property has a default', 'AllDefaults'],
    ['every property is optional', 'AllOptional'],
    ['no properties', 'Empty'],
    ['an `anyOf` with one variant that accepts `{}`', 'EitherOne'],
    ['any value', 'Anything'],
    ['a default model value that has what its model requires', 'PolicyGiven'],
    ['a default `{}` whose model gives its required property a default', 'PolicyDefaulted'],
  ])('accepts a model where %s', (_, model) => {
    const result = load(`  purge: { worker: mailer, args: ${model}, schedule: '0 3 * * *' }\n`);
    expect(result.diagnostics).toEqual([]);
  });

  it.each<[string, string, string, string]>([
    [
      'a required property without a default',
      'Needs',
      'task `purge` runs on a schedule, but its args model `Needs` requires `orderId`, which has no default',
      'give `orderId` a default or make it optional, since a schedule enqueues the task with no args (`{}`)',
    ],
    [
      'a reference to such a model',
      'Alias',
      'task `purge` runs on a schedule, but its args model `Alias` requires `orderId` (of `Needs`), which has no default',
      'give `orderId` a default or make it optional',
    ],
    [
      'an `allOf` one of whose parts requires a property',
      'Combined',
      'task `purge` runs on a schedule, but its args model `Combined` requires `region`, which has no default',
      'give `region` a default or make it optional',
    ],
    [
      'an `anyOf` none of whose variants accepts `{}`',
      'EitherNone',
      'task `purge` runs on a schedule, but its args model `EitherNone` requires `orderId` (of `Needs`), which has no default',
      'give `orderId` a default',
    ],
    [
      'a `oneOf` two of whose variants accept `{}` (so `{}` matches neither exactly once)',
      'ExactlyOneOfTwo',
      'task `purge` runs on a schedule, but its args model `ExactlyOneOfTwo` is a `oneOf` of which several variants accept it, not an object',
      'make `ExactlyOneOfTwo` an object whose properties are optional or have defaults',
    ],
    [
      'an enum',
      'Names',
      'task `purge` runs on a schedule, but its args model `Names` is a string, not an object',
      'make `Names` an object',
    ],
    [
      'an array',
      'List',
      'task `purge` runs on a schedule, but its args model `List` is an array, not an object',
      'make `List` an object',
    ],
    [
      '`minProperties` above the properties with defaults',
      'AtLeastOne',
      'task `purge` runs on a schedule, but its args model `AtLeastOne` needs at least 1 properties (`minProperties`)',
      'remove `minProperties` or give enough properties defaults',
    ],
    [
      'a default below its minimum',
      'BelowMinimum',
      'task `purge` runs on a schedule, but the default of `olderThanDays` in its args model is not valid for it: 0 must be 1 or more',
      'give `olderThanDays` a default its schema accepts',
    ],
    [
      'a default that misses its pattern',
      'PatternMiss',
      'task `purge` runs on a schedule, but the default of `region` in its args model is not valid for it: "EU" must match the pattern "^[a-z]+$"',
      'give `region` a default',
    ],
    [
      'a default outside its enum',
      'NotInEnum',
      'task `purge` runs on a schedule, but the default of `mode` in its args model is not valid for it: "gentle" is not one of "soft", "hard"',
      'give `mode` a default',
    ],
    [
      'a default of another type',
      'WrongType',
      'task `purge` runs on a schedule, but the default of `days` in its args model is not valid for it: "thirty" must be an integer',
      'give `days` a default',
    ],
    [
      'a default object that lacks what its model requires',
      'PolicyMissing',
      'task `purge` runs on a schedule, but the default of `policy` in its args model is not valid for it: {} lacks the required property `mode`',
      'give `policy` a default',
    ],
    [
      'a default object with a property its model refuses',
      'PolicyBadMode',
      'task `purge` runs on a schedule, but the default of `policy` in its args model is not valid for it: {"mode":"gentle"} at `/mode` is not one of "soft", "hard"',
      'give `policy` a default',
    ],
  ])('refuses %s, at the schedule', (_, model, message, hint) => {
    const tasks = `  purge:\n    worker: mailer\n    args: ${model}\n    schedule: '0 3 * * *'\n`;
    const result = load(tasks);
    expect(result.diagnostics.map((d) => [d.code, d.file, d.line, d.message])).toEqual([
      ['SF5012', 'spec/tasks.yaml', 5, message],
    ]);
    expect(result.diagnostics[0]!.hint).toContain(hint);
    // The task stays in the IR: its other uses (enqueue, the worker's handler) are fine.
    expect(task(result, 'purge').schedule).toBe('0 3 * * *');
  });

  it('points at the property that needs a default', () => {
    const result = load(`  purge: { worker: mailer, args: Needs, schedule: '0 3 * * *' }\n`);
    expect(result.diagnostics[0]!.related).toEqual([
      {
        file: 'spec/models.yaml',
        line: lineOf(MODELS, '      orderId: string'),
        column: 16,
        message: '`orderId` is declared here',
      },
    ]);
  });

  it('says nothing of a task without a schedule, whatever its args', () => {
    expect(load('  purge: { worker: mailer, args: Needs }\n').diagnostics).toEqual([]);
  });

  it('says nothing more than SF2001 when the args model is unknown', () => {
    const result = load(`  purge: { worker: mailer, args: Nope, schedule: '0 3 * * *' }\n`);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['SF2001']);
  });
});

describe("a worker's queue must not be another worker's dead-letter queue (SF5013)", () => {
  const services = (extra: string): string =>
    `services:\n  mailer: { type: worker }\n  mailer-dead-letter: { type: worker }\n${extra}`;

  it('reports two workers `mailer` and `mailer-dead-letter` that both run tasks, at the second', () => {
    const result = load(
      '  a: { worker: mailer, args: Thing }\n  b: { worker: mailer-dead-letter, args: Thing }\n',
      services(''),
    );
    expect(result.diagnostics.map((d) => [d.code, d.file, d.line, d.message, d.hint])).toEqual([
      [
        'SF5013',
        'spec/services.yaml',
        3,
        'the task queue of worker `mailer-dead-letter` is the dead-letter queue of worker `mailer` (`mailer-dead-letter`)',
        "rename `mailer-dead-letter` (e.g. `mailer-retries`) so that no worker's name is another's followed by `-dead-letter`",
      ],
    ]);
    expect(result.diagnostics[0]!.related).toEqual([
      { file: 'spec/services.yaml', line: 2, column: 3, message: '`mailer` is defined here' },
    ]);
  });

  it.each<[string, string]>([
    ['only `mailer` runs tasks', '  a: { worker: mailer, args: Thing }\n'],
    ['only `mailer-dead-letter` runs tasks', '  b: { worker: mailer-dead-letter, args: Thing }\n'],
  ])('accepts the two names when %s (the other has no queue)', (_, tasks) => {
    expect(load(tasks, services('')).diagnostics).toEqual([]);
  });
});
