/**
 * Operators' tools for a topic's dead-letter stream (default `<topic>:dead-letter`): list what is
 * there and why, and replay entries back to the topic's stream after a fix. A replay moves an entry
 * atomically (add to the topic's stream, delete from the dead-letter stream), so it is neither lost
 * nor doubled. An entry is replayed for the group that dead-lettered it (its `dead-letter-group`), or
 * for the `group` asked for: it carries `replay-for`, and the other consumer groups of the topic
 * acknowledge it without handling it, so a fix to one service does not repeat the others' work. Only
 * an entry that names no group (written by hand) goes to every group.
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
  /**
   * Replay every entry for this consumer group (service), whichever group dead-lettered it; the
   * other groups acknowledge the entries unseen. Absent: each entry for the group that dead-lettered
   * it (`dead-letter-group`), an entry that names none for every group.
   */
  group?: string;
  /**
   * The groups that consume the topic now (an IR topic's `consumers`). Given, an entry that would be
   * replayed for a group not among them (a renamed or removed service: every group would acknowledge
   * it unseen) throws SFR4011 before anything moves.
   */
  consumers?: readonly string[];
  /** Without `ids`: at most this many (default 1000). */
  count?: number;
}

export interface Replayed {
  /** The dead-letter entry's id. */
  from: string;
  /** The new entry's id on the topic's stream. */
  to: string;
  /** The group it was replayed for; absent: every group of the topic. */
  group?: string;
}

/**
 * The group a dead-letter entry is replayed for: `group` when given, else the group that
 * dead-lettered it; `undefined` (every group) for an entry that names none.
 */
export function replayGroup(fields: EntryFields, group?: string): string | undefined {
  return group ?? fields[DEAD_LETTER_WIRE.group];
}

/**
 * The entries that no current consumer would handle if replayed (for {@link replayGroup}): their group
 * is not in `consumers`, or they go to every group and the topic has no consumers. Empty without
 * `consumers`.
 */
export function unhandledReplays(
  entries: readonly { id: string; fields: EntryFields }[],
  options: { group?: string | undefined; consumers?: readonly string[] | undefined },
): { id: string; group: string | undefined }[] {
  const consumers = options.consumers;
  if (consumers === undefined) return [];
  const unhandled: { id: string; group: string | undefined }[] = [];
  for (const entry of entries) {
    const group = replayGroup(entry.fields, options.group);
    if (group === undefined ? consumers.length === 0 : !consumers.includes(group))
      unhandled.push({ id: entry.id, group });
  }
  return unhandled;
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
 * Moves dead-letter entries of `topic` back to its stream, each in one atomic step, each for the group
 * that dead-lettered it (or `group`). With `ids`, an id that is not a dead-letter entry of this topic
 * throws SFR4006 before anything moves; with `consumers`, so does an entry no current consumer would
 * handle (SFR4011). An entry that someone else replayed meanwhile is skipped. Returns what moved where.
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
  const unhandled = unhandledReplays(chosen, options);
  if (unhandled.length > 0) {
    const consumers = options.consumers ?? [];
    const named = unhandled
      .map(({ id, group }) => `${id} (${group === undefined ? 'every group' : `group \`${group}\``})`)
      .join(', ');
    throw new SpecFirstRuntimeError(
      'SFR4011',
      `dead-letter entr${unhandled.length === 1 ? 'y' : 'ies'} ${named} of topic \`${topic.name}\` would be replayed for no group that consumes it now, so every group would acknowledge ${unhandled.length === 1 ? 'it' : 'them'} unseen; nothing was replayed`,
      consumers.length === 0
        ? 'no group consumes the topic now; add a consumer, or leave the entries dead-lettered'
        : `its consumers are ${consumers.map((c) => `\`${c}\``).join(', ')}; replay for one of them with \`group\` (a renamed service: its new name), or leave the entries dead-lettered`,
    );
  }
  const replayed: Replayed[] = [];
  for (const entry of chosen) {
    const group = replayGroup(entry.fields, options.group);
    const to = await broker.move(deadStream, entry.id, target, replayFields(entry.fields, group), topic.retention);
    if (to !== undefined) replayed.push(group === undefined ? { from: entry.id, to } : { from: entry.id, to, group });
  }
  return replayed;
}
