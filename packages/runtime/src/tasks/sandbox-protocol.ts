/**
 * What the worker's process and its sandbox children say to each other over IPC (Node's
 * `advanced` serialization: the structured clone of each message), and how errors cross: an
 * `Error` is sent as its name, message, stack and `code` and rebuilt on the other side (a
 * `TaskJobError` keeps its `reason` and `retry`). Shared by sandbox.ts (the parent) and
 * sandbox-child.ts (the child); neither imports the other.
 */
import { TaskJobError } from './job-error.js';
import type { TaskFailure } from './types.js';

/** An error as it crosses the process boundary. */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  /** A `TaskJobError`'s. */
  reason?: TaskFailure['reason'];
  retry?: boolean;
}

/** The serializable part of a `TaskContext`. */
export interface WireContext {
  task: string;
  jobId: string;
  attempt: number;
  attempts: number;
  /** When the time limit passes (ms since the epoch, this machine's clock); `null`: no limit. */
  deadline: number | null;
  requestId?: string;
  traceparent?: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type ParentMessage =
  | { type: 'run'; id: number; task: string; args: unknown; context: WireContext }
  | { type: 'abort'; id: number; reason: WireError }
  | { type: 'children'; id: number; ok: true; results: unknown[] }
  | { type: 'children'; id: number; ok: false; error: WireError };

export type ChildMessage =
  /** The module is imported: these are its handlers' names. */
  | { type: 'ready'; tasks: string[] }
  /** The module cannot serve: the child exits after sending this. */
  | { type: 'startup-error'; code: 'SFR1320' | 'SFR1321'; problem: string; hint: string }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: WireError }
  | { type: 'log'; id: number; level: LogLevel; fields: Record<string, unknown>; message: string }
  /** The handler asked for `context.childrenResults()`. */
  | { type: 'children'; id: number }
  /** An uncaught exception outside any handler's promise: the child exits after sending this. */
  | { type: 'fatal'; error: WireError };

export function toWire(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: typeof error === 'string' ? error : String(error) };
  const wire: WireError = { name: error.name, message: error.message };
  if (error.stack !== undefined) wire.stack = error.stack;
  const { code } = error as { code?: unknown };
  if (typeof code === 'string') wire.code = code;
  if (error instanceof TaskJobError) {
    wire.reason = error.reason;
    wire.retry = error.retry;
  }
  return wire;
}

export function fromWire(wire: WireError): Error {
  const error =
    wire.name === 'TaskJobError' && wire.reason !== undefined && wire.retry !== undefined
      ? new TaskJobError(wire.message, wire.reason, wire.retry)
      : Object.assign(new Error(wire.message), { name: wire.name });
  if (wire.stack !== undefined) error.stack = wire.stack;
  if (wire.code !== undefined) Object.assign(error, { code: wire.code });
  return error;
}
