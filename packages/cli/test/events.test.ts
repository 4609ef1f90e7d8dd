/**
 * `specfirst events dead-letters` and `specfirst events replay` against a real Redis (REDIS_URL, else
 * 127.0.0.1:6379), under a key prefix of their own that is deleted afterwards. Dead-letter entries
 * are written the way a consumer writes them: the message delivered to a group, then in one MULTI
 * appended to the dead-letter stream (the wire fields of `@specfirst/spec-core/streams`) and
 * acknowledged. Without a Redis, every test here fails: there is nothing to test without one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEAD_LETTER_WIRE, WIRE, deadLetterStreamKey, streamKey } from '@specfirst/spec-core';
import {
  brokerSink,
  createConsumers,
  publish,
  type Consumers,
  type EventBroker,
  type TopicDefinition,
} from '@specfirst/runtime/events';
import { redisBroker } from '@specfirst/runtime/events/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLettersJson, ReplayJson } from '../src/events-output.js';
import { BIN, runCli } from './support/run-cli.js';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const PREFIX = `specfirst-cli-test:${process.pid}:${Date.now()}:`;

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-events-'));
const PROJECT = path.join(temp, 'shopfloor');
const PROJECT_FILES: Record<string, string> = {
  'specfirst.yaml': 'name: shopfloor\n',
  'spec/models.yaml': 'models:\n  OrderPlaced:\n    properties:\n      orderId: string\n      total: number\n',
  'spec/services.yaml': [
    'services:',
    '  orders: { type: worker }',
    '  billing: { type: worker, consumes: { topics: [order.placed] } }',
    '  mailer: { type: worker, consumes: { topics: [order.placed, order.shipped] } }',
    '',
  ].join('\n'),
  'spec/events.yaml': [
    'topics:',
    '  order.placed: { message: OrderPlaced, producers: [orders], deadLetter: order.failed }',
    '  order.failed: { message: OrderPlaced, producers: [orders] }',
    '  order.shipped: { message: OrderPlaced, producers: [orders] }',
    '',
  ].join('\n'),
};
for (const [file, text] of Object.entries(PROJECT_FILES)) {
  mkdirSync(path.dirname(path.join(PROJECT, file)), { recursive: true });
  writeFileSync(path.join(PROJECT, file), text);
}

const PLACED = streamKey('order.placed', PREFIX);
const PLACED_DEAD = deadLetterStreamKey({ name: 'order.placed', deadLetter: 'order.failed' }, PREFIX);
const SHIPPED = streamKey('order.shipped', PREFIX);
const SHIPPED_DEAD = deadLetterStreamKey({ name: 'order.shipped' }, PREFIX);

let redis: Redis;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `these tests need a Redis at ${REDIS_URL} (REDIS_URL, else 127.0.0.1:6379): ${(error as Error).message}; start redis-server or set REDIS_URL`,
      { cause: error },
    );
  }
});

async function clean(): Promise<void> {
  let cursor = '0';
  for (let round = 0; round < 1000; round++) {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
  throw new Error(`could not delete the keys under ${PREFIX}`);
}

beforeEach(clean);

afterAll(async () => {
  rmSync(temp, { recursive: true, force: true });
  if (redis?.status === 'ready') {
    await clean();
    await redis.quit();
  }
});

interface Dead {
  /** The entry's id in the topic's stream. */
  origin: string;
  /** Its id in the dead-letter stream. */
  id: string;
  messageId: string;
  payload: string;
  /** When it was dead-lettered, as `dead-letters` shows it. */
  at: string;
}

let messages = 0;

/**
 * Publishes `message` on `stream`, delivers it to `group`, and dead-letters it as a consumer does:
 * appended to `deadStream` with why, and acknowledged, in one MULTI.
 */
async function deadLetter(
  topic: string,
  stream: string,
  deadStream: string,
  group: string,
  message: unknown,
  why: { reason?: string; error?: string; deliveries?: number } = {},
): Promise<Dead> {
  const messageId = `m-${++messages}`;
  const payload = JSON.stringify(message);
  const fields = {
    [WIRE.id]: messageId,
    [WIRE.type]: 'OrderPlaced',
    [WIRE.version]: '1',
    [WIRE.contentType]: 'application/json',
    [WIRE.payload]: payload,
  };
  const origin = (await redis.xadd(stream, '*', ...Object.entries(fields).flat()))!;
  await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM').catch((error: Error) => {
    if (!error.message.includes('BUSYGROUP')) throw error;
  });
  await redis.xreadgroup('GROUP', group, 'c1', 'COUNT', 1000, 'STREAMS', stream, '>');
  const dead = {
    ...fields,
    [DEAD_LETTER_WIRE.error]: why.error ?? 'payment service down',
    [DEAD_LETTER_WIRE.reason]: why.reason ?? 'handler',
    [DEAD_LETTER_WIRE.deliveries]: String(why.deliveries ?? 5),
    [DEAD_LETTER_WIRE.topic]: topic,
    [DEAD_LETTER_WIRE.entryId]: origin,
    [DEAD_LETTER_WIRE.group]: group,
    [DEAD_LETTER_WIRE.at]: new Date(Date.UTC(2026, 11, 7, 20, 30, 0, messages)).toISOString(),
  };
  const result = await redis
    .multi()
    .xadd(deadStream, '*', ...Object.entries(dead).flat())
    .xack(stream, group, origin)
    .exec();
  const id = result![0]![1] as string;
  return { origin, id, messageId, payload, at: new Date(Date.UTC(2026, 11, 7, 20, 30, 0, messages)).toISOString() };
}

const events = (...args: string[]) =>
  runCli(['events', ...args, '--project', PROJECT, '--redis', REDIS_URL, '--prefix', PREFIX]);

async function entries(stream: string): Promise<{ id: string; fields: Record<string, string> }[]> {
  const raw = await redis.xrange(stream, '-', '+');
  return raw.map(([id, flat]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    return { id, fields };
  });
}

describe('specfirst events dead-letters', () => {
  it('lists each entry of the topic: id, group, why, when, message id, error and a cut payload', async () => {
    const short = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'o-1', total: 12 });
    const long = await deadLetter(
      'order.placed',
      PLACED,
      PLACED_DEAD,
      'mailer',
      { orderId: 'o-2', note: 'x'.repeat(500) },
      { reason: 'poison', error: 'payload: must have required property `total`', deliveries: 1 },
    );
    const { code, stdout, stderr } = await events('dead-letters', 'order.placed');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`2 dead-letter entries of \`order.placed\` in \`${PLACED_DEAD}\``);
    expect(lines).toContain(`${short.id}  billing  handler after 5 deliveries  ${short.at}`);
    expect(lines).toContain(`  message  ${short.messageId}`);
    expect(lines).toContain('  error    payment service down');
    expect(lines).toContain(`  payload  ${short.payload}`);
    expect(lines).toContain(`${long.id}  mailer  poison after 1 delivery  ${long.at}`);
    expect(lines).toContain('  error    payload: must have required property `total`');
    const cut = lines.find((l) => l.startsWith('  payload  {"orderId":"o-2"'))!;
    expect(cut).toBe(
      `  payload  ${long.payload.slice(0, 200)}… (${long.payload.length} characters; \`--format json\` shows it whole)`,
    );
  });

  it('prints every field and the whole payload in JSON, from the built command, which then exits', async () => {
    const dead = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', {
      orderId: 'o-3',
      note: 'y'.repeat(900),
    });
    const run = spawnSync(
      process.execPath,
      [BIN, 'events', 'dead-letters', 'order.placed', '-p', PROJECT, '--prefix', PREFIX, '--format', 'json'],
      { encoding: 'utf8', env: { ...process.env, REDIS_URL, NO_COLOR: '1' }, timeout: 20_000 },
    );
    expect(run.signal, 'the command did not end by itself').toBeNull();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as DeadLettersJson;
    expect(report).toEqual({
      topic: 'order.placed',
      stream: PLACED,
      deadLetterStream: PLACED_DEAD,
      service: null,
      entries: [
        {
          entryId: dead.id,
          messageId: dead.messageId,
          group: 'billing',
          reason: 'handler',
          deliveries: 5,
          error: 'payment service down',
          at: dead.at,
          topic: 'order.placed',
          originEntryId: dead.origin,
          payload: dead.payload,
          fields: (await entries(PLACED_DEAD))[0]!.fields,
        },
      ],
      next: null,
    });
    expect(report.entries[0]!.fields[WIRE.payload]).toBe(dead.payload);
  });

  it('keeps to one service with --service, and pages with --count and --start', async () => {
    const b1 = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'b1', total: 1 });
    await deadLetter('order.placed', PLACED, PLACED_DEAD, 'mailer', { orderId: 'm1', total: 1 });
    const b2 = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'b2', total: 1 });
    const b3 = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'b3', total: 1 });

    const json = async (...args: string[]) => {
      const { code, stdout, stderr } = await events('dead-letters', 'order.placed', '--format', 'json', ...args);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      return JSON.parse(stdout) as DeadLettersJson;
    };
    const first = await json('--service', 'billing', '--count', '2');
    expect(first.service).toBe('billing');
    expect(first.entries.map((e) => e.entryId)).toEqual([b1.id, b2.id]);
    expect(first.next).not.toBeNull();
    const second = await json('--service', 'billing', '--count', '2', '--start', first.next!);
    expect(second.entries.map((e) => e.entryId)).toEqual([b3.id]);
    expect(second.next).toBeNull();

    const text = await events('dead-letters', 'order.placed', '--service', 'billing', '-n', '2');
    expect(text.stdout.split('\n')[0]).toBe(
      `2 dead-letter entries of \`order.placed\` for \`billing\` in \`${PLACED_DEAD}\` (more follow)`,
    );
    expect(text.stdout).toContain(`more: specfirst events dead-letters order.placed --project ${PROJECT}`);
    expect(text.stdout).toContain(`--service billing --count 2 --start ${first.next}`);
  });

  it('reads a topic without deadLetter from <topic>:dead-letter, and leaves out entries of other topics', async () => {
    const shipped = await deadLetter('order.shipped', SHIPPED, SHIPPED_DEAD, 'mailer', { orderId: 's1', total: 2 });
    // A declared dead-letter topic may collect several topics' entries: only this topic's are listed.
    await deadLetter('order.shipped', SHIPPED, PLACED_DEAD, 'mailer', { orderId: 's2', total: 2 });
    expect(SHIPPED_DEAD).toBe(`${PREFIX}order.shipped:dead-letter`);
    const report = JSON.parse((await events('dead-letters', 'order.shipped', '-f', 'json')).stdout) as DeadLettersJson;
    expect(report.deadLetterStream).toBe(SHIPPED_DEAD);
    expect(report.entries.map((e) => e.entryId)).toEqual([shipped.id]);
    const placed = await events('dead-letters', 'order.placed');
    expect(placed.stdout.trim()).toBe(`no dead-letter entries of \`order.placed\` in \`${PLACED_DEAD}\``);
    expect(placed.code).toBe(0);
  });
});

describe('specfirst events replay', () => {
  it('moves one entry back onto the stream for one service, and leaves the others dead-lettered', async () => {
    const billing = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'r1', total: 3 });
    const mailer = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'mailer', { orderId: 'r2', total: 4 });
    const before = await entries(PLACED);

    const { code, stdout, stderr } = await events('replay', 'order.placed', '--service', 'billing', '--id', billing.id);
    expect(stderr).toBe('');
    expect(code).toBe(0);

    const after = await entries(PLACED);
    expect(after).toHaveLength(before.length + 1);
    const replayed = after.at(-1)!;
    expect(replayed.fields).toMatchObject({
      [WIRE.id]: billing.messageId,
      [WIRE.payload]: billing.payload,
      [WIRE.type]: 'OrderPlaced',
      [WIRE.replayFor]: 'billing',
    });
    expect((await entries(PLACED_DEAD)).map((e) => e.id)).toEqual([mailer.id]);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `replayed 1 dead-letter entry of \`order.placed\` from \`${PLACED_DEAD}\` onto \`${PLACED}\``,
      `  ${billing.id} → ${replayed.id}  for billing  (message ${billing.messageId})`,
    ]);
  });

  it('with --all, replays each entry for the service that failed it', async () => {
    const billing = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'a1', total: 3 });
    const mailer = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'mailer', { orderId: 'a2', total: 4 });
    const { code, stdout } = await events('replay', 'order.placed', '--all', '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as ReplayJson;
    expect(report.dryRun).toBe(false);
    expect(report.error).toBeNull();
    expect(report.replayed.map((r) => [r.entryId, r.group, r.messageId]).sort()).toEqual(
      [
        [billing.id, 'billing', billing.messageId],
        [mailer.id, 'mailer', mailer.messageId],
      ].sort(),
    );
    const stream = await entries(PLACED);
    for (const r of report.replayed) {
      const entry = stream.find((e) => e.id === r.newEntryId);
      expect(entry?.fields[WIRE.replayFor]).toBe(r.group);
      expect(entry?.fields[WIRE.id]).toBe(r.messageId);
    }
    expect(await redis.xlen(PLACED_DEAD)).toBe(0);
  });

  it('changes nothing with --dry-run, and says what it would move', async () => {
    const a = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'd1', total: 3 });
    const b = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'd2', total: 3 });
    const stream = await entries(PLACED);
    const dead = await entries(PLACED_DEAD);
    const { code, stdout } = await events('replay', 'order.placed', '--service', 'billing', '--all', '--dry-run');
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `would replay 2 dead-letter entries of \`order.placed\` from \`${PLACED_DEAD}\` onto \`${PLACED}\``,
      `  ${a.id}  for billing  (message ${a.messageId})`,
      `  ${b.id}  for billing  (message ${b.messageId})`,
      'dry run: nothing changed',
    ]);
    expect(await entries(PLACED)).toEqual(stream);
    expect(await entries(PLACED_DEAD)).toEqual(dead);
  });

  it.each([
    ['without --id or --all', [], 'name the dead-letter entries to replay with `--id`, or pass `--all`'],
    ['an id that is not an entry id', ['--id', 'latest'], '`--id latest` is not a stream entry id'],
    [
      'an entry another service dead-lettered',
      ['--service', 'billing', '--id', 'MAILER'],
      'was dead-lettered by `mailer`, not by `billing`',
    ],
  ])('refuses to replay %s, and moves nothing', async (_name, args, message) => {
    const mailer = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'mailer', { orderId: 'x', total: 1 });
    const dead = await entries(PLACED_DEAD);
    const stream = await entries(PLACED);
    const { code, stdout, stderr } = await events(
      'replay',
      'order.placed',
      ...args.map((a) => (a === 'MAILER' ? mailer.id : a)),
    );
    expect(stderr).toContain(message);
    expect(stderr).toMatch(/\n {2}hint: \S/);
    expect(stdout).toBe('');
    expect(code).toBe(2);
    expect(await entries(PLACED_DEAD)).toEqual(dead);
    expect(await entries(PLACED)).toEqual(stream);
  });

  it('refuses entries of a service that no longer consumes the topic, naming its consumers; --service replays them', async () => {
    // `payments` was renamed `billing` in spec/services.yaml: its old group still reads the stream, but
    // no service of the spec would handle an entry replayed for it (every group would ack it unseen).
    const billing = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'g1', total: 1 });
    const gone = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'payments', { orderId: 'g2', total: 2 });
    const dead = await entries(PLACED_DEAD);
    const stream = await entries(PLACED);
    for (const args of [['--all'], ['--id', gone.id], ['--all', '--dry-run'], ['--all', '--format', 'json']]) {
      const { code, stdout, stderr } = await events('replay', 'order.placed', ...args);
      expect(stderr.split('\n').slice(0, 2)).toEqual([
        `specfirst events replay: dead-letter entry ${gone.id} (of \`payments\`) would be replayed for no service that consumes \`order.placed\` now, so every service would acknowledge it unseen; nothing was replayed`,
        `  hint: its consumers are \`billing\`, \`mailer\` (a renamed service? replay for its new name): specfirst events replay order.placed --service billing --id ${gone.id}`,
      ]);
      expect(stdout).toBe('');
      expect(code).toBe(1);
      expect(await entries(PLACED_DEAD)).toEqual(dead);
      expect(await entries(PLACED)).toEqual(stream);
    }

    const { code, stderr } = await events('replay', 'order.placed', '--service', 'billing', '--id', gone.id);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((await entries(PLACED)).at(-1)!.fields).toMatchObject({
      [WIRE.id]: gone.messageId,
      [WIRE.replayFor]: 'billing',
    });
    expect((await entries(PLACED_DEAD)).map((e) => e.id)).toEqual([billing.id]);
  });

  it('fails with exit code 1 for an id that is not in the dead-letter stream, and moves nothing', async () => {
    const kept = await deadLetter('order.placed', PLACED, PLACED_DEAD, 'billing', { orderId: 'k', total: 1 });
    const { code, stderr } = await events('replay', 'order.placed', '--id', kept.id, '--id', '1-0');
    expect(stderr).toContain(`no dead-letter entry 1-0 in \`${PLACED_DEAD}\`; nothing was replayed`);
    expect(stderr).toContain('hint: `specfirst events dead-letters order.placed` lists the entries there');
    expect(code).toBe(1);
    expect((await entries(PLACED_DEAD)).map((e) => e.id)).toEqual([kept.id]);
  });
});

/** Waits, a bounded time, until `check` holds. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("specfirst events with the runtime's consumers", () => {
  const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  // `order.placed` as generated code declares it; one delivery, so a failure dead-letters at once.
  const topic: TopicDefinition<{ orderId: string; total: number }> = {
    name: 'order.placed',
    messageType: 'OrderPlaced',
    version: 1,
    retry: { attempts: 1, backoff: 'fixed', delayMs: 10 },
    deadLetter: 'order.failed',
    claimAfterMs: 30_000,
    startFrom: 'beginning',
    concurrency: 1,
    validate: Object.assign((data: unknown) => typeof data === 'object' && data !== null, { errors: null }),
  };
  const running: Consumers[] = [];
  const brokers: EventBroker[] = [];
  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    await Promise.all(brokers.map((b) => b.close()));
  });

  it('lists what a consumer dead-lettered, and after a replay only that service handles it again', async () => {
    const broker = redisBroker(REDIS_URL);
    brokers.push(broker);
    let fixed = false;
    const billing: string[] = [];
    const mailer: string[] = [];
    const consumers = (service: string, handle: (orderId: string) => void) => {
      const c = createConsumers(
        service,
        [{ topic, handler: (message: { orderId: string }) => handle(message.orderId) }],
        { broker, prefix: PREFIX, consumer: `${service}-1`, blockMs: 100, logger: silent },
      );
      running.push(c);
      return c;
    };
    await consumers('billing', (orderId) => {
      if (!fixed) throw new Error('payment provider timed out');
      billing.push(orderId);
    }).start();
    await consumers('mailer', (orderId) => void mailer.push(orderId)).start();

    const published = await publish(brokerSink(broker, { prefix: PREFIX }), topic, { orderId: 'e2e-1', total: 9 });
    await until(
      'billing dead-letters the order and the mailer handles it',
      async () => (await redis.xlen(PLACED_DEAD)) === 1 && mailer.length === 1,
    );

    const listed = await events('dead-letters', 'order.placed', '--format', 'json');
    expect(listed.code).toBe(0);
    const [entry] = (JSON.parse(listed.stdout) as DeadLettersJson).entries;
    expect(entry).toMatchObject({
      group: 'billing',
      reason: 'handler',
      deliveries: 1,
      error: 'payment provider timed out',
      topic: 'order.placed',
      originEntryId: published,
      payload: JSON.stringify({ orderId: 'e2e-1', total: 9 }),
    });
    expect(entry!.at).toMatch(/^\d{4}-\d\d-\d\dT/);

    fixed = true;
    const replay = await events('replay', 'order.placed', '--id', entry!.entryId, '--format', 'json');
    expect(replay.code).toBe(0);
    const [moved] = (JSON.parse(replay.stdout) as ReplayJson).replayed;
    expect(moved).toMatchObject({ entryId: entry!.entryId, group: 'billing' });

    await until('billing handles the replayed order', async () => billing.length === 1);
    // The mailer's group reads the replayed entry too, and acknowledges it without handling it.
    await until('the mailer has read past the replayed entry', async () => {
      const groups = (await redis.xinfo('GROUPS', PLACED)) as unknown[][];
      const info = groups.map((g) =>
        Object.fromEntries(Array.from({ length: g.length / 2 }, (_, i) => [g[2 * i], g[2 * i + 1]])),
      );
      const group = info.find((g) => g['name'] === 'mailer');
      return group?.['last-delivered-id'] === moved!.newEntryId && group?.['pending'] === 0;
    });
    expect(billing).toEqual(['e2e-1']);
    expect(mailer).toEqual(['e2e-1']);
    expect(await redis.xlen(PLACED_DEAD)).toBe(0);
  });
});

describe('specfirst events: what it is pointed at', () => {
  const TOPICS_HINT = ' (topics are declared in spec/events.yaml)';
  it.each([
    [
      ['dead-letters', 'order.plcaed'],
      'no topic `order.plcaed` in the spec',
      `did you mean \`order.placed\`?${TOPICS_HINT}`,
    ],
    [
      ['replay', 'nope', '--all'],
      'no topic `nope` in the spec',
      `known topics: \`order.failed\`, \`order.placed\`, \`order.shipped\`${TOPICS_HINT}`,
    ],
    [
      ['dead-letters', 'order.placed', '--service', 'orders'],
      '`orders` does not consume `order.placed`, so it has no dead-letter entries of it',
      'its consumers are `billing`, `mailer`; or list `order.placed` under `consumes.topics` of `orders` in spec/services.yaml',
    ],
    [
      ['replay', 'order.failed', '--service', 'billing', '--all'],
      '`billing` does not consume `order.failed`, so it has no dead-letter entries of it',
      'no service consumes `order.failed`; list it under `consumes.topics` of a service in spec/services.yaml',
    ],
    [
      ['dead-letters', 'order.placed', '--service', 'biling'],
      'no service `biling` in the spec',
      'did you mean `billing`?',
    ],
  ])('%j fails with exit code 2, saying what is wrong and how to fix it', async (args, message, hint) => {
    const { code, stdout, stderr } = await events(...args);
    expect(stderr).toBe(`specfirst events ${args[0]}: ${message}\n  hint: ${hint}\n`);
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('refuses a spec with errors (exit code 1) and a folder that is no project (exit code 2) before connecting', async () => {
    const broken = path.join(temp, 'broken');
    for (const [file, text] of Object.entries(PROJECT_FILES)) {
      mkdirSync(path.dirname(path.join(broken, file)), { recursive: true });
      writeFileSync(
        path.join(broken, file),
        text.replace(
          'message: OrderPlaced, producers: [orders], dead',
          'message: OrderPlacd, producers: [orders], dead',
        ),
      );
    }
    // Port 1 is never a Redis: reaching it would fail differently.
    const redis = ['--redis', 'redis://127.0.0.1:1'];
    const spec = await runCli(['events', 'dead-letters', 'order.placed', '-p', broken, ...redis]);
    expect(spec.stderr).toBe(
      `specfirst events dead-letters: the spec has errors, so its topics cannot be trusted\n  hint: run \`specfirst check ${broken}\` and fix them first\n`,
    );
    expect(spec.code).toBe(1);
    const none = await runCli(['events', 'replay', 'order.placed', '--all', '-p', temp, ...redis]);
    expect(none.stderr).toMatch(
      /^specfirst events replay: .*\n {2}hint: give the project folder with `--project <path>`/,
    );
    expect(none.code).toBe(2);
  });

  it('stops within its connect timeout when Redis is not there, saying where it looked and how to fix it', async () => {
    const port = await closedPort();
    const run = spawnSync(
      process.execPath,
      [BIN, 'events', 'dead-letters', 'order.placed', '-p', PROJECT, '--redis', `redis://:secret@127.0.0.1:${port}`],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 20_000 },
    );
    expect(run.signal, 'the command hung instead of giving up').toBeNull();
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      `specfirst events dead-letters: cannot reach Redis at redis://:***@127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
    expect(run.stderr).not.toContain('secret');
    expect(run.stderr).toContain(
      "hint: start Redis there, or point the command at the services' Redis with --redis <url> or REDIS_URL",
    );
    expect(run.status).toBe(1);
  });

  it('refuses a --redis that is not a Redis URL before connecting', async () => {
    const { code, stderr } = await runCli([
      'events',
      'dead-letters',
      'order.placed',
      '-p',
      PROJECT,
      '--redis',
      'http://x',
    ]);
    expect(stderr).toContain('`http://x/` (--redis) is not a Redis URL');
    expect(code).toBe(2);
  });
});

/** A port nothing listens on: one the system just gave out and that was closed again. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
