/**
 * What `specfirst events` shows of a dead-letter entry: its wire fields (`WIRE` and
 * `DEAD_LETTER_WIRE` of `@specfirst/spec-core/streams`) read back into named members, as text
 * lines or as JSON. Pure, so the command's wording is tested without a Redis.
 */
import { DEAD_LETTER_WIRE, WIRE } from '@specfirst/spec-core';
import type { Colors } from 'picocolors/types.js';
import { plural, printable } from './format.js';

/** A stream entry as the runtime's dead-letter API returns it. */
export interface RawEntry {
  id: string;
  fields: Readonly<Record<string, string>>;
}

/** One dead-letter entry, as `specfirst events dead-letters --format json` prints it. Absent fields are `null`. */
export interface DeadLetterJson {
  /** Its id in the dead-letter stream: what `specfirst events replay --id` takes. */
  entryId: string;
  /** The message id (`id` on the wire). */
  messageId: string | null;
  /** The consumer group (service) that dead-lettered it. */
  group: string | null;
  /** `handler` (failed on every delivery) or `poison` (undecodable or invalid on receive). */
  reason: string | null;
  /** Deliveries to its group before it was dead-lettered. */
  deliveries: number | null;
  /** The last error. */
  error: string | null;
  /** When it was dead-lettered (ISO 8601 when the wire holds a time the command can read, else as written). */
  at: string | null;
  /** The topic it was published on. */
  topic: string | null;
  /** Its entry id in the topic's stream. */
  originEntryId: string | null;
  /** The message as JSON text, exactly as on the wire (a poison message may not be JSON at all). */
  payload: string | null;
  /** Every field of the entry, as any Redis client sees them. */
  fields: Record<string, string>;
}

/** What `specfirst events dead-letters --format json` prints. */
export interface DeadLettersJson {
  topic: string;
  /** The topic's stream key (prefix included). */
  stream: string;
  /** The stream its dead-letter entries are in (prefix included). */
  deadLetterStream: string;
  /** `--service`, when given. */
  service: string | null;
  entries: DeadLetterJson[];
  /** The entry id to pass as `--start` for the entries after these; `null` when there are none. */
  next: string | null;
}

/** One entry `specfirst events replay` moved (or, with `--dry-run`, would move). */
export interface ReplayedJson {
  /** Its id in the dead-letter stream (gone from there once replayed). */
  entryId: string;
  messageId: string | null;
  /** The group (service) that alone handles the replayed entry; `null`: every group of the topic does. */
  group: string | null;
  /** Its new id on the topic's stream; `null` with `--dry-run`. */
  newEntryId: string | null;
}

/** What `specfirst events replay --format json` prints. */
export interface ReplayJson {
  topic: string;
  stream: string;
  deadLetterStream: string;
  dryRun: boolean;
  replayed: ReplayedJson[];
  /** Why the replay stopped before its end (Redis went away); `null` when it did not. */
  error: string | null;
}

/** Entries `specfirst events dead-letters` lists unless `--count` says otherwise. */
export const DEFAULT_DEAD_LETTER_COUNT = 20;

const field = (entry: RawEntry, name: string): string | null => entry.fields[name] ?? null;

/** The dead-letter time as ISO 8601 when it is milliseconds since 1970 or a date string; otherwise as written. */
export function readableTime(value: string | null): string | null {
  if (value === null) return null;
  const ms = /^\d{1,15}$/.test(value) ? Number(value) : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : value;
}

export function deadLetterJson(entry: RawEntry): DeadLetterJson {
  const deliveries = field(entry, DEAD_LETTER_WIRE.deliveries);
  return {
    entryId: entry.id,
    messageId: field(entry, WIRE.id),
    group: field(entry, DEAD_LETTER_WIRE.group),
    reason: field(entry, DEAD_LETTER_WIRE.reason),
    deliveries: deliveries !== null && /^\d+$/.test(deliveries) ? Number(deliveries) : null,
    error: field(entry, DEAD_LETTER_WIRE.error),
    at: readableTime(field(entry, DEAD_LETTER_WIRE.at)),
    topic: field(entry, DEAD_LETTER_WIRE.topic),
    originEntryId: field(entry, DEAD_LETTER_WIRE.entryId),
    payload: field(entry, WIRE.payload),
    fields: { ...entry.fields },
  };
}

/** Characters of a payload text output shows; `--format json` shows it whole. */
export const PAYLOAD_SHOWN = 200;

/** A payload on one line, cut after {@link PAYLOAD_SHOWN} characters, control characters escaped. */
export function shortPayload(payload: string | null): string {
  if (payload === null) return '(none)';
  const flat = payload.replace(/\r?\n\s*/g, ' ');
  const chars = [...flat];
  if (chars.length <= PAYLOAD_SHOWN) return printable(flat);
  return `${printable(chars.slice(0, PAYLOAD_SHOWN).join(''))}… (${chars.length} characters; \`--format json\` shows it whole)`;
}

/** The text lines of one entry: a heading line, then what failed and the message. */
export function deadLetterLines(entry: DeadLetterJson, c: Colors): string[] {
  const why =
    entry.reason === null
      ? 'no reason recorded'
      : entry.deliveries === null
        ? entry.reason
        : `${entry.reason} after ${plural(entry.deliveries, 'delivery', 'deliveries')}`;
  const heading = [c.bold(entry.entryId), entry.group ?? '(no group)', why, entry.at ?? '(no time)'];
  return [
    heading.map(printable).join('  '),
    `  ${c.dim('message')}  ${printable(entry.messageId ?? '(no id)')}`,
    `  ${c.dim('error  ')}  ${printable(entry.error ?? '(none)')}`,
    `  ${c.dim('payload')}  ${shortPayload(entry.payload)}`,
  ];
}

/** `dead-letters` in text: a summary line, then each entry, then how to see more. */
export function deadLettersText(report: DeadLettersJson, command: string, c: Colors): string[] {
  const of = `\`${report.topic}\`${report.service === null ? '' : ` for \`${report.service}\``}`;
  if (report.entries.length === 0)
    return [printable(`no dead-letter entries of ${of} in \`${report.deadLetterStream}\``)];
  const lines = [
    printable(
      `${plural(report.entries.length, 'dead-letter entry', 'dead-letter entries')} of ${of} in \`${report.deadLetterStream}\`${report.next === null ? '' : ' (more follow)'}`,
    ),
  ];
  for (const entry of report.entries) lines.push('', ...deadLetterLines(entry, c));
  if (report.next !== null) lines.push('', printable(`more: ${command} --start ${report.next}`));
  return lines;
}

/** `replay` in text: what moved (or would), where to, and for whom. */
export function replayText(report: ReplayJson, c: Colors): string[] {
  const verb = report.dryRun ? 'would replay' : 'replayed';
  const lines = [
    printable(
      `${verb} ${plural(report.replayed.length, 'dead-letter entry', 'dead-letter entries')} of \`${report.topic}\` from \`${report.deadLetterStream}\` onto \`${report.stream}\``,
    ),
  ];
  for (const r of report.replayed) {
    const to = r.newEntryId === null ? '' : ` → ${r.newEntryId}`;
    const who = r.group === null ? 'for every consuming service' : `for ${r.group}`;
    lines.push(printable(`  ${r.entryId}${to}  ${who}  (message ${r.messageId ?? 'without id'})`));
  }
  if (report.dryRun) lines.push(c.dim('dry run: nothing changed'));
  return lines;
}
