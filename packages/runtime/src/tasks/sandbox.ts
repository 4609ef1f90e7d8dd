/**
 * Sandboxed handlers: a pool of child processes that import the handlers' module and run one job
 * each at a time, so that a handler ignoring its time limit is killed for real.
 *
 * SKELETON: filled in by the sandbox work of issue #14; the signatures are the contract.
 */
import type { Logger } from '../logger.js';
import type { HandlerRunner, SandboxedHandlers } from './types.js';

/** Marks the handlers of a module as sandboxed: `createMailerWorker(sandboxed(new URL('./tasks.js', import.meta.url)), options)`. */
export function sandboxed<Handlers>(module: URL | string, exportName = 'default'): SandboxedHandlers<Handlers> {
  return { kind: 'sandboxed', module: module instanceof URL ? module.href : module, exportName };
}

/** Whether a worker's handlers argument is {@link sandboxed}. */
export function isSandboxed(handlers: unknown): handlers is SandboxedHandlers<unknown> {
  return typeof handlers === 'object' && handlers !== null && (handlers as { kind?: unknown }).kind === 'sandboxed';
}

export interface SandboxRunnerOptions {
  /** Child processes: the worker's concurrency. */
  size: number;
  logger: Logger;
  /** How long a handler may run on after its signal aborted before its process is killed. Default 1000 ms. */
  killAfterMs?: number;
}

export function createSandboxRunner(
  _handlers: SandboxedHandlers<unknown>,
  _options: SandboxRunnerOptions,
): HandlerRunner {
  throw new Error('createSandboxRunner: not built yet (issue #14)');
}
