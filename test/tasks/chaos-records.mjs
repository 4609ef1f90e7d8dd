/**
 * What the chaos run (chaos.test.ts) and its worker processes (chaos-worker.mjs) share: which job
 * does what, and the Redis keys where the workers record what their handlers did. Plain JavaScript,
 * since the workers run on plain `node`.
 */

/**
 * What job `n` of the run does (its `mode` arg): `fail` throws on every attempt (1 %), `hang` ignores
 * its signal past the time limit on every attempt (0.5 %), `hangOnce` only on its first attempt
 * (0.5 %: the time limit's failure goes through the retry policy), `work` works for a few ms.
 */
export function chaosMode(n) {
  if (n % 100 === 57) return 'fail';
  if (n % 200 === 13) return 'hang';
  if (n % 200 === 113) return 'hangOnce';
  return 'work';
}

/** How long job `n`'s handler works (ms), 2 to 20. */
export function chaosWorkMs(n) {
  return 2 + ((n * 7) % 19);
}

/** The job id of job `n` (BullMQ refuses ids of digits only). */
export function chaosJobId(n) {
  return `crunch-${n}`;
}

/**
 * The run's records, under `prefix`. Hashes; `<id>#<attempt>@<pid>` names one run of an attempt of a
 * job in one worker process (a job that stalled runs again under the same attempt number).
 * - done: job id → handler runs that returned (more than 1: a duplicate execution)
 * - doneAttempt: job id → the attempt of the last such run
 * - threw: job id → runs of a `fail` handler
 * - hangStart: attempt → `<pid> <ms>`, the clock when a hanging handler started
 * - hangAbort: attempt → ms, when that handler's signal aborted
 * - late: job id → hanging handlers that ran on past their limit to their end, after their attempt had failed
 * - timeLimit: attempt → ms, when the worker's processor rejected the attempt as `time-limit`
 * - inflight:<pid>: attempt → ms, the attempts a worker process's processor is running now
 * - stalls (a list): `<pid> <from ms> <to ms> <cpu ms>`, each time a worker process's event loop stood still
 *   for more than 20 ms, and the CPU time the process used meanwhile (little: it was not given the CPU)
 */
export function chaosKeys(prefix) {
  return {
    done: `${prefix}done`,
    doneAttempt: `${prefix}done-attempt`,
    threw: `${prefix}threw`,
    hangStart: `${prefix}hang-start`,
    hangAbort: `${prefix}hang-abort`,
    late: `${prefix}late`,
    timeLimit: `${prefix}time-limit`,
    inflight: (pid) => `${prefix}inflight:${pid}`,
    stalls: `${prefix}stalls`,
  };
}
