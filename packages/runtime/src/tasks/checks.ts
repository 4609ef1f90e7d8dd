/**
 * Start-up checks that `createTasks` and `createWorker` share: a backend is given, and each task
 * definition is listed under its own name with settings in range. Generated tables always pass;
 * these catch hand-written or edited ones before anything is enqueued or run.
 */
import { SpecFirstRuntimeError } from '../errors.js';
import type { TaskBackend, TaskDefinition } from './types.js';

const BACKEND_METHODS = ['add', 'outcome', 'process', 'upsertSchedule', 'scheduleIds', 'removeSchedule'] as const;

/** `backend` when it is one, else SFR1301 naming `who` (`createTasks`, the worker of `mailer`). */
export function checkBackend(backend: unknown, who: string): TaskBackend {
  const missing =
    typeof backend !== 'object' || backend === null
      ? []
      : BACKEND_METHODS.filter((method) => typeof (backend as Record<string, unknown>)[method] !== 'function');
  if (typeof backend !== 'object' || backend === null || missing.length > 0)
    throw new SpecFirstRuntimeError(
      'SFR1301',
      `${who} has no task backend (options.backend)` +
        (missing.length > 0 ? `: the one given has no ${missing.join(', ')}` : ''),
      'pass memoryTaskBackend() from @specfirst/runtime/tasks, or bullmqTaskBackend(url) from @specfirst/runtime/tasks/bullmq',
    );
  return backend as TaskBackend;
}

/** The definitions by task name, each checked (SFR1307, SFR1308). */
export function checkDefinitions(definitions: Record<string, TaskDefinition>): Map<string, TaskDefinition> {
  const byName = new Map<string, TaskDefinition>();
  for (const [key, definition] of Object.entries(definitions ?? {})) {
    if (typeof definition !== 'object' || definition === null || definition.name !== key)
      throw new SpecFirstRuntimeError(
        'SFR1308',
        `the task definitions list \`${key}\` with ${
          typeof definition === 'object' && definition !== null
            ? `task \`${String(definition.name)}\``
            : 'no definition'
        }`,
        'list each task under its own name: { sendReceipt: sendReceiptTask } (generated code does)',
      );
    checkDefinition(definition);
    byName.set(key, definition);
  }
  return byName;
}

function checkDefinition(task: TaskDefinition): void {
  const problems: string[] = [];
  const { retry } = task;
  if (typeof task.worker !== 'string' || task.worker === '') problems.push('worker must name a service');
  if (typeof retry !== 'object' || retry === null) problems.push('retry must be a retry policy');
  else {
    if (!Number.isSafeInteger(retry.attempts) || retry.attempts < 1) problems.push('retry.attempts must be at least 1');
    if (!Number.isFinite(retry.delayMs) || retry.delayMs < 0) problems.push('retry.delayMs must be 0 or more');
    if (retry.maxDelayMs !== undefined && !(retry.maxDelayMs >= 0)) problems.push('retry.maxDelayMs must be 0 or more');
  }
  if (task.timeoutMs !== undefined && (!Number.isSafeInteger(task.timeoutMs) || task.timeoutMs < 1))
    problems.push('timeoutMs must be a whole number of 1 or more');
  if (task.schedule !== undefined && (typeof task.schedule !== 'string' || task.schedule.trim() === ''))
    problems.push('schedule must be a cron expression');
  if (typeof task.validateArgs !== 'function') problems.push('validateArgs must be the precompiled validator');
  if (task.validateResult !== undefined && typeof task.validateResult !== 'function')
    problems.push('validateResult must be the precompiled validator');
  if (problems.length > 0)
    throw new SpecFirstRuntimeError(
      'SFR1307',
      `the definition of task \`${task.name}\` is out of range: ${problems.join(', ')}`,
      'task tables are generated from spec/tasks.yaml: run `specfirst sync` again rather than editing them',
    );
}
