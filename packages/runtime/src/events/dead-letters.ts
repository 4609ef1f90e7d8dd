/**
 * Operators' tools for a topic's dead-letter stream (default `<topic>:dead-letter`): list what is
 * there and why, and replay entries back to the topic's stream after a fix. A replay moves an entry
 * atomically (add to the topic's stream, delete from the dead-letter stream), so it is neither lost
 * nor doubled. Replayed for one `group`, the entry carries `replay-for`: the other consumer groups
 * of the topic acknowledge it without handling it, so a fix to one service does not repeat the
 * others' work.
 */
import { DEAD_LETTER_WIRE, deadLetterStreamKey, streamKey, WIRE } from '@specfirst/spec-core/streams';
import { SpecFirstRuntimeError } from '../errors.js';
import type { EntryFields, EventBroker } from './broker.js';
import type { TopicDefinition } from './types.js';

/** The topic as these tools need it (an IR topic fits too). */
export type DeadLetterTopic = Pick<TopicDefinition, 'name' | 'deadLetter'> &
  Partial<Pick<TopicDefinition, 'retention'>>;

export interface DeadLetter {
  /** The id of the dead-letter entry. */
  id: string;
  /** Every field of the entry: the original ones and the `dead-letter-*` ones. */
  fields: EntryFields;
  error?: string;
  reason?: string;
  deliveries?: number;
  /** The topic the entry came from. */
  topic?: string;
  /** Its entry id on the topic's stream. */
  entryId?: string;
  /** The consumer group (service) that gave up on it. */
  group?: string;
  at?: string;
  /** The message id (`id`). */
  messageId?: string;
}

export interface ListDeadLettersOptions {
  prefix?: string;
  /** At most this many (default 100). */
  count?: number;
  /** The first id to list (default `-`, the oldest); page on with `(` + the last id listed. */
  start?: string;
}

const PAGE = 100;
/** The most entries one list or replay call scans, so that a huge shared stream cannot keep it busy. */
const MAX_SCANNED = 100_000;

function deadLetterOf(id: string, fields: EntryFields): DeadLetter {
  const letter: DeadLetter = { id, fields };
  const set = <K extends keyof DeadLetter>(key: K, value: DeadLetter[K] | undefined) => {
    if (value !== undefined) letter[key] = value;
  };
  set('error', fields[DEAD_LETTER_WIRE.error]);
  set('reason', fields[DEAD_LETTER_WIRE.reason]);
  const deliveries = Number(fields[DEAD_LETTER_WIRE.deliveries]);
  set('deliveries', Number.isSafeInteger(deliveries) ? deliveries : undefined);
  set('topic', fields[DEAD_LETTER_WIRE.topic]);
  set('entryId', fields[DEAD_LETTER_WIRE.entryId]);
  set('group', fields[DEAD_LETTER_WIRE.group]);
  set('at', fields[DEAD_LETTER_WIRE.at]);
  set('messageId', fields[WIRE.id]);
  return letter;
}

/** A dead-letter stream may be shared by several topics (a declared `deadLetter`): only this topic's entries count. */
function belongsTo(fields: EntryFields, topic: DeadLetterTopic): boolean {
  const origin = fields[DEAD_LETTER_WIRE.topic];
  return origin === undefined || origin === topic.name;
}

/** Scans the dead-letter stream from `start`, oldest first, yielding this topic's entries. */
async function* scan(broker: EventBroker, topic: DeadLetterTopic, prefix: string, start: string) {
  const stream = deadLetterStreamKey(topic, prefix);
  let from = start;
  for (let scanned = 0; scanned < MAX_SCANNED;) {
    const page = await broker.range(stream, from, '+', PAGE);
    for (const entry of page) if (belongsTo(entry.fields, topic)) yield entry;
    scanned += page.length;
    if (page.length < PAGE) return;
    from = `(${page.at(-1)!.id}`;
  }
}

/** The dead-letter entries of `topic`, oldest first. */
export async function listDeadLetters(
  broker: EventBroker,
  topic: DeadLetterTopic,
  options: ListDeadLettersOptions = {},
): Promise<DeadLetter[]> {
  const count = options.count ?? 100;
  const letters: DeadLetter[] = [];
  if (count <= 0) return letters;
  for await (const entry of scan(broker, topic, options.prefix ?? '', options.start ?? '-')) {
    letters.push(deadLetterOf(entry.id, entry.fields));
    if (letters.length >= count) break;
  }
  return letters;
}

export interface ReplayDeadLettersOptions {
  prefix?: string;
  /** The dead-letter entries to replay; absent: all of the topic's (up to `count`). */
  ids?: readonly string[];
  /** Replay for this consumer group (service) only; the other groups acknowledge the entries unseen. */
  group?: string;
  /** Without `ids`: at most this many (default 1000). */
  count?: number;
}

export interface Replayed {
  /** The dead-letter entry's id. */
  from: string;
  /** The new entry's id on the topic's stream. */
  to: string;
}

/** The fields a replayed entry carries: the original ones, without `dead-letter-*`, `replay-for` set for `group`. */
export function replayFields(fields: EntryFields, group?: string): EntryFields {
  const dead = new Set<string>(Object.values(DEAD_LETTER_WIRE));
  const replayed: EntryFields = {};
  for (const [name, value] of Object.entries(fields))
    if (!dead.has(name) && name !== WIRE.replayFor) replayed[name] = value;
  if (group !== undefined) replayed[WIRE.replayFor] = group;
  return replayed;
}

/**
 * Moves dead-letter entries of `topic` back to its stream, each in one atomic step. With `ids`, an id
 * that is not a dead-letter entry of this topic throws SFR4006 before anything moves; an entry that
 * someone else replayed meanwhile is skipped. Returns what moved where.
 */
export async function replayDeadLetters(
  broker: EventBroker,
  topic: DeadLetterTopic,
  options: ReplayDeadLettersOptions = {},
): Promise<Replayed[]> {
  const prefix = options.prefix ?? '';
  const deadStream = deadLetterStreamKey(topic, prefix);
  const target = streamKey(topic, prefix);
  const chosen: { id: string; fields: EntryFields }[] = [];
  if (options.ids !== undefined) {
    const missing: string[] = [];
    for (const id of options.ids) {
      const [entry] = await broker.range(deadStream, id, id, 1);
      if (entry === undefined || !belongsTo(entry.fields, topic)) missing.push(id);
      else chosen.push(entry);
    }
    if (missing.length > 0)
      throw new SpecFirstRuntimeError(
        'SFR4006',
        `no dead-letter entry ${missing.join(', ')} of topic \`${topic.name}\` in stream \`${deadStream}\``,
        'list them with listDeadLetters (or `specfirst events`) and pass ids from that list; nothing was replayed',
      );
  } else {
    const count = options.count ?? 1000;
    for await (const entry of scan(broker, topic, prefix, '-')) {
      if (chosen.length >= count) break;
      chosen.push(entry);
    }
  }
  const replayed: Replayed[] = [];
  for (const entry of chosen) {
    const to = await broker.move(
      deadStream,
      entry.id,
      target,
      replayFields(entry.fields, options.group),
      topic.retention,
    );
    if (to !== undefined) replayed.push({ from: entry.id, to });
  }
  return replayed;
}
