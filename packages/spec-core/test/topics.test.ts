/**
 * Topics of `spec/events.yaml`: the delivery keys as the IR reads them (written, or their
 * defaults), and the checks of the keys that name message properties, for every kind of schema a
 * message model can be. The broken specs with located diagnostics are in fixtures/invalid
 * (`topic-*`, `dead-letter-*`, `retry-max-delay-below-delay`).
 */
import { describe, expect, it } from 'vitest';
import { type IRTopic, loadProjectSync, type LoadResult } from '../src/index.js';
import { errorsOnly, tempProject } from './helpers.js';

const MODELS = `models:
  Status:
    enum: [open, closed]
  Msg:
    properties:
      id: string
      seq: integer
      status: Status
      note: string?
`;

/** Loads a project with one worker service `jobs`, the given models and `spec/events.yaml` topics. */
function load(topics: string, models = MODELS): LoadResult {
  const root = tempProject({
    'specfirst.yaml': 'name: topics\n',
    'spec/services.yaml': 'services:\n  jobs:\n    type: worker\n',
    'spec/models.yaml': models,
    'spec/events.yaml': `topics:\n${topics}`,
  });
  // Errors only: these small specs leave topics unconsumed and workers idle (SF5014, SF5015), tested in connectivity-checks.test.ts.
  return errorsOnly(loadProjectSync(root, { cache: false }));
}

/** One topic `t` carrying `Msg`, with `extra` (YAML lines indented by four) added. */
function topicWith(extra: string, models = MODELS): { topic: IRTopic; codes: string[] } {
  const result = load(`  t:\n    message: Msg\n    producers: [jobs]\n${extra}`, models);
  const topic = result.ir.topics.find((t) => t.name === 't');
  if (!topic) throw new Error('no topic t');
  return { topic, codes: result.diagnostics.map((d) => d.code) };
}

describe('the delivery keys of a topic', () => {
  it('take their defaults when left out: version 1, claimed after 30 s, kept whole, from the beginning, one at a time', () => {
    const { topic, codes } = topicWith('');
    expect(codes).toEqual([]);
    expect(topic).toEqual({
      name: 't',
      identifier: 'T',
      message: 'Msg',
      version: 1,
      producers: ['jobs'],
      consumers: [],
      retry: { attempts: 5, backoff: 'exponential', delayMs: 1000 },
      claimAfterMs: 30_000,
      startFrom: 'beginning',
      concurrency: 1,
      loc: expect.objectContaining({ file: 'spec/events.yaml', pointer: '/topics/t' }) as unknown,
    });
    // No `deadLetter`: the IR says nothing, and the runtime uses `t:dead-letter` (streams.ts).
    expect(topic).not.toHaveProperty('deadLetter');
    expect(topic).not.toHaveProperty('retention');
  });

  it.each<[string, string, Partial<IRTopic>]>([
    ['version', '    version: 3\n', { version: 3 }],
    ['claimAfterMs', '    claimAfterMs: 100\n', { claimAfterMs: 100 }],
    ['retention by length', '    retention: { maxLength: 10000 }\n', { retention: { maxLength: 10_000 } }],
    ['retention by age', '    retention: { maxAgeMs: 86400000 }\n', { retention: { maxAgeMs: 86_400_000 } }],
    ['startFrom new', '    startFrom: new\n', { startFrom: 'new' }],
    ['startFrom beginning', '    startFrom: beginning\n', { startFrom: 'beginning' }],
    ['concurrency', '    concurrency: 1000\n', { concurrency: 1000 }],
    ['orderingKey', '    orderingKey: status\n', { orderingKey: 'status' }],
    ['idempotencyKey', '    idempotencyKey: seq\n', { idempotencyKey: 'seq' }],
    [
      'retry, each key over its default',
      '    retry: { attempts: 1, backoff: fixed, delayMs: 0, maxDelayMs: 0 }\n',
      { retry: { attempts: 1, backoff: 'fixed', delayMs: 0, maxDelayMs: 0 } },
    ],
    [
      'retry, one key (the others keep their defaults)',
      '    retry: { attempts: 9 }\n',
      { retry: { attempts: 9, backoff: 'exponential', delayMs: 1000 } },
    ],
  ])('reads %s', (_, yaml, expected) => {
    const { topic, codes } = topicWith(yaml);
    expect(codes).toEqual([]);
    expect(topic).toMatchObject(expected);
  });

  it('keeps one limit of a retention that gives two (and reports it)', () => {
    const { topic, codes } = topicWith('    retention: { maxAgeMs: 5, maxLength: 7 }\n');
    expect(codes).toEqual(['SF5009']);
    expect(topic.retention).toEqual({ maxLength: 7 });
  });

  it('names the generated members after the topic: `order.created` is `OrderCreated`', () => {
    const { ir } = load(
      '  order.created:\n    message: Msg\n    producers: [jobs]\n  a-b_c.d:\n    message: Msg\n    producers: [jobs]\n',
    );
    expect(ir.topics.map((t) => [t.name, t.identifier])).toEqual([
      ['a-b_c.d', 'ABCD'],
      ['order.created', 'OrderCreated'],
    ]);
  });

  it('reports topics whose names meet in generated names at the later one, naming the earlier', () => {
    const { diagnostics } = load(
      '  order-created:\n    message: Msg\n    producers: [jobs]\n  order.created:\n    message: Msg\n    producers: [jobs]\n',
    );
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      [
        'SF5006',
        5,
        'topics `order-created` and `order.created` both become `OrderCreated` in generated names (`publishOrderCreated`)',
      ],
    ]);
    expect(diagnostics[0]!.related).toEqual([
      { file: 'spec/events.yaml', line: 2, column: 3, message: '`order-created` is defined here' },
    ]);
  });

  it.each(['constructor', 'prototype', 'to-string', 'value-of', 'has-own-property'])(
    'refuses the topic name `%s`: its handler key would be a member of every object',
    (name) => {
      const { diagnostics, ir } = load(`  ${name}:\n    message: Msg\n    producers: [jobs]\n`);
      expect(diagnostics.map((d) => d.code)).toEqual(['SF2005']);
      expect(diagnostics[0]!.hint).toBe(`rename it, e.g. \`${name}.event\``);
      // It stays in the IR, so that what names it is not reported as unknown as well.
      expect(ir.topics.map((t) => t.name)).toEqual([name]);
    },
  );
});

describe('orderingKey and idempotencyKey', () => {
  /** [case, models.yaml, message model, key property, expected codes, hint fragment]. */
  const cases: [string, string, string, string, string[], string?][] = [
    ['a required string', MODELS, 'Msg', 'id', []],
    ['a required integer', MODELS, 'Msg', 'seq', []],
    ['a reference to a string enum', MODELS, 'Msg', 'status', []],
    ['an integer enum', 'models:\n  Msg:\n    properties:\n      level: { enum: [1, 2, 3] }\n', 'Msg', 'level', []],
    ['a string `const`', 'models:\n  Msg:\n    properties:\n      kind: { const: order }\n', 'Msg', 'kind', []],
    [
      'a literal of mixed types',
      'models:\n  Msg:\n    properties:\n      kind: { enum: [a, 1] }\n',
      'Msg',
      'kind',
      ['SF5008'],
      'a key is a string or an integer',
    ],
    [
      'a string with a format',
      'models:\n  Msg:\n    properties:\n      id: { type: string, format: uuid }\n',
      'Msg',
      'id',
      [],
    ],
    ['misspelt', MODELS, 'Msg', 'Seq', ['SF5007'], 'did you mean `seq`?'],
    ['an optional property', MODELS, 'Msg', 'note', ['SF5008'], 'make `note` required in `Msg`'],
    [
      'a number',
      'models:\n  Msg:\n    properties:\n      id: string\n      price: number\n',
      'Msg',
      'price',
      ['SF5008'],
      'or name one that is: `id`',
    ],
    [
      'a nullable string',
      'models:\n  Msg:\n    properties:\n      ref: { type: string, nullable: true }\n',
      'Msg',
      'ref',
      ['SF5008'],
    ],
    [
      'a reference to an object model',
      'models:\n  Money:\n    properties:\n      amount: integer\n  Msg:\n    properties:\n      total: Money\n',
      'Msg',
      'total',
      ['SF5008'],
    ],
    ['an array', 'models:\n  Msg:\n    properties:\n      tags: string[]\n', 'Msg', 'tags', ['SF5008']],
    [
      'a nested property',
      'models:\n  Msg:\n    properties:\n      user: { properties: { id: string } }\n',
      'Msg',
      'user.id',
      ['SF5007'],
    ],
    [
      'a property of every variant of a union',
      'models:\n  A:\n    properties:\n      id: string\n      a: string\n  B:\n    properties:\n      id: integer\n  Msg:\n    oneOf: [A, B]\n',
      'Msg',
      'id',
      [],
    ],
    [
      'a property of one variant of a union only',
      'models:\n  A:\n    properties:\n      id: string\n      a: string\n  B:\n    properties:\n      id: integer\n  Msg:\n    oneOf: [A, B]\n',
      'Msg',
      'a',
      ['SF5007'],
      'properties of `Msg`: `id`',
    ],
    [
      'a property one variant of a union leaves optional',
      'models:\n  A:\n    properties:\n      id: string\n  B:\n    properties:\n      id: string?\n  Msg:\n    anyOf: [A, B]\n',
      'Msg',
      'id',
      ['SF5008'],
    ],
    [
      'a property one part of an `allOf` requires and types',
      'models:\n  Base:\n    properties:\n      id: string\n  Msg:\n    allOf: [Base, { properties: { extra: string? } }]\n',
      'Msg',
      'id',
      [],
    ],
    [
      'an optional property of every `allOf` part',
      'models:\n  Base:\n    properties:\n      id: string?\n  Msg:\n    allOf: [Base, { properties: { extra: string } }]\n',
      'Msg',
      'id',
      ['SF5008'],
    ],
    ['a message that is not an object', MODELS, 'Status', 'id', ['SF5007'], 'give `t` an object model'],
  ];

  it.each(cases)('%s', (_, models, message, property, expected, hint) => {
    for (const key of ['orderingKey', 'idempotencyKey']) {
      const { diagnostics } = load(
        `  t:\n    message: ${message}\n    producers: [jobs]\n    ${key}: ${JSON.stringify(property)}\n`,
        models,
      );
      expect(
        diagnostics.map((d) => d.code),
        diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'),
      ).toEqual(expected);
      for (const d of diagnostics) {
        expect(d.line).toBe(5); // at the key's value
        expect(d.message).toContain(`\`${key}\` names \`${property}\``);
        if (hint !== undefined) expect(d.hint).toContain(hint);
      }
    }
  });

  it('checks the message of a variant (`MsgCreate` leaves out what the server sets)', () => {
    const models = 'models:\n  Msg:\n    properties:\n      id: { type: string, readonly: true }\n      seq: integer\n';
    expect(load('  t:\n    message: Msg\n    producers: [jobs]\n    orderingKey: id\n', models).diagnostics).toEqual(
      [],
    );
    const { diagnostics } = load('  t:\n    message: MsgCreate\n    producers: [jobs]\n    orderingKey: id\n', models);
    expect(diagnostics.map((d) => [d.code, d.hint])).toEqual([['SF5007', 'properties of `MsgCreate`: `seq`']]);
  });

  it('says nothing more about the keys of a topic whose message model is unknown', () => {
    const { diagnostics } = load('  t:\n    message: Msgg\n    producers: [jobs]\n    orderingKey: id\n');
    expect(diagnostics.map((d) => [d.code, d.hint])).toEqual([['SF2001', 'did you mean `Msg`?']]);
  });
});

describe('dead-letter topics', () => {
  it('must carry the same model as the topics that dead-letter to them', () => {
    const { diagnostics } = load(
      '  t:\n    message: Msg\n    producers: [jobs]\n    deadLetter: t.dead\n  t.dead:\n    message: Status\n    producers: [jobs]\n',
    );
    expect(diagnostics.map((d) => [d.code, d.line, d.message, d.hint])).toEqual([
      [
        'SF5010',
        5,
        'dead-letter topic `t.dead` carries `Status`, but `t` carries `Msg`',
        'a dead-lettered entry keeps its original payload: give `t.dead` `message: Msg`, or leave out `deadLetter` to use the default stream `t:dead-letter`',
      ],
    ]);
    expect(diagnostics[0]!.related?.[0]).toMatchObject({ line: 7 });
  });

  it('are not compared when the model of either is unknown (SF2001 says so)', () => {
    const { diagnostics } = load(
      '  t:\n    message: Msg\n    producers: [jobs]\n    deadLetter: t.dead\n  t.dead:\n    message: Nope\n    producers: [jobs]\n',
    );
    expect(diagnostics.map((d) => d.code)).toEqual(['SF2001']);
  });
});

describe('retry delays', () => {
  it.each<[string, string, string | undefined]>([
    ['a cap above the first delay', '{ delayMs: 100, maxDelayMs: 101 }', undefined],
    ['a cap equal to the first delay', '{ delayMs: 100, maxDelayMs: 100 }', undefined],
    [
      'a cap below the first delay',
      '{ delayMs: 100, maxDelayMs: 99 }',
      '`retry.maxDelayMs` (99) is below the first delay, `retry.delayMs` (100)',
    ],
    [
      'a cap below the default first delay',
      '{ maxDelayMs: 999 }',
      '`retry.maxDelayMs` (999) is below the first delay, `retry.delayMs` (1000, the default)',
    ],
    ['a first delay and no cap', '{ delayMs: 100000 }', undefined],
  ])('%s', (_, retry, message) => {
    const { diagnostics } = load(`  t:\n    message: Msg\n    producers: [jobs]\n    retry: ${retry}\n`);
    expect(diagnostics.map((d) => d.message)).toEqual(message === undefined ? [] : [message]);
  });
});
