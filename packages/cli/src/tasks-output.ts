/**
 * What `specfirst tasks` shows of a dead letter (a job its worker gave up on, as the task backend's
 * `listDeadLetters` returns it), as text lines or as JSON. Pure, so the command's wording is tested
 * without a Redis.
 */
import type { DeadLetterJob } from '@specfirst/runtime/tasks';
import type { Colors } from 'picocolors/types.js';
import { shortPayload } from './events-output.js';
import { plural, printable } from './format.js';

/** One dead letter, as `specfirst tasks dead-letters --format json` prints it. Absent values are `null`. */
export interface TaskDeadLetterJson {
  /** The job's id, kept by its dead letter: what `specfirst tasks retry` takes. */
  jobId: string;
  task: string;
  /** `error`, `time-limit`, `invalid-args`, `invalid-result`, `stalled`, `previous-step` or `unknown-task`. */
  reason: string;
  /** Attempts made before it was dead-lettered. */
  attempts: number;
  /** The last error's message. */
  error: string;
  /** When it was dead-lettered, ISO 8601. */
  failedAt: string;
  /** The args it was enqueued with; `null` for a chain's later step, whose args were the previous step's result. */
  args: unknown;
  /** A chain's later step: its args come from the step before. */
  fromPrevious: boolean;
  requestId: string | null;
  traceparent: string | null;
}

/** One worker's dead letters. */
export interface WorkerDeadLettersJson {
  worker: string;
  /** The queue its jobs go on, and go back to when retried. */
  queue: string;
  /** The queue holding its dead letters. */
  deadLetterQueue: string;
  /** Oldest first. */
  deadLetters: TaskDeadLetterJson[];
  /** True when there are more than `--count` (list again with a higher `--count`). */
  more: boolean;
}

/** What `specfirst tasks dead-letters --format json` prints: every worker asked about, sorted by name. */
export interface TasksDeadLettersJson {
  workers: WorkerDeadLettersJson[];
}

/** One dead letter `specfirst tasks retry` sent back (or, with `--dry-run`, would). */
export interface RetriedJson {
  worker: string;
  queue: string;
  jobId: string;
  task: string;
}

/**
 * A dead letter `specfirst tasks retry` left as it was: a chain step (or flow parent) that never ran
 * because a step before it failed (`previous-step`), which cannot be retried alone (`SFR4311`).
 */
export interface SkippedJson extends RetriedJson {
  code: string;
  /** Why it was skipped. */
  message: string;
  /** What to do instead. */
  hint: string;
}

/** What `specfirst tasks retry --format json` prints. */
export interface TasksRetryJson {
  dryRun: boolean;
  retried: RetriedJson[];
  /** Dead letters that cannot be retried alone, left dead-lettered. */
  skipped: SkippedJson[];
  /** Ids listed at first that were gone when their turn came (retried by someone else meanwhile). */
  gone: string[];
  /** Why the retry stopped before its end (Redis went away); `null` when it did not. */
  error: string | null;
}

/** Dead letters listed per worker unless `--count` says otherwise. */
export const DEFAULT_TASK_DEAD_LETTER_COUNT = 20;

export function taskDeadLetterJson(job: DeadLetterJob): TaskDeadLetterJson {
  const fromPrevious = job.data.fromPrevious === true;
  return {
    jobId: job.id,
    task: job.task,
    reason: job.failure.reason,
    attempts: job.failure.attempts,
    error: job.failure.message,
    failedAt: Number.isFinite(job.failedAt) ? new Date(job.failedAt).toISOString() : String(job.failedAt),
    args: fromPrevious || job.data.args === undefined ? null : job.data.args,
    fromPrevious,
    requestId: job.data.requestId ?? null,
    traceparent: job.data.traceparent ?? null,
  };
}

/** The text lines of one dead letter: a heading line (id, task, why, when), then the error and the args. */
export function taskDeadLetterLines(letter: TaskDeadLetterJson, c: Colors): string[] {
  const why = `${letter.reason} after ${plural(letter.attempts, 'attempt', 'attempts')}`;
  const args = letter.fromPrevious ? '(the result of the previous step)' : shortPayload(JSON.stringify(letter.args));
  const lines = [
    [c.bold(printable(letter.jobId)), printable(letter.task), printable(why), letter.failedAt].join('  '),
    `  ${c.dim('error  ')}  ${printable(letter.error)}`,
    `  ${c.dim('args   ')}  ${args}`,
  ];
  if (letter.requestId !== null) lines.push(`  ${c.dim('request')}  ${printable(letter.requestId)}`);
  return lines;
}

/**
 * `dead-letters` in text: per worker a summary line, then each dead letter; then how to see more.
 * `again(worker, count)` is the command line that lists a worker's dead letters with a higher count.
 */
export function tasksDeadLettersText(
  report: TasksDeadLettersJson,
  again: (worker: string) => string,
  c: Colors,
): string[] {
  const lines: string[] = [];
  for (const [i, w] of report.workers.entries()) {
    if (i > 0) lines.push('');
    const where = `of \`${w.worker}\` in \`${w.deadLetterQueue}\``;
    if (w.deadLetters.length === 0) {
      lines.push(printable(`no dead letters ${where}`));
      continue;
    }
    const count = plural(w.deadLetters.length, 'dead letter', 'dead letters');
    lines.push(printable(`${w.more ? `the oldest ${count}` : count} ${where}${w.more ? ' (more follow)' : ''}`));
    for (const letter of w.deadLetters) lines.push('', ...taskDeadLetterLines(letter, c));
    if (w.more) lines.push('', printable(`more: ${again(w.worker)}`));
  }
  return lines;
}

/** `retry` in text: what went back (or would), onto which queue. */
export function tasksRetryText(report: TasksRetryJson, c: Colors): string[] {
  const verb = report.dryRun ? 'would retry' : 'retried';
  const queues = [...new Set(report.retried.map((r) => `\`${r.queue}\``))];
  const onto = queues.length === 0 ? '' : ` onto ${queues.join(', ')}`;
  const lines = [printable(`${verb} ${plural(report.retried.length, 'dead letter', 'dead letters')}${onto}`)];
  for (const r of report.retried) lines.push(printable(`  ${r.jobId}  ${r.task}  (worker ${r.worker})`));
  if (report.gone.length > 0)
    lines.push(
      printable(
        `${plural(report.gone.length, 'dead letter was', 'dead letters were')} gone by then (retried meanwhile?): ${report.gone.join(', ')}`,
      ),
    );
  if (report.skipped.length > 0) {
    lines.push(
      printable(
        `skipped ${plural(report.skipped.length, 'dead letter', 'dead letters')} of a step whose previous step failed: it cannot be retried alone`,
      ),
    );
    for (const s of report.skipped) lines.push(printable(`  ${s.jobId}  ${s.task}  (worker ${s.worker})`));
    lines.push(`  ${c.cyan('hint:')} ${printable(report.skipped[0]!.hint)}`);
  }
  if (report.dryRun) lines.push(c.dim('dry run: nothing changed'));
  return lines;
}
