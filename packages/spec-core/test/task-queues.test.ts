/**
 * `@specfirst/spec-core/tasks`: the queue, dead-letter queue and schedule names every producer,
 * worker, backend and `specfirst tasks` asks for. BullMQ refuses `:` in a queue name (it is its
 * key separator) and in a custom job id, so no name of a valid service or task may produce one.
 */
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_QUEUE_SUFFIX,
  deadLetterQueueName,
  SCHEDULE_ID_PREFIX,
  scheduleId,
  TASK_JOB_VERSION,
  taskQueueName,
} from '@specfirst/spec-core/tasks';
import * as fromSource from '../src/messaging/tasks.js';
import { NAME_PATTERNS } from '../src/util/names.js';

describe('task queue names', () => {
  it.each<[string, string, string]>([
    ['mailer', 'mailer', 'mailer-dead-letter'],
    ['image-resizer', 'image-resizer', 'image-resizer-dead-letter'],
    ['a1', 'a1', 'a1-dead-letter'],
  ])('worker `%s` takes jobs from `%s` and dead-letters to `%s`', (worker, queue, deadLetters) => {
    expect(taskQueueName(worker)).toBe(queue);
    expect(deadLetterQueueName(worker)).toBe(deadLetters);
    // Given a task, the queue is its worker's: the task's own name plays no part.
    expect(taskQueueName({ worker })).toBe(queue);
    expect(deadLetterQueueName({ worker })).toBe(deadLetters);
  });

  it.each<[string, string]>([
    ['purgeCarts', 'specfirst-schedule-purgeCarts'],
    ['x', 'specfirst-schedule-x'],
    ['sendReceipt2', 'specfirst-schedule-sendReceipt2'],
  ])('task `%s` has the schedule id `%s`', (task, id) => {
    expect(scheduleId(task)).toBe(id);
    expect(scheduleId({ name: task })).toBe(id);
    expect(id.startsWith(SCHEDULE_ID_PREFIX)).toBe(true);
  });

  it('is the same module from the package entry point and from the source', () => {
    expect(DEAD_LETTER_QUEUE_SUFFIX).toBe(fromSource.DEAD_LETTER_QUEUE_SUFFIX);
    expect(deadLetterQueueName('mailer')).toBe(fromSource.deadLetterQueueName('mailer'));
    expect(TASK_JOB_VERSION).toBe(1);
  });
});

/** A small deterministic PRNG (mulberry32): the same names on every run, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const UPPER = LOWER.toUpperCase();

function pick(next: () => number, chars: string, min: number, max: number): string {
  const length = min + Math.floor(next() * (max - min + 1));
  let out = '';
  for (let i = 0; i < length; i++) out += chars[Math.floor(next() * chars.length)]!;
  return out;
}

/** A service name as the spec allows it: kebab-case words, `-dead-letter` endings included. */
function serviceName(next: () => number): string {
  const words = [pick(next, LOWER, 1, 1) + pick(next, LOWER + DIGITS, 0, 12)];
  const more = Math.floor(next() * 4);
  for (let i = 0; i < more; i++) words.push(pick(next, LOWER + DIGITS, 1, 10));
  if (next() < 0.1) words.push('dead', 'letter');
  return words.join('-');
}

/** A task name as the spec allows it: camelCase, digits allowed after the first letter. */
function taskName(next: () => number): string {
  return pick(next, LOWER, 1, 1) + pick(next, LOWER + UPPER + DIGITS, 0, 30);
}

const SAMPLES = 2000;
const SAFE = /^[A-Za-z0-9-]+$/;

describe('for any valid service and task name (2,000 generated of each, and the edge cases)', () => {
  const next = random(14);
  const services = ['a', 'a-b', 'z9', 'mailer-dead-letter', 'x-'.repeat(40) + 'x'];
  const tasks = ['a', 'aB', 'x9', 'sendReceipt', 'constructor', 'a'.repeat(120)];
  for (let i = 0; i < SAMPLES; i++) {
    services.push(serviceName(next));
    tasks.push(taskName(next));
  }

  it('the generators make only names the spec accepts', () => {
    expect(services.filter((s) => !NAME_PATTERNS.service.test(s))).toEqual([]);
    expect(tasks.filter((t) => !NAME_PATTERNS.task.test(t))).toEqual([]);
  });

  it('no queue name, dead-letter queue name or schedule id contains `:` (or anything but letters, digits and `-`)', () => {
    const names = [
      ...services.flatMap((s) => [taskQueueName(s), deadLetterQueueName(s)]),
      ...tasks.map((t) => scheduleId(t)),
    ];
    expect(names.filter((n) => n.includes(':'))).toEqual([]);
    expect(names.filter((n) => !SAFE.test(n))).toEqual([]);
  });

  it("a worker's dead-letter queue is never its own queue, and names stay apart per worker and per task", () => {
    expect(services.filter((s) => deadLetterQueueName(s) === taskQueueName(s))).toEqual([]);
    const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
    const distinctServices = unique(services);
    expect(unique(distinctServices.map((s) => taskQueueName(s)))).toHaveLength(distinctServices.length);
    expect(unique(distinctServices.map((s) => deadLetterQueueName(s)))).toHaveLength(distinctServices.length);
    const distinctTasks = unique(tasks);
    expect(unique(distinctTasks.map((t) => scheduleId(t)))).toHaveLength(distinctTasks.length);
  });

  it('a schedule id always starts with the prefix workers clean up by, and gives back the task name', () => {
    for (const t of tasks) {
      const id = scheduleId(t);
      expect(id.startsWith(SCHEDULE_ID_PREFIX)).toBe(true);
      expect(id.slice(SCHEDULE_ID_PREFIX.length)).toBe(t);
    }
  });
});
