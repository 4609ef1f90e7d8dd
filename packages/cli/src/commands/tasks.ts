/**
 * `specfirst tasks`: the operators' tools for a running system's tasks. `dead-letters` lists the
 * jobs the workers gave up on (their args, error and attempts); `retry` sends them back to their
 * worker's queue with fresh attempts, after a fix. The workers come from the project's IR; queues
 * are reached only through the runtime's task backend on BullMQ (`TaskBackend.listDeadLetters` and
 * `retryDeadLetter`), so queue names and the dead-letter layout are the ones the workers use
 * (`@specfirst/spec-core/tasks`).
 */
import { didYouMean, hasErrors, loadProject, type SpecIR } from '@specfirst/spec-core';
import { deadLetterQueueName, taskQueueName } from '@specfirst/spec-core/tasks';
import { TaskRetryError, type DeadLetterJob, type TaskBackend } from '@specfirst/runtime/tasks';
import type { Output } from '../output.js';
import { resolveRedisUrl, shownUrl } from '../redis-url.js';
import {
  taskDeadLetterJson,
  tasksDeadLettersText,
  tasksRetryText,
  type TasksDeadLettersJson,
  type TasksRetryJson,
} from '../tasks-output.js';

/** Dead letters one `retry` reads per worker at most (with `--all`, or to find the ids given); more are refused with a hint. */
export const MAX_RETRIED = 100_000;

export interface TasksConnectionOptions {
  project: string;
  redis?: string;
  /** BullMQ's key prefix the workers were given (absent: BullMQ's default, `bull`). */
  prefix?: string;
}

export interface TasksDeadLettersOptions extends TasksConnectionOptions {
  worker?: string;
  count: number;
  format: 'text' | 'json';
}

export interface TasksRetryOptions extends TasksConnectionOptions {
  worker?: string;
  all: boolean;
  dryRun: boolean;
  format: 'text' | 'json';
}

/** A failure the command reports as `specfirst tasks <sub>: <message>` and `hint: <hint>`, with its exit code. */
class TasksError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export async function tasksDeadLettersCommand(options: TasksDeadLettersOptions, out: Output): Promise<number> {
  return run('dead-letters', out, async () => {
    const workers = await resolveWorkers(options);
    return withBackend(options, async (backend) => {
      const report: TasksDeadLettersJson = { workers: [] };
      for (const worker of workers) {
        const queue = taskQueueName(worker);
        // One more than asked for says whether more follow.
        const found = await backend.listDeadLetters(queue, { limit: options.count + 1 });
        report.workers.push({
          worker,
          queue,
          deadLetterQueue: deadLetterQueueName(worker),
          deadLetters: found.slice(0, options.count).map(taskDeadLetterJson),
          more: found.length > options.count,
        });
      }
      if (options.format === 'json') out.stdout(JSON.stringify(report, null, 2));
      else for (const line of tasksDeadLettersText(report, (w) => again(w, options), out.colors)) out.stdout(line);
      return 0;
    });
  });
}

export async function tasksRetryCommand(jobIds: string[], options: TasksRetryOptions, out: Output): Promise<number> {
  return run('retry', out, async () => {
    if (jobIds.length === 0 && !options.all)
      throw new TasksError(
        'name the dead letters to retry by job id, or pass `--all` to retry every one',
        '`specfirst tasks dead-letters` lists them with their job ids',
        2,
      );
    if (jobIds.length > 0 && options.all)
      throw new TasksError(
        'give job ids or `--all`, not both',
        'job ids retry those dead letters; `--all` retries every dead letter (of `--worker`, when given)',
        2,
      );
    if (jobIds.length > 0 && options.worker === undefined)
      throw new TasksError(
        'name the worker whose dead letters these are with `--worker <service>`',
        'job ids are per worker: `specfirst tasks dead-letters` lists each dead letter under its worker',
        2,
      );
    const workers = await resolveWorkers(options);
    return withBackend(options, async (backend) => {
      const chosen: { worker: string; job: DeadLetterJob }[] = [];
      for (const worker of workers) {
        const queue = taskQueueName(worker);
        const listed = await backend.listDeadLetters(queue, { limit: MAX_RETRIED + 1 });
        if (listed.length > MAX_RETRIED)
          throw new TasksError(
            `\`${worker}\` has more than ${MAX_RETRIED} dead letters; nothing was retried`,
            'retry them in parts, by job id',
            2,
          );
        if (options.all) {
          for (const job of listed) chosen.push({ worker, job });
          continue;
        }
        const byId = new Map(listed.map((job) => [job.id, job]));
        for (const id of new Set(jobIds)) {
          const job = byId.get(id);
          if (job === undefined)
            throw new TasksError(
              `no dead letter ${id} of \`${worker}\` in \`${deadLetterQueueName(worker)}\`; nothing was retried`,
              `\`specfirst tasks dead-letters --worker ${worker}\` lists them (a dead letter retried already is gone)`,
              1,
            );
          chosen.push({ worker, job });
        }
      }
      const report: TasksRetryJson = { dryRun: options.dryRun, retried: [], skipped: [], gone: [], error: null };
      /** A dead letter that cannot be retried alone (a step whose previous step failed): reported, left as it is. */
      const skip = (worker: string, job: DeadLetterJob, error: TaskRetryError): void => {
        const { code, hint } = error;
        const message =
          hint !== '' && error.message.endsWith(`; ${hint}`) ? error.message.slice(0, -hint.length - 2) : error.message;
        report.skipped.push({
          worker,
          queue: taskQueueName(worker),
          jobId: job.id,
          task: job.task,
          code,
          message,
          hint,
        });
      };
      const print = (): void => {
        if (options.format === 'json') out.stdout(JSON.stringify(report, null, 2));
        else for (const line of tasksRetryText(report, out.colors)) out.stdout(line);
      };
      try {
        for (const { worker, job } of chosen) {
          const queue = taskQueueName(worker);
          // Known from the listing (so a dry run says it too); the backend refuses it as well (SFR4311).
          if (job.failure.reason === 'previous-step') {
            skip(worker, job, new TaskRetryError(job));
            continue;
          }
          let sent: boolean;
          try {
            sent = options.dryRun || (await backend.retryDeadLetter(queue, job.id));
          } catch (error) {
            if (!(error instanceof TaskRetryError) && (error as { code?: unknown } | null)?.code !== 'SFR4311')
              throw error;
            skip(worker, job, error as TaskRetryError);
            continue;
          }
          if (!sent) {
            report.gone.push(job.id);
            continue;
          }
          report.retried.push({ worker, queue, jobId: job.id, task: job.task });
        }
      } catch (error) {
        report.error = (error as Error).message;
        if (options.format === 'json' || report.retried.length > 0) print();
        throw error;
      }
      if (chosen.length === 0 && options.format === 'text') {
        out.stdout(`no dead letters to retry of ${workers.map((w) => `\`${w}\``).join(', ')}`);
        return 0;
      }
      print();
      // Dead letters named by id that could not be retried: the command did not do what it was asked.
      return report.skipped.length > 0 && !options.all ? 1 : 0;
    });
  });
}

/** Runs a subcommand, turning its failures into a message, a hint and an exit code. */
async function run(sub: string, out: Output, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof TasksError)) throw error;
    out.stderr(`specfirst tasks ${sub}: ${error.message}`);
    out.stderr(`  ${out.colors.cyan('hint:')} ${error.hint}`);
    return error.exitCode;
  }
}

/** The workers that run tasks, sorted: every one, or `--worker` alone (which must be one of them). */
async function resolveWorkers(options: TasksConnectionOptions & { worker?: string }): Promise<string[]> {
  const result = await loadProject(options.project, { cache: false });
  if (result.usageError)
    throw new TasksError(
      result.diagnostics[0]?.message ?? 'nothing to load',
      'give the project folder with `--project <path>` (the folder that holds specfirst.yaml)',
      2,
    );
  if (hasErrors(result.diagnostics))
    throw new TasksError(
      'the spec has errors, so its tasks and workers cannot be trusted',
      `run \`specfirst check ${options.project}\` and fix them first`,
      1,
    );
  const workers = taskWorkers(result.ir);
  if (workers.length === 0)
    throw new TasksError(
      'no worker service runs tasks in this spec, so there are no task queues',
      'declare tasks with a `worker:` of `type: worker` in spec/tasks.yaml',
      2,
    );
  if (options.worker === undefined) return workers;
  if (workers.includes(options.worker)) return [options.worker];
  const service = result.ir.services.find((s) => s.name === options.worker);
  const known = `(workers that run tasks: ${workers.map((w) => `\`${w}\``).join(', ')})`;
  if (service === undefined)
    throw new TasksError(
      `no service \`${options.worker}\` in the spec`,
      `${didYouMean(options.worker, workers, 'worker')} ${known}`,
      2,
    );
  throw new TasksError(
    service.type === 'worker'
      ? `\`${service.name}\` runs no task, so it has no dead letters`
      : `\`${service.name}\` is an http service: it runs no task, so it has no dead letters`,
    `give a worker named as \`worker:\` in spec/tasks.yaml ${known}`,
    2,
  );
}

/** The services named as `worker` of a task, sorted, once each. */
function taskWorkers(ir: SpecIR): string[] {
  const workers = new Set(ir.tasks.map((t) => t.worker).filter((w) => w !== ''));
  return [...workers].sort();
}

/**
 * Opens the runtime's BullMQ backend on the workers' Redis and prefix (it reports a Redis that does
 * not answer at once, with a hint), runs `body` with it, and closes it.
 */
async function withBackend(
  options: TasksConnectionOptions,
  body: (backend: TaskBackend) => Promise<number>,
): Promise<number> {
  const url = resolveRedisUrl(options.redis);
  if (!(url instanceof URL)) throw new TasksError(url.message, url.hint, 2);
  let backend: TaskBackend | undefined;
  try {
    // Loaded here: it loads bullmq, which no other command needs.
    const { bullmqTaskBackend } = await import('@specfirst/runtime/tasks/bullmq');
    backend = bullmqTaskBackend({
      url: url.toString(),
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    });
    return await body(backend);
  } catch (error) {
    if (error instanceof TasksError) throw error;
    const { message, hint } = error as Error & { hint?: unknown };
    // The runtime's errors (SFR…) say what went wrong and how to fix it; their message ends with the hint.
    if (typeof hint === 'string' && hint !== '')
      throw new TasksError(message.endsWith(`; ${hint}`) ? message.slice(0, -hint.length - 2) : message, hint, 1);
    throw new TasksError(
      `Redis at ${shownUrl(url)} failed: ${(error as Error).message}`,
      'check that Redis is up and reachable (--redis, or REDIS_URL) and that --prefix is the one the workers use, then run the command again (a retry moves each dead letter back at once: what it printed went back, the rest is still dead-lettered)',
      1,
    );
  } finally {
    await backend?.close();
  }
}

/** The command line that lists a worker's dead letters again, with twice the count (for "more: …"). */
function again(worker: string, options: TasksDeadLettersOptions): string {
  const parts = ['specfirst tasks dead-letters', '--worker', worker];
  if (options.project !== '.') parts.push('--project', options.project);
  if (options.redis !== undefined) parts.push('--redis', shownUrl(options.redis));
  if (options.prefix !== undefined) parts.push('--prefix', options.prefix);
  parts.push('--count', String(Math.min(options.count * 2, 10_000)));
  return parts.join(' ');
}
