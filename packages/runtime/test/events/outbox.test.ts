/**
 * The transactional outbox, one suite run on PGlite and on PostgreSQL, each relaying to the memory
 * broker and to Redis: what a committed and a rolled-back transaction publish, concurrent relays,
 * corrupt rows, a failing broker and the relay loop's lifecycle. The crash between `XADD` and
 * `COMMIT` is in outbox-crash.test.ts (a real process, killed).
 */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { streamKey, WIRE } from '@specfirst/spec-core/streams';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EntryFields, StreamEntry, Trim } from '../../src/events/broker.js';
import { memoryBroker } from '../../src/events/memory-broker.js';
import { createOutbox, pgliteOutboxDatabase, type Outbox, type RelayOptions } from '../../src/events/outbox.js';
import type { TopicDefinition } from '../../src/events/types.js';
import { SpecFirstRuntimeError } from '../../src/errors.js';
import { recordingLogger } from '../support.js';
import {
  eventually,
  fields,
  memoryTestBroker,
  pgliteDatabase,
  postgresDatabase,
  redisTestBroker,
  topic,
  withAdd,
  type TestBroker,
  type TestDatabase,
} from './outbox-support.js';

const DATABASES = [
  ['PGlite', pgliteDatabase, false],
  ['PostgreSQL', postgresDatabase, true],
] as const;
const BROKERS = [
  ['memory', memoryTestBroker],
  ['Redis', redisTestBroker],
] as const;

for (const [dbName, makeDatabase, concurrent] of DATABASES)
  for (const [brokerName, makeBroker] of BROKERS)
    describe(`outbox on ${dbName}, relayed to the ${brokerName} broker`, () =>
      outboxSuite(makeDatabase, makeBroker, concurrent));

/** A gate a test opens when it chooses: `wait()` resolves after `open()`. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, wait: () => opened };
}

function outboxSuite(
  makeDatabase: () => Promise<TestDatabase>,
  makeBroker: () => Promise<TestBroker>,
  concurrent: boolean,
) {
  let database: TestDatabase;
  let test: TestBroker;
  let outbox: Outbox;
  let orders: string;
  const topics: string[] = [];

  /** A topic of its own per test, so that no test sees another's stream. */
  function freshTopic(retention?: Trim): TopicDefinition {
    const made = topic(`order.created.${topics.length + 1}`, retention);
    topics.push(made.name);
    return made;
  }
  const entries = (t: TopicDefinition): Promise<StreamEntry[]> =>
    test.broker.range(streamKey(t, test.prefix), '-', '+', 10_000);
  const rowCount = async () =>
    ((await database.db.query(`SELECT count(*)::int AS n FROM ${outbox.table}`)).rows[0] as { n: number }).n;
  const relay = (options: RelayOptions = {}) =>
    outbox.relay(database.db, test.broker, { logger: recordingLogger(), intervalMs: 5, ...options });
  /** Commits one transaction writing an order and its message. */
  const commit = (t: TopicDefinition, f: EntryFields) =>
    database.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${orders} (id) VALUES ($1)`, [JSON.parse(f[WIRE.payload]!).orderId]);
      return outbox.sink(tx).send(t, f);
    });

  beforeAll(async () => {
    database = await makeDatabase();
    test = await makeBroker();
    outbox = createOutbox({ table: database.table, prefix: test.prefix });
    await outbox.install(database.db);
    await outbox.install(database.db); // twice: nothing changes
    orders = database.table.replace(/specfirst_outbox$/, 'orders');
    await database.db.query(`CREATE TABLE ${orders} (id text PRIMARY KEY)`);
  }, 60_000); // PGlite takes seconds to start on a busy machine
  afterAll(async () => {
    try {
      await test?.close(topics);
    } finally {
      await database?.close();
    }
  });
  beforeEach(async () => {
    await database.db.query(`DELETE FROM ${outbox.table}`);
    await database.db.query(`DELETE FROM ${orders}`);
  });

  it('a committed transaction: its message reaches the stream once, every field as written, in wire order', async () => {
    const t = freshTopic();
    const sent = fields('o-1', { [WIRE.traceparent]: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    sent[WIRE.requestId] = 'req-1';
    const rowId = await commit(t, sent);
    expect(rowId).toMatch(/^[1-9]\d*$/);
    expect(await entries(t)).toEqual([]); // nothing before the relay runs

    const once = relay();
    expect(await once.relayOnce()).toBe(1);
    expect(await once.relayOnce()).toBe(0);
    const got = await entries(t);
    expect(got).toHaveLength(1);
    expect(got[0]!.fields).toEqual(sent);
    expect(Object.keys(got[0]!.fields)).toEqual(Object.keys(sent));
    expect(await rowCount()).toBe(0);
  });

  it('a rolled-back transaction: nothing on the stream, no row left, the database change undone too', async () => {
    const t = freshTopic();
    await expect(
      database.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${orders} (id) VALUES ($1)`, ['o-rolled-back']);
        await outbox.sink(tx).send(t, fields('o-rolled-back'));
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    expect(await relay().relayOnce()).toBe(0);
    expect(await entries(t)).toEqual([]);
    expect(await rowCount()).toBe(0);
    expect((await database.db.query(`SELECT id FROM ${orders} WHERE id = 'o-rolled-back'`)).rows).toEqual([]);
  });

  it('messages of several transactions go out in commit order, several topics in one batch', async () => {
    const [a, b] = [freshTopic(), freshTopic()];
    await commit(a, fields('o-a1'));
    await commit(b, fields('o-b1'));
    await commit(a, fields('o-a2'));
    expect(await relay({ batchSize: 10 }).relayOnce()).toBe(3);
    const orderIds = async (t: TopicDefinition) =>
      (await entries(t)).map((entry) => JSON.parse(entry.fields[WIRE.payload]!).orderId);
    expect(await orderIds(a)).toEqual(['o-a1', 'o-a2']);
    expect(await orderIds(b)).toEqual(['o-b1']);
  });

  it("the topic's retention trims the stream as the relay writes", async () => {
    const t = freshTopic({ maxLength: 1 });
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < 250; i++) await outbox.sink(tx).send(t, fields(`o-${i}`));
    });
    expect(await relay({ batchSize: 250 }).relayOnce()).toBe(250);
    // `MAXLEN ~` trims whole nodes, so the length is not exactly 1, but far below what was written.
    const length = await test.broker.length(streamKey(t, test.prefix));
    expect(length).toBeGreaterThanOrEqual(1);
    expect(length).toBeLessThan(250);
  });

  it('a field PostgreSQL cannot store is refused (SFR4103) in the caller transaction; emoji are fine', async () => {
    const t = freshTopic();
    await expect(commit(t, fields('o-nul', { [WIRE.requestId]: 'req\u0000' }))).rejects.toMatchObject({
      code: 'SFR4103',
      message:
        'SFR4103 field `request-id` of a `' +
        t.name +
        '` message holds U+0000 or an unpaired surrogate, which PostgreSQL cannot store; remove the character from the option or value that became this field (an id, a request id, a traceparent)',
    });
    await expect(commit(t, fields('o-lone', { [WIRE.requestId]: 'req\uD83D' }))).rejects.toMatchObject({
      code: 'SFR4103',
    });
    const emoji = fields('o-emoji', { [WIRE.requestId]: 'req-😀' });
    await commit(t, emoji);
    expect(await relay().relayOnce()).toBe(1);
    expect((await entries(t)).map((entry) => entry.fields)).toEqual([emoji]);
  });

  it('two relays at once over 500 rows: every row sent, none twice', async () => {
    const t = freshTopic();
    const ids: string[] = [];
    for (let batch = 0; batch < 5; batch++)
      await database.db.transaction(async (tx) => {
        for (let i = 0; i < 100; i++) {
          const f = fields(`o-${batch}-${i}`);
          ids.push(f[WIRE.id]!);
          await outbox.sink(tx).send(t, f);
        }
      });
    const relays = [relay({ batchSize: 25 }), relay({ batchSize: 25 })];
    for (const r of relays) r.start();
    try {
      await eventually('500 rows relayed', async () => (await rowCount()) === 0, 30_000);
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
    }
    const sentIds = (await entries(t)).map((entry) => entry.fields[WIRE.id]);
    expect(sentIds).toHaveLength(500);
    expect(new Set(sentIds).size).toBe(500);
    expect([...sentIds].sort()).toEqual([...ids].sort());
  });

  // PGlite runs one transaction at a time, so there is nothing to hold: the case exists only on PostgreSQL.
  if (concurrent)
    it('while one relay sends, another sends nothing: messages of one ordering key keep their commit order', async () => {
      const t = freshTopic();
      for (let i = 0; i < 4; i++) await commit(t, fields(`o-held-${i}`));
      const held = gate();
      const adding = gate();
      const slow = outbox.relay(
        database.db,
        withAdd(test.broker, async (add, ...args) => {
          adding.open();
          await held.wait();
          return add(...args);
        }),
        { batchSize: 2, logger: recordingLogger() },
      );
      const slowRun = slow.relayOnce();
      try {
        await adding.wait(); // the slow relay holds the table's relay lock and is in its first XADD
        // Before the relay lock, this one sent rows 3 and 4 ahead of 1 and 2.
        expect(await relay({ batchSize: 10 }).relayOnce()).toBe(0);
      } finally {
        held.open(); // also when the test failed: its transaction must end before the schema is dropped
      }
      expect(await slowRun).toBe(2);
      expect(await relay({ batchSize: 10 }).relayOnce()).toBe(2); // the lock was released at COMMIT
      const orderIds = (await entries(t)).map((entry) => JSON.parse(entry.fields[WIRE.payload]!).orderId);
      expect(orderIds).toEqual(['o-held-0', 'o-held-1', 'o-held-2', 'o-held-3']);
      expect(await rowCount()).toBe(0);
    });

  it('start() right after stop(), while the loop still finishes its transaction: the relay runs again', async () => {
    const t = freshTopic();
    await commit(t, fields('o-before'));
    const held = gate();
    const adding = gate();
    let first = true;
    const restarted = outbox.relay(
      database.db,
      withAdd(test.broker, async (add, ...args) => {
        if (first) {
          first = false;
          adding.open();
          await held.wait();
        }
        return add(...args);
      }),
      { intervalMs: 5, logger: recordingLogger() },
    );
    restarted.start();
    try {
      await adding.wait(); // the loop is in its transaction
      const stopping = restarted.stop();
      restarted.start(); // before the stopped loop ended: it used to be a no-op, and nothing relayed after
      held.open();
      await stopping;
      await commit(t, fields('o-after'));
      await eventually('the message committed after the restart on the stream', async () => (await rowCount()) === 0);
    } finally {
      held.open();
      await restarted.stop();
    }
    const orderIds = (await entries(t)).map((entry) => JSON.parse(entry.fields[WIRE.payload]!).orderId);
    expect(orderIds).toEqual(['o-before', 'o-after']);
  });

  const CORRUPT: [string, string, string, string | null, string][] = [
    ['an empty stream', '', '{"id":"m"}', null, '`stream` is not a non-empty string'],
    ['fields that are a list', 'STREAM', '["id","m"]', null, '`fields` is not a JSON object'],
    ['a field that is a number', 'STREAM', '{"id":"m","version":1}', null, 'field `version` is not a string'],
    ['no fields', 'STREAM', '{}', null, '`fields` is empty'],
    [
      'a retention of another kind',
      'STREAM',
      '{"id":"m"}',
      '{"maxItems":5}',
      '`retention` is neither {"maxLength": n} nor {"maxAgeMs": n} with a positive integer n',
    ],
    [
      'a retention of 0',
      'STREAM',
      '{"id":"m"}',
      '{"maxLength":0}',
      '`retention` is neither {"maxLength": n} nor {"maxAgeMs": n} with a positive integer n',
    ],
    [
      'a retention of both kinds',
      'STREAM',
      '{"id":"m"}',
      '{"maxLength":5,"maxAgeMs":5}',
      '`retention` is neither {"maxLength": n} nor {"maxAgeMs": n} with a positive integer n',
    ],
  ];

  it.each(CORRUPT)(
    'a row with %s is logged (SFR4105) and set aside, kept; the others go out; requeued after a fix it goes out',
    async (_, stream, rowFields, retention, problem) => {
      const t = freshTopic();
      const key = streamKey(t, test.prefix);
      await commit(t, fields('o-before'));
      const { rows } = await database.db.query(
        `INSERT INTO ${outbox.table} (stream, fields, retention) VALUES ($1, $2::jsonb, $3::jsonb) RETURNING id::text AS id`,
        [stream.replace('STREAM', key), rowFields, retention],
      );
      const corruptId = (rows[0] as { id: string }).id;
      await commit(t, fields('o-after'));

      const logger = recordingLogger();
      const r = relay({ logger });
      expect(await r.relayOnce()).toBe(2);
      const message = `SFR4105 outbox row ${corruptId} of ${outbox.table} is corrupt: ${problem}; the row is kept and set aside (its \`error\` column says why); fix it, then \`outbox.requeue(db, [id])\`, or delete it`;
      expect(logger.entries).toEqual([
        { level: 'error', message, fields: expect.objectContaining({ code: 'SFR4105', outboxId: corruptId }) },
      ]);
      expect((await entries(t)).map((entry) => JSON.parse(entry.fields[WIRE.payload]!).orderId)).toEqual([
        'o-before',
        'o-after',
      ]);
      const failed = await outbox.failed(database.db);
      expect(failed).toEqual([expect.objectContaining({ id: corruptId, error: message, createdAt: expect.any(Date) })]);

      // Set aside: not tried again, not logged again, and it does not hold up later rows.
      await commit(t, fields('o-later'));
      expect(await r.relayOnce()).toBe(1);
      expect(logger.entries).toHaveLength(1);

      const fixed = fields('o-fixed');
      await database.db.query(
        `UPDATE ${outbox.table} SET stream = $2, fields = $3::jsonb, retention = NULL WHERE id = $1::bigint`,
        [corruptId, key, JSON.stringify(fixed)],
      );
      expect(await outbox.requeue(database.db, [corruptId])).toBe(1);
      expect(await outbox.requeue(database.db)).toBe(0);
      expect(await r.relayOnce()).toBe(1);
      expect((await entries(t)).at(-1)!.fields).toEqual(fixed);
      expect(await rowCount()).toBe(0);
    },
  );

  it('a row whose stream key holds another type (WRONGTYPE) is set aside (SFR4106), kept; the others go out', async () => {
    const [good, blocked] = [freshTopic(), freshTopic()];
    await test.broker.set(streamKey(blocked, test.prefix), 'not a stream', 60_000);
    await commit(good, fields('o-good-1'));
    const blockedId = await commit(blocked, fields('o-blocked'));
    await commit(good, fields('o-good-2'));

    const logger = recordingLogger();
    const r = relay({ logger });
    expect(await r.relayOnce()).toBe(2);
    expect(logger.entries).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(
          new RegExp(
            `^SFR4106 the relay could not send outbox row ${blockedId} of .*: SFR4204 the key .* holds another type of value \\(WRONGTYPE\\); .*; the row is kept and set aside`,
          ),
        ),
        fields: expect.objectContaining({ code: 'SFR4106', outboxId: blockedId }),
      },
    ]);
    expect((await entries(good)).length).toBe(2);
    expect((await outbox.failed(database.db)).map((row) => row.id)).toEqual([blockedId]);

    await test.broker.del(streamKey(blocked, test.prefix));
    expect(await outbox.requeue(database.db)).toBe(1);
    expect(await r.relayOnce()).toBe(1);
    expect((await entries(blocked)).map((entry) => JSON.parse(entry.fields[WIRE.payload]!).orderId)).toEqual([
      'o-blocked',
    ]);
  });

  it('a broker failing mid-batch: the rows sent before it are deleted, the rest stay and go out next time', async () => {
    const t = freshTopic();
    for (let i = 0; i < 4; i++) await commit(t, fields(`o-${i}`));
    let calls = 0;
    const failing = withAdd(test.broker, async (add, ...args) => {
      if (++calls === 3) throw new Error('connection lost');
      return add(...args);
    });
    const error = await outbox
      .relay(database.db, failing, { logger: recordingLogger() })
      .relayOnce()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecFirstRuntimeError);
    expect(error).toMatchObject({ code: 'SFR4106', cause: new Error('connection lost') });
    expect((error as Error).message).toMatch(
      /^SFR4106 the relay could not send outbox row \d+ of .*: connection lost; /,
    );
    expect(await entries(t)).toHaveLength(2);
    expect(await rowCount()).toBe(2);

    expect(await relay().relayOnce()).toBe(2);
    const orderIds = (await entries(t)).map((entry) => JSON.parse(entry.fields[WIRE.payload]!).orderId);
    expect(orderIds).toEqual(['o-0', 'o-1', 'o-2', 'o-3']);
  });

  it('the relay loop sends what is committed after it started, logs failures (SFR4106) and retries them', async () => {
    const t = freshTopic();
    let calls = 0;
    const logger = recordingLogger();
    const looping = outbox.relay(
      database.db,
      withAdd(test.broker, async (add, ...args) => {
        if (++calls <= 2) throw new Error(`refused ${calls}`);
        return add(...args);
      }),
      { intervalMs: 5, maxBackoffMs: 20, logger },
    );
    looping.start();
    looping.start(); // a second start changes nothing
    try {
      await commit(t, fields('o-looped'));
      await eventually('the message on the stream', async () => (await entries(t)).length > 0);
    } finally {
      await looping.stop();
    }
    await looping.stop(); // twice: nothing happens
    expect(await entries(t)).toHaveLength(1);
    expect(await rowCount()).toBe(0);
    expect(logger.entries.map((entry) => [entry.level, entry.fields.code, entry.fields.failures])).toEqual([
      ['error', 'SFR4106', 1],
      ['error', 'SFR4106', 2],
    ]);
    expect(logger.entries[1]!.message).toContain(': refused 2; the row stays in the outbox');
  });

  it('stop() returns when the transaction in flight hangs; the transaction finishes later', async () => {
    const t = freshTopic();
    await commit(t, fields('o-hanging'));
    const hanging = gate();
    const adding = gate();
    const logger = recordingLogger();
    const stuck = outbox.relay(
      database.db,
      withAdd(test.broker, async (add, ...args) => {
        adding.open();
        await hanging.wait();
        return add(...args);
      }),
      { stopTimeoutMs: 100, logger },
    );
    stuck.start();
    try {
      await adding.wait();
      await stuck.stop();
    } finally {
      hanging.open();
    }
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        fields: { stopTimeoutMs: 100 },
        message: 'the outbox relay did not finish its transaction in time; its rows stay in the outbox',
      },
    ]);
    await eventually('the hanging transaction to commit', async () => (await rowCount()) === 0);
    expect(await entries(t)).toHaveLength(1);
  });

  it('a table that does not exist: the sink and the relay say so (SFR4104) and how to fix it', async () => {
    const missing = createOutbox({ table: database.table.replace(/specfirst_outbox$/, 'no_such_outbox') });
    const expected = {
      code: 'SFR4104',
      message: `SFR4104 the outbox table ${missing.table} does not exist; call \`outbox.install(db)\` once at start-up (or create it in a migration) with the same \`table\` option`,
    };
    await expect(
      database.db.transaction((tx) => missing.sink(tx).send(freshTopic(), fields('o-missing'))),
    ).rejects.toMatchObject(expected);
    await expect(
      missing.relay(database.db, test.broker, { logger: recordingLogger() }).relayOnce(),
    ).rejects.toMatchObject(expected);
  });
}

describe('outbox options', () => {
  let lite: PGlite;
  beforeAll(async () => {
    lite = await PGlite.create();
  }, 60_000);
  afterAll(() => lite.close());

  it.each(['specfirst_outbox', 'app.outbox', '_x1', 'A'.repeat(63)])('table %s is accepted, quoted', (table) => {
    expect(createOutbox({ table }).table).toBe(
      table
        .split('.')
        .map((part) => `"${part}"`)
        .join('.'),
    );
  });

  it.each(['orders; DROP TABLE x', 'a.b.c', '', '1abc', 'weird"name', 'A'.repeat(64), 'app.', 'é'])(
    'table %j is refused (SFR4101)',
    (table) => {
      expect(() => createOutbox({ table })).toThrow(
        new SpecFirstRuntimeError(
          'SFR4101',
          `the outbox table name ${JSON.stringify(table)} is not a plain SQL name`,
          'give `name` or `schema.name`, each a letter or `_` then letters, digits or `_` (at most 63)',
        ),
      );
    },
  );

  const BAD_OPTIONS: [RelayOptions, string][] = [
    [{ batchSize: 0 }, 'relay option `batchSize` must be an integer from 1 to 10000; got 0'],
    [{ batchSize: 10_001 }, 'relay option `batchSize` must be an integer from 1 to 10000; got 10001'],
    [{ batchSize: 1.5 }, 'relay option `batchSize` must be an integer from 1 to 10000; got 1.5'],
    [{ intervalMs: Number.NaN }, 'relay option `intervalMs` must be an integer from 1 to 3600000; got NaN'],
    [{ intervalMs: 0 }, 'relay option `intervalMs` must be an integer from 1 to 3600000; got 0'],
    [{ stopTimeoutMs: -1 }, 'relay option `stopTimeoutMs` must be an integer from 0 to 3600000; got -1'],
    [
      { intervalMs: 500, maxBackoffMs: 100 },
      'relay option `maxBackoffMs` must be an integer from 500 to 3600000; got 100',
    ],
  ];
  it.each(BAD_OPTIONS)('relay options %j are refused (SFR4102)', (options, problem) => {
    expect(() => createOutbox().relay(pgliteOutboxDatabase(lite), memoryBroker(), options)).toThrow(
      new SpecFirstRuntimeError(
        'SFR4102',
        problem,
        `leave \`${problem.split('`')[1]}\` unset for its default, or pass a whole number in range`,
      ),
    );
  });
});

describe('what the outbox loads', () => {
  it('neither pg nor PGlite: the database is typed by shape, and neither is a dependency', () => {
    const source = readFileSync(new URL('../../src/events/outbox.ts', import.meta.url), 'utf8');
    const imported = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((match) => match[1]);
    expect(imported).toEqual([
      '@specfirst/spec-core/streams',
      '../errors.js',
      '../logger.js',
      './broker.js',
      './types.js',
    ]);
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const drivers = Object.keys(manifest.dependencies).filter((name) => /^(pg|@electric-sql\/pglite)$/.test(name));
    expect(drivers).toEqual([]);
  });
});
