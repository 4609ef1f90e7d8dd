/**
 * `spec/events.yaml` (topics) and `spec/tasks.yaml` (background tasks). Parsed and checked now;
 * code generation for Redis Streams and BullMQ builds on these IR nodes later.
 */
import { type BuildContext, locBelow } from '../../load/context.js';
import { compareStrings } from '../../diagnostics/diagnostics.js';
import type { IRLocation, IRRetryPolicy, IRService, IRTask, IRTopic } from '../../ir/ir.js';
import { diagnosticAt, diagnosticAtLoc, irLoc } from '../../diagnostics/location.js';
import { methodIdentifierFor, NAME_PATTERNS, toCamelCase, toPascalCase } from '../../util/names.js';
import { isRecord, stringList } from '../../util/records.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import { joinPointer } from '../../util/json-pointer.js';
import type { SourceFile } from '../../yaml/source-file.js';

export const DEFAULT_TOPIC_RETRY: IRRetryPolicy = { attempts: 5, backoff: 'exponential', delayMs: 1000 };
/** Defaults of the delivery keys of a topic (docs/spec-format.md, `spec/events.yaml`). */
export const TOPIC_DEFAULTS = { version: 1, claimAfterMs: 30_000, startFrom: 'beginning', concurrency: 1 } as const;
export const DEFAULT_TASK_RETRY: IRRetryPolicy = { attempts: 3, backoff: 'exponential', delayMs: 1000 };

function readRetry(raw: unknown, defaults: IRRetryPolicy): IRRetryPolicy {
  const retry: IRRetryPolicy = { ...defaults };
  if (!isRecord(raw)) return retry;
  if (typeof raw.attempts === 'number') retry.attempts = raw.attempts;
  if (raw.backoff === 'fixed' || raw.backoff === 'exponential') retry.backoff = raw.backoff;
  if (typeof raw.delayMs === 'number') retry.delayMs = raw.delayMs;
  if (typeof raw.maxDelayMs === 'number') retry.maxDelayMs = raw.maxDelayMs;
  return retry;
}

export function readTopics(source: SourceFile | undefined): IRTopic[] {
  const doc = source && isRecord(source.value) && isRecord(source.value.topics) ? source.value.topics : {};
  const topics: IRTopic[] = [];
  for (const [name, raw] of Object.entries(doc)) {
    if (!isRecord(raw) || !source || !NAME_PATTERNS.topic.test(name)) continue;
    const topic: IRTopic = {
      name,
      identifier: toPascalCase(name),
      message: typeof raw.message === 'string' ? raw.message : '',
      version: typeof raw.version === 'number' ? raw.version : TOPIC_DEFAULTS.version,
      producers: stringList(raw.producers),
      consumers: stringList(raw.consumers),
      retry: readRetry(raw.retry, DEFAULT_TOPIC_RETRY),
      claimAfterMs: typeof raw.claimAfterMs === 'number' ? raw.claimAfterMs : TOPIC_DEFAULTS.claimAfterMs,
      startFrom: raw.startFrom === 'new' ? 'new' : TOPIC_DEFAULTS.startFrom,
      concurrency: typeof raw.concurrency === 'number' ? raw.concurrency : TOPIC_DEFAULTS.concurrency,
      loc: irLoc(source, joinPointer('/topics', name)),
    };
    if (isRecord(raw.retention)) {
      if (typeof raw.retention.maxLength === 'number') topic.retention = { maxLength: raw.retention.maxLength };
      else if (typeof raw.retention.maxAgeMs === 'number') topic.retention = { maxAgeMs: raw.retention.maxAgeMs };
    }
    if (typeof raw.orderingKey === 'string') topic.orderingKey = raw.orderingKey;
    if (typeof raw.idempotencyKey === 'string') topic.idempotencyKey = raw.idempotencyKey;
    if (typeof raw.description === 'string') topic.description = raw.description;
    if (typeof raw.deadLetter === 'string') topic.deadLetter = raw.deadLetter;
    topics.push(topic);
  }
  return topics.sort((a, b) => compareStrings(a.name, b.name));
}

export function readTasks(ctx: BuildContext, source: SourceFile | undefined): IRTask[] {
  const doc = source && isRecord(source.value) && isRecord(source.value.tasks) ? source.value.tasks : {};
  const tasks: IRTask[] = [];
  for (const [name, raw] of Object.entries(doc)) {
    if (!isRecord(raw) || !source || !NAME_PATTERNS.task.test(name)) continue;
    const pointer = joinPointer('/tasks', name);
    const task: IRTask = {
      name,
      identifier: methodIdentifierFor(name) ?? toCamelCase(name),
      worker: typeof raw.worker === 'string' ? raw.worker : '',
      args: typeof raw.args === 'string' ? raw.args : '',
      retry: readRetry(raw.retry, DEFAULT_TASK_RETRY),
      loc: irLoc(source, pointer),
    };
    if (methodIdentifierFor(name) === undefined) {
      ctx.diagnostics.push(
        diagnosticAt(
          source,
          pointer,
          {
            code: 'SF2005',
            message: `task name \`${name}\` would shadow a built-in member of every JavaScript object`,
            hint: `rename it, e.g. \`${name}Task\``,
          },
          'key',
        ),
      );
      continue; // like an operation of that name, it stays out of the IR
    }
    if (typeof raw.result === 'string') task.result = raw.result;
    if (typeof raw.description === 'string') task.description = raw.description;
    if (typeof raw.timeoutMs === 'number') task.timeoutMs = raw.timeoutMs;
    if (typeof raw.schedule === 'string') {
      task.schedule = raw.schedule;
      const problem = cronProblem(raw.schedule);
      if (problem) {
        ctx.diagnostics.push(
          diagnosticAt(source, joinPointer(pointer, 'schedule'), {
            code: 'SF5004',
            message: `schedule \`${raw.schedule}\` is not a valid cron expression: ${problem}`,
            hint: 'use 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, e.g. `0 3 * * *`',
          }),
        );
      }
    }
    tasks.push(task);
  }
  return tasks.sort((a, b) => compareStrings(a.name, b.name));
}

/** The chain of topics from `topic` back to itself through `deadLetter`, if there is one. */
function deadLetterLoop(topic: IRTopic, topics: IRTopic[]): string[] | undefined {
  const chain = [topic.name];
  for (let next = topic.deadLetter; next !== undefined; next = topics.find((t) => t.name === next)?.deadLetter) {
    if (next === topic.name) return chain;
    if (chain.includes(next)) return undefined; // a loop further on; reported at its own topics
    chain.push(next);
  }
  return undefined;
}

/** Checks the model and service names that topics and tasks refer to. */
export function checkMessaging(ctx: BuildContext, topics: IRTopic[], tasks: IRTask[], services: IRService[]): void {
  const serviceNames = services.map((s) => s.name);
  const topicNames = topics.map((t) => t.name);
  const at = (loc: IRLocation, key: string, index?: number): IRLocation =>
    index === undefined ? locBelow(ctx, loc, key) : locBelow(ctx, loc, key, index);
  const checkService = (name: string, loc: IRLocation, role: string): IRService | undefined => {
    const service = services.find((s) => s.name === name);
    if (!service && !ctx.unparsed.services)
      ctx.diagnostics.push(
        diagnosticAtLoc(loc, {
          code: 'SF4001',
          message: `unknown service \`${name}\` ${role}`,
          hint: didYouMean(name, serviceNames, 'service'),
        }),
      );
    return service;
  };

  for (const topic of topics) {
    if (topic.message !== '') ctx.models.checkReference(topic.message, at(topic.loc, 'message'), ctx.diagnostics);
    topic.producers.forEach((p, i) =>
      checkService(p, at(topic.loc, 'producers', i), `as producer of \`${topic.name}\``),
    );
    topic.consumers.forEach((c, i) =>
      checkService(c, at(topic.loc, 'consumers', i), `as consumer of \`${topic.name}\``),
    );
    if (topic.deadLetter !== undefined) {
      const loop = deadLetterLoop(topic, topics);
      if (loop) {
        const message =
          loop.length === 1
            ? `topic \`${topic.name}\` is its own dead-letter topic`
            : `dead-letter topics loop: ${[...loop, topic.name].map((t) => `\`${t}\``).join(' → ')}`;
        ctx.diagnostics.push(
          diagnosticAtLoc(at(topic.loc, 'deadLetter'), {
            code: 'SF5005',
            message,
            hint: `failed messages would circle forever; end the chain with a topic that has no \`deadLetter\`, e.g. \`${topic.name}.dead\``,
          }),
        );
      } else if (!topicNames.includes(topic.deadLetter)) {
        // The topic itself is never a good suggestion: that would be a loop.
        const candidates = topicNames.filter((t) => t !== topic.name);
        const hint =
          candidates.length > 0
            ? didYouMean(topic.deadLetter, candidates, 'topic')
            : `declare \`${topic.deadLetter}\` under \`topics\``;
        ctx.diagnostics.push(
          diagnosticAtLoc(at(topic.loc, 'deadLetter'), {
            code: 'SF5001',
            message: `unknown dead-letter topic \`${topic.deadLetter}\``,
            hint,
          }),
        );
      }
    }
  }
  for (const task of tasks) {
    if (task.args !== '') ctx.models.checkReference(task.args, at(task.loc, 'args'), ctx.diagnostics);
    if (task.result !== undefined) ctx.models.checkReference(task.result, at(task.loc, 'result'), ctx.diagnostics);
    const worker =
      task.worker === ''
        ? undefined
        : checkService(task.worker, at(task.loc, 'worker'), `as worker of \`${task.name}\``);
    if (worker && worker.type !== 'worker') {
      ctx.diagnostics.push(
        diagnosticAtLoc(at(task.loc, 'worker'), {
          code: 'SF5003',
          message: `task \`${task.name}\` runs on \`${worker.name}\`, which is an http service`,
          hint: 'tasks run on services of `type: worker`',
        }),
      );
    }
  }
}

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names standing for `min`, `min + 1`, ... (`JAN` is month 1, `SUN` is day 0). */
  names?: readonly string[];
  /** Forms beyond values and ranges that BullMQ's cron-parser accepts in this field (`L`, `5#2`). */
  special?: RegExp;
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const CRON_SECOND: CronField = { name: 'second', min: 0, max: 59 };
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, special: /^L$/i },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  {
    name: 'day of week',
    min: 0,
    max: 7,
    names: DAY_NAMES,
    special: new RegExp(`^(L|([0-7]|${DAY_NAMES.join('|')})(L|#[1-5]))$`, 'i'),
  },
];

/** Why `expression` is not a cron expression BullMQ can run, or undefined when it is one. */
function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return `expected 5 or 6 fields, found ${parts.length}`;
  const fields = parts.length === 6 ? [CRON_SECOND, ...CRON_FIELDS] : CRON_FIELDS;
  for (const [i, part] of parts.entries()) {
    const field = fields[i]!;
    if (part.split(',').every((item) => isCronItem(item, field))) continue;
    const names = field.names ? ` or ${field.names[0]}–${field.names[field.names.length - 1]}` : '';
    return `\`${part}\` is not a valid ${field.name} (${field.min}–${field.max}${names})`;
  }
  return undefined;
}

/** `*`, `?`, a value or a range `a-b`, each with an optional step `/n`; or the field's special form. */
function isCronItem(item: string, field: CronField): boolean {
  if (field.special?.test(item)) return true;
  const [range = '', step, ...rest] = item.split('/');
  if (rest.length > 0 || (step !== undefined && !/^[1-9][0-9]*$/.test(step))) return false;
  if (range === '*' || range === '?') return true;
  const bounds = range.split('-').map((text) => cronValue(text, field));
  if (bounds.length > 2 || bounds.some((b) => b === undefined)) return false;
  return bounds.length === 1 || bounds[0]! <= bounds[1]!;
}

function cronValue(text: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named !== -1) return field.min + named;
  if (!/^[0-9]{1,2}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}
