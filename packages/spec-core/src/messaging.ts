/**
 * `spec/events.yaml` (topics) and `spec/tasks.yaml` (background tasks). Parsed and checked now;
 * code generation for Redis Streams and BullMQ builds on these IR nodes later.
 */
import { type BuildContext, locBelow } from './context.js';
import { compareStrings } from './diagnostics.js';
import type { IRLocation, IRRetryPolicy, IRService, IRTask, IRTopic } from './ir.js';
import { diagnosticAt, diagnosticAtLoc, irLoc } from './location.js';
import { toCamelCase } from './names.js';
import { isRecord } from './schema-convert.js';
import { didYouMean } from './suggest.js';
import { joinPointer, type SourceFile } from './yaml-source.js';

export const DEFAULT_TOPIC_RETRY: IRRetryPolicy = { attempts: 5, backoff: 'exponential', delayMs: 1000 };
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

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function readTopics(source: SourceFile | undefined): IRTopic[] {
  const doc = source && isRecord(source.value) && isRecord(source.value.topics) ? source.value.topics : {};
  const topics: IRTopic[] = [];
  for (const [name, raw] of Object.entries(doc)) {
    if (!isRecord(raw) || !source) continue;
    const topic: IRTopic = {
      name,
      message: typeof raw.message === 'string' ? raw.message : '',
      producers: strings(raw.producers),
      consumers: strings(raw.consumers),
      retry: readRetry(raw.retry, DEFAULT_TOPIC_RETRY),
      loc: irLoc(source, joinPointer('/topics', name)),
    };
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
    if (!isRecord(raw) || !source) continue;
    const pointer = joinPointer('/tasks', name);
    const task: IRTask = {
      name,
      identifier: toCamelCase(name),
      worker: typeof raw.worker === 'string' ? raw.worker : '',
      args: typeof raw.args === 'string' ? raw.args : '',
      retry: readRetry(raw.retry, DEFAULT_TASK_RETRY),
      loc: irLoc(source, pointer),
    };
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

/** Checks the model and service names that topics and tasks refer to. */
export function checkMessaging(ctx: BuildContext, topics: IRTopic[], tasks: IRTask[], services: IRService[]): void {
  const serviceNames = services.map((s) => s.name);
  const topicNames = topics.map((t) => t.name);
  const at = (loc: IRLocation, key: string, index?: number): IRLocation => (index === undefined ? locBelow(ctx, loc, key) : locBelow(ctx, loc, key, index));
  const checkService = (name: string, loc: IRLocation, role: string): IRService | undefined => {
    const service = services.find((s) => s.name === name);
    if (!service) ctx.diagnostics.push(diagnosticAtLoc(loc, { code: 'SF4001', message: `unknown service \`${name}\` ${role}`, hint: didYouMean(name, serviceNames, 'service') }));
    return service;
  };

  for (const topic of topics) {
    if (topic.message !== '') ctx.models.checkReference(topic.message, at(topic.loc, 'message'), ctx.diagnostics);
    topic.producers.forEach((p, i) => checkService(p, at(topic.loc, 'producers', i), `as producer of \`${topic.name}\``));
    topic.consumers.forEach((c, i) => checkService(c, at(topic.loc, 'consumers', i), `as consumer of \`${topic.name}\``));
    if (topic.deadLetter !== undefined) {
      if (topic.deadLetter === topic.name) {
        ctx.diagnostics.push(diagnosticAtLoc(at(topic.loc, 'deadLetter'), { code: 'SF5005', message: `topic \`${topic.name}\` is its own dead-letter topic`, hint: `failed messages would loop forever; use e.g. \`${topic.name}.dead\`` }));
      } else if (!topicNames.includes(topic.deadLetter)) {
        ctx.diagnostics.push(diagnosticAtLoc(at(topic.loc, 'deadLetter'), { code: 'SF5001', message: `unknown dead-letter topic \`${topic.deadLetter}\``, hint: didYouMean(topic.deadLetter, topicNames, 'topic') }));
      }
    }
  }
  for (const task of tasks) {
    if (task.args !== '') ctx.models.checkReference(task.args, at(task.loc, 'args'), ctx.diagnostics);
    if (task.result !== undefined) ctx.models.checkReference(task.result, at(task.loc, 'result'), ctx.diagnostics);
    const worker = task.worker === '' ? undefined : checkService(task.worker, at(task.loc, 'worker'), `as worker of \`${task.name}\``);
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

const CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;

function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return `expected 5 or 6 fields, found ${fields.length}`;
  const bad = fields.find((f) => !CRON_FIELD.test(f));
  return bad !== undefined ? `field \`${bad}\` is not valid` : undefined;
}
