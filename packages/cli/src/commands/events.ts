/**
 * `specfirst events`: the operators' tools for a running system's events. `dead-letters` lists the
 * entries a topic's consumers gave up on; `replay` moves them back onto the topic's stream after a
 * fix. The topic, its streams and its consumers come from the project's IR; Redis is reached only
 * through the runtime's dead-letter API and its Redis broker, so keys and fields are the ones the
 * services use (`@specfirst/spec-core/streams`).
 */
import {
  DEAD_LETTER_WIRE,
  deadLetterStreamKey,
  didYouMean,
  hasErrors,
  loadProject,
  streamKey,
  type SpecIR,
  type IRTopic,
} from '@specfirst/spec-core';
import {
  listDeadLetters,
  replayDeadLetters,
  replayGroup,
  unhandledReplays,
  type EventBroker,
} from '@specfirst/runtime/events';
import { redisBroker } from '@specfirst/runtime/events/redis';
import { Redis } from 'ioredis';
import {
  DEFAULT_DEAD_LETTER_COUNT,
  deadLetterJson,
  deadLettersText,
  replayText,
  type DeadLettersJson,
  type RawEntry,
  type ReplayJson,
} from '../events-output.js';
import type { Output } from '../output.js';
import { DEFAULT_REDIS_URL, resolveRedisUrl, shownUrl } from '../redis-url.js';

export { DEFAULT_REDIS_URL };
/** How long connecting may take before the command gives up (no retries after that). */
export const CONNECT_TIMEOUT_MS = 3000;
/** How long one Redis command may take once connected. */
const COMMAND_TIMEOUT_MS = 10_000;
/** Entries read from the dead-letter stream at once. */
const PAGE = 500;
/** Dead-letter entries one run reads at most (a bound on every scan). */
const MAX_SCANNED = 1_000_000;
/** Entries one `replayDeadLetters` call moves. */
const REPLAY_BATCH = 500;
/** Entries one `replay --all` moves at most; more are refused with a hint. */
export const MAX_REPLAYED = 100_000;

const ENTRY_ID = /^\d+(-\d+)?$/;

export interface ConnectionOptions {
  project: string;
  redis?: string;
  prefix?: string;
}

export interface DeadLettersOptions extends ConnectionOptions {
  service?: string;
  count: number;
  start?: string;
  format: 'text' | 'json';
}

export interface ReplayOptions extends ConnectionOptions {
  service?: string;
  id?: string[];
  all: boolean;
  dryRun: boolean;
  format: 'text' | 'json';
}

/** A failure the command reports as `specfirst events <sub>: <message>` and `hint: <hint>`, with its exit code. */
class EventsError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** What the runtime's dead-letter API needs of a topic: its name, its dead-letter topic and its trim. */
type TopicRef = Pick<IRTopic, 'name' | 'deadLetter' | 'retention'>;

interface Target {
  topic: IRTopic;
  prefix: string;
  stream: string;
  deadLetterStream: string;
}

export async function deadLettersCommand(topicName: string, options: DeadLettersOptions, out: Output): Promise<number> {
  return run('dead-letters', out, async () => {
    const target = await resolveTarget(topicName, options);
    const start = options.start ?? '-';
    if (start !== '-' && !ENTRY_ID.test(start))
      throw new EventsError(
        `\`--start ${start}\` is not a stream entry id`,
        'give an id as `dead-letters` prints them (`1733600000000-0`), or leave `--start` out to list from the first entry',
        2,
      );
    return withBroker(options, async (broker) => {
      const { entries, next } = await scan(broker, target, start, options.count, belongsTo(target, options.service));
      const report: DeadLettersJson = {
        topic: target.topic.name,
        stream: target.stream,
        deadLetterStream: target.deadLetterStream,
        service: options.service ?? null,
        entries: entries.map(deadLetterJson),
        next,
      };
      if (options.format === 'json') out.stdout(JSON.stringify(report, null, 2));
      else for (const line of deadLettersText(report, again(topicName, options), out.colors)) out.stdout(line);
      return 0;
    });
  });
}

export async function replayCommand(topicName: string, options: ReplayOptions, out: Output): Promise<number> {
  return run('replay', out, async () => {
    const ids = options.id ?? [];
    if (ids.length === 0 && !options.all)
      throw new EventsError(
        'name the dead-letter entries to replay with `--id`, or pass `--all` to replay every one',
        `\`specfirst events dead-letters ${topicName}\` lists them with their ids`,
        2,
      );
    for (const id of ids)
      if (!ENTRY_ID.test(id))
        throw new EventsError(
          `\`--id ${id}\` is not a stream entry id`,
          `give ids as \`specfirst events dead-letters ${topicName}\` prints them (\`1733600000000-0\`)`,
          2,
        );
    const target = await resolveTarget(topicName, options);
    return withBroker(options, async (broker) => {
      const chosen = options.all ? await everyEntry(broker, target, options.service) : await byIds(broker, target, ids);
      const consumers = target.topic.consumers;
      if (options.service !== undefined) {
        // An entry of another current consumer is that service's to replay; one of a service that
        // consumes the topic no more (renamed, removed) may be given to `--service`.
        const other = chosen.find((e) => {
          const group = groupOf(e);
          return group !== undefined && group !== options.service && consumers.includes(group);
        });
        if (other !== undefined)
          throw new EventsError(
            `dead-letter entry ${other.id} was dead-lettered by \`${groupOf(other)}\`, not by \`${options.service}\`; nothing was replayed`,
            `replay it for its own service (\`--service ${groupOf(other)}\`), or leave \`--service\` out to replay each entry for the service that failed it`,
            2,
          );
      }
      // The runtime's rule: each entry goes to its own group (or `--service`); refused when no
      // service that consumes the topic now would handle it (every group would acknowledge it unseen).
      const unhandled = unhandledReplays(chosen, { group: options.service, consumers });
      if (unhandled.length > 0) throw unhandledError(target, unhandled, consumers);
      const report: ReplayJson = {
        topic: target.topic.name,
        stream: target.stream,
        deadLetterStream: target.deadLetterStream,
        dryRun: options.dryRun,
        replayed: [],
        error: null,
      };
      const print = (): void => {
        if (options.format === 'json') out.stdout(JSON.stringify(report, null, 2));
        else for (const line of replayText(report, out.colors)) out.stdout(line);
      };
      // Each entry is replayed for the group that failed it (or `--service`); one without a group for
      // every group: the runtime's default (`replayGroup`), with the spec's consumers as the check.
      try {
        for (let i = 0; i < chosen.length; i += REPLAY_BATCH) {
          const batch = chosen.slice(i, i + REPLAY_BATCH);
          const moved = options.dryRun
            ? new Map(batch.map((e) => [e.id, { to: null, group: replayGroup(e.fields, options.service) }]))
            : await replayed(broker, target, batch, options.service);
          for (const entry of batch) {
            const done = moved.get(entry.id);
            if (done === undefined) continue;
            report.replayed.push({
              entryId: entry.id,
              messageId: deadLetterJson(entry).messageId,
              group: done.group ?? null,
              newEntryId: done.to,
            });
          }
        }
      } catch (error) {
        report.error = (error as Error).message;
        if (options.format === 'json') print();
        else if (report.replayed.length > 0) print();
        throw error;
      }
      if (report.replayed.length === 0 && options.format === 'text') {
        out.stdout(`no dead-letter entries of \`${target.topic.name}\` to replay in \`${target.deadLetterStream}\``);
        return 0;
      }
      print();
      return 0;
    });
  });
}

/** Runs a subcommand, turning its failures into a message, a hint and an exit code. */
async function run(sub: string, out: Output, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof EventsError)) throw error;
    out.stderr(`specfirst events ${sub}: ${error.message}`);
    out.stderr(`  ${out.colors.cyan('hint:')} ${error.hint}`);
    return error.exitCode;
  }
}

/** The topic named on the command line, from the project's IR; the service, when given, must consume it. */
async function resolveTarget(topicName: string, options: ConnectionOptions & { service?: string }): Promise<Target> {
  const result = await loadProject(options.project, { cache: false });
  if (result.usageError)
    throw new EventsError(
      result.diagnostics[0]?.message ?? 'nothing to load',
      'give the project folder with `--project <path>` (the folder that holds specfirst.yaml)',
      2,
    );
  if (hasErrors(result.diagnostics))
    throw new EventsError(
      'the spec has errors, so its topics cannot be trusted',
      `run \`specfirst check ${options.project}\` and fix them first`,
      1,
    );
  const topic = result.ir.topics.find((t) => t.name === topicName);
  if (topic === undefined)
    throw new EventsError(
      `no topic \`${topicName}\` in the spec`,
      `${didYouMean(
        topicName,
        result.ir.topics.map((t) => t.name),
        'topic',
      )} (topics are declared in spec/events.yaml)`,
      2,
    );
  if (options.service !== undefined) checkService(result.ir, topic, options.service);
  const prefix = options.prefix ?? '';
  return { topic, prefix, stream: streamKey(topic, prefix), deadLetterStream: deadLetterStreamKey(topic, prefix) };
}

function checkService(ir: SpecIR, topic: IRTopic, service: string): void {
  const services = ir.services.map((s) => s.name);
  if (!services.includes(service))
    throw new EventsError(`no service \`${service}\` in the spec`, didYouMean(service, services, 'service'), 2);
  if (!topic.consumers.includes(service)) {
    const consumers = topic.consumers.map((s) => `\`${s}\``).join(', ');
    throw new EventsError(
      `\`${service}\` does not consume \`${topic.name}\`, so it has no dead-letter entries of it`,
      topic.consumers.length === 0
        ? `no service consumes \`${topic.name}\`; list it under \`consumes.topics\` of a service in spec/services.yaml`
        : `its consumers are ${consumers}; or list \`${topic.name}\` under \`consumes.topics\` of \`${service}\` in spec/services.yaml`,
      2,
    );
  }
}

/** The URL to connect to, checked; the error says where it came from. */
function redisUrl(options: ConnectionOptions): URL {
  const url = resolveRedisUrl(options.redis);
  if (!(url instanceof URL)) throw new EventsError(url.message, url.hint, 2);
  return url;
}

const shown = shownUrl;

/**
 * Connects once, with a bounded timeout and no retries (an operator's command must fail fast, not
 * wait for a Redis that is not there), runs `body` with a broker on that connection, and closes it.
 */
async function withBroker(options: ConnectionOptions, body: (broker: EventBroker) => Promise<number>): Promise<number> {
  const url = redisUrl(options);
  const redis = new Redis(url.toString(), {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // How long closing may wait for the socket before it is destroyed (ioredis waits 2 s, which the
    // process would sit through before exiting).
    disconnectTimeout: 200,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Failures are reported by the commands that meet them; without a listener ioredis would print them
  // too. The first one says why connecting failed (`connect()` itself only says the connection closed).
  let first: Error | undefined;
  redis.on('error', (error: Error) => (first ??= error));
  try {
    try {
      await redis.connect();
      await redis.ping();
    } catch (error) {
      throw unreachable(url, first ?? (error as Error));
    }
    const broker = redisBroker(redis);
    try {
      return await body(broker);
    } catch (error) {
      if (error instanceof EventsError) throw error;
      const { message, hint } = error as Error & { hint?: unknown };
      // The runtime's errors (SFR…) say what went wrong and how to fix it; their message ends with the hint.
      if (typeof hint === 'string' && hint !== '')
        throw new EventsError(
          `Redis at ${shown(url)}: ${message.endsWith(`; ${hint}`) ? message.slice(0, -hint.length - 2) : message}`,
          hint,
          1,
        );
      throw new EventsError(
        `Redis at ${shown(url)} failed: ${(error as Error).message}`,
        'check that Redis is up and reachable, then run the command again (a replay moves each entry atomically: what it printed has moved, the rest is still dead-lettered)',
        1,
      );
    }
  } finally {
    redis.disconnect();
  }
}

function unreachable(url: URL, error: Error): EventsError {
  const message = error.message;
  if (/NOAUTH|WRONGPASS|AUTH/i.test(message))
    return new EventsError(
      `Redis at ${shown(url)} refused the credentials: ${message}`,
      'give the user and password in the URL: --redis redis://user:password@host:port (or REDIS_URL)',
      1,
    );
  return new EventsError(
    `cannot reach Redis at ${shown(url)}: ${message}`,
    `start Redis there, or point the command at the services' Redis with --redis <url> or REDIS_URL (default ${DEFAULT_REDIS_URL})`,
    1,
  );
}

const groupOf = (entry: RawEntry): string | undefined => entry.fields[DEAD_LETTER_WIRE.group];

/**
 * Whether a dead-letter entry belongs to the topic (a declared dead-letter topic may collect the
 * entries of several topics; an entry that does not say where it came from is kept) and, with
 * `service`, to that service's group.
 */
function belongsTo(target: Target, service: string | undefined): (entry: RawEntry) => boolean {
  return (entry) => {
    const origin = entry.fields[DEAD_LETTER_WIRE.topic];
    if (origin !== undefined && origin !== target.topic.name) return false;
    const group = groupOf(entry);
    return service === undefined || group === undefined || group === service;
  };
}

/**
 * Up to `want` entries of the dead-letter stream from `start` on that `match` keeps, and the id to
 * go on from (`null`: the stream has no more). Reads pages through the runtime's API; bounded by
 * {@link MAX_SCANNED} entries.
 */
async function scan(
  broker: EventBroker,
  target: Target,
  start: string,
  want: number,
  match: (entry: RawEntry) => boolean,
): Promise<{ entries: RawEntry[]; next: string | null }> {
  const found: RawEntry[] = [];
  let from = start;
  let seen: string | undefined;
  for (let scanned = 0; scanned < MAX_SCANNED;) {
    const page = await deadLetters(broker, target, from, PAGE);
    // `start` is inclusive: the last entry of the previous page comes again first.
    const fresh = seen === undefined ? page : page.filter((e) => e.id !== seen);
    for (const entry of fresh) {
      if (!match(entry)) continue;
      if (found.length === want) return { entries: found, next: entry.id };
      found.push(entry);
    }
    scanned += fresh.length;
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return { entries: found, next: null };
    seen = last.id;
    from = last.id;
  }
  return { entries: found, next: from };
}

async function everyEntry(broker: EventBroker, target: Target, service: string | undefined): Promise<RawEntry[]> {
  const { entries, next } = await scan(broker, target, '-', MAX_REPLAYED, belongsTo(target, service));
  if (next !== null)
    throw new EventsError(
      `more than ${MAX_REPLAYED} dead-letter entries to replay; nothing was replayed`,
      'replay them in parts: per service with --service, or by id with --id',
      2,
    );
  return entries;
}

/** The entries with these ids, in the order given; every one must be a dead-letter entry of the topic. */
async function byIds(broker: EventBroker, target: Target, ids: readonly string[]): Promise<RawEntry[]> {
  const entries: RawEntry[] = [];
  for (const id of new Set(ids)) {
    const [entry] = await deadLetters(broker, target, id, 1);
    if (entry === undefined || entry.id !== id)
      throw new EventsError(
        `no dead-letter entry ${id} in \`${target.deadLetterStream}\`; nothing was replayed`,
        `\`specfirst events dead-letters ${target.topic.name}\` lists the entries there (an entry replayed already is gone)`,
        1,
      );
    if (!belongsTo(target, undefined)(entry))
      throw new EventsError(
        `dead-letter entry ${id} is of \`${entry.fields[DEAD_LETTER_WIRE.topic]}\`, not of \`${target.topic.name}\`; nothing was replayed`,
        `replay it as an entry of its own topic: specfirst events replay ${entry.fields[DEAD_LETTER_WIRE.topic]} --id ${id}`,
        2,
      );
    entries.push(entry);
  }
  return entries;
}

/** `listDeadLetters`, its entries as {@link RawEntry}. */
async function deadLetters(broker: EventBroker, target: Target, start: string, count: number): Promise<RawEntry[]> {
  const entries = await listDeadLetters(broker, topicRef(target.topic), { prefix: target.prefix, count, start });
  return entries.map((e) => ({ id: e.id, fields: e.fields }));
}

/** Moves `entries` back, each for its own group or `group`; returns where each one moved went, and for whom. */
async function replayed(
  broker: EventBroker,
  target: Target,
  entries: readonly RawEntry[],
  group: string | undefined,
): Promise<Map<string, { to: string | null; group: string | undefined }>> {
  const result = await replayDeadLetters(broker, topicRef(target.topic), {
    prefix: target.prefix,
    ids: entries.map((e) => e.id),
    consumers: target.topic.consumers,
    ...(group === undefined ? {} : { group }),
  });
  return new Map(result.map((r) => [r.from, { to: r.to, group: r.group }]));
}

/** Entries no service that consumes the topic now would handle: refused, with the way to replay them. */
function unhandledError(
  target: Target,
  unhandled: readonly { id: string; group: string | undefined }[],
  consumers: readonly string[],
): EventsError {
  const named = unhandled
    .slice(0, 5)
    .map(({ id, group }) => `${id} (${group === undefined ? 'for every service' : `of \`${group}\``})`)
    .join(', ');
  const more = unhandled.length > 5 ? ` and ${unhandled.length - 5} more` : '';
  const problem =
    `dead-letter entr${unhandled.length === 1 ? 'y' : 'ies'} ${named}${more} would be replayed for no service that consumes ` +
    `\`${target.topic.name}\` now, so every service would acknowledge ${unhandled.length === 1 ? 'it' : 'them'} unseen; nothing was replayed`;
  const ids = unhandled
    .slice(0, 5)
    .map((u) => `--id ${u.id}`)
    .join(' ');
  return new EventsError(
    problem,
    consumers.length === 0
      ? `no service consumes \`${target.topic.name}\`; list it under \`consumes.topics\` of a service in spec/services.yaml`
      : `its consumers are ${consumers.map((c) => `\`${c}\``).join(', ')} (a renamed service? replay for its new name): ` +
          `specfirst events replay ${target.topic.name} --service ${consumers[0]} ${ids}`,
    1,
  );
}

function topicRef(topic: IRTopic): TopicRef {
  return {
    name: topic.name,
    ...(topic.deadLetter === undefined ? {} : { deadLetter: topic.deadLetter }),
    ...(topic.retention === undefined ? {} : { retention: topic.retention }),
  };
}

/** The command line that lists the same entries again (for "more: … --start <id>"). */
function again(topic: string, options: DeadLettersOptions): string {
  const parts = ['specfirst events dead-letters', topic];
  if (options.project !== '.') parts.push('--project', options.project);
  if (options.redis !== undefined) parts.push('--redis', shown(options.redis));
  if (options.prefix !== undefined) parts.push('--prefix', options.prefix);
  if (options.service !== undefined) parts.push('--service', options.service);
  if (options.count !== DEFAULT_DEAD_LETTER_COUNT) parts.push('--count', String(options.count));
  return parts.join(' ');
}
