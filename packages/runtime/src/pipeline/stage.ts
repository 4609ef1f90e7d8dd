/**
 * The shape of a request pipeline: small named stages, each built once per operation and run once
 * per request. The HTTP pipeline (./http.ts) is
 *
 *     authenticate → read parameters → read body → [failure reply] → controller → check result → write result
 *
 * and a stream consumer or task worker follows the same shape: read → decode → validate → handle →
 * ack / retry / dead-letter.
 *
 * A stage is made by a factory that takes what is fixed for one operation (its definition, the
 * app's settings) and does the per-operation work there, at start-up; the function it returns
 * takes what the request gives and answers with a {@link StageResult}:
 *
 * - `{ ok: true, value, failures }`: go on with `value`. `failures` are what the stage found wrong
 *   with the input but could read past; the pipeline collects them from every read stage and
 *   answers them all at once (one 400 that lists a bad parameter and a bad body field together).
 * - `{ ok: false, problem, headers? }`: stop; the request is answered with this problem (a 401, a
 *   415) and no later stage runs.
 *
 * A stage returns a promise only when it has to wait (an authenticator); the pipeline awaits only
 * then. Pure stages (check result) are plain functions of their input, the others read the
 * Express request or write the response. Throwing is for bugs and for `HttpProblem`s raised by
 * user code (an authenticator, a controller): the pipeline hands the error to `sendError`.
 */
import type { ProblemDetails } from '../problem.js';
import type { ValidationFailure } from '../validation.js';

/** The request goes on with `value`; `failures` are answered together once all read stages ran. */
export interface Next<T> {
  ok: true;
  value: T;
  failures: readonly ValidationFailure[];
}

/** The request ends here, answered with `problem` (and `headers`, e.g. `WWW-Authenticate`). */
export interface Stop {
  ok: false;
  problem: ProblemDetails;
  headers?: Record<string, string>;
}

export type StageResult<T> = Next<T> | Stop;

/** One stage of a pipeline, as its factory returns it. */
export type Stage<Input, Output> = (input: Input) => StageResult<Output> | Promise<StageResult<Output>>;

/** A stage that never waits. */
export type SyncStage<Input, Output> = (input: Input) => StageResult<Output>;

/** Go on with `value`, with no failures. */
export function next<T>(value: T, failures: readonly ValidationFailure[] = []): Next<T> {
  return { ok: true, value, failures };
}

/** End the request with `problem`. */
export function stop(problem: ProblemDetails, headers?: Record<string, string>): Stop {
  return headers === undefined ? { ok: false, problem } : { ok: false, problem, headers };
}
