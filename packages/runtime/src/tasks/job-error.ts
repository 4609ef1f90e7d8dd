/**
 * The one error a {@link JobProcessor} rejects with, so that every backend knows what to do next
 * without knowing why: `retry` (another attempt after the task's backoff, unless that was the last:
 * then dead-letter with `reason`), or not (dead-letter now).
 */
import type { TaskFailure } from './types.js';

export class TaskJobError extends Error {
  override readonly name = 'TaskJobError';
  constructor(
    message: string,
    readonly reason: TaskFailure['reason'],
    readonly retry: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
