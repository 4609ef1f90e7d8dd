/**
 * A sandbox child process (forked by sandbox.ts with `<module> <exportName> <parent pid>`): imports
 * the handlers' module once, says `ready`, then runs one handler call at a time as the parent asks,
 * with a `TaskContext` rebuilt from the message: its own abort signal (aborted when the parent says
 * so), `timeLeftMs()` from the deadline, a logger whose records go to the parent's logger, and
 * `childrenResults()` fetched from the parent on request.
 *
 * It never outlives the worker: it exits when the IPC channel closes, and a watchdog thread
 * SIGKILLs it when its parent is gone even while a handler blocks the event loop (`while (true) {}`).
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { callContextFrom, runInCallContext } from '../internal/call-context.js';
import type { Logger } from '../logger.js';
import {
  fromWire,
  toWire,
  type ChildMessage,
  type LogLevel,
  type ParentMessage,
  type WireContext,
} from './sandbox-protocol.js';
import type { TaskContext } from './types.js';

type Handlers = Record<string, unknown>;

const [moduleRef = '', exportName = 'default', parentPid = ''] = process.argv.slice(2);

function send(message: ChildMessage, then?: () => void): void {
  if (!process.connected || process.send === undefined) {
    then?.();
    return;
  }
  try {
    process.send(message, undefined, undefined, () => then?.());
  } catch (error) {
    if (message.type !== 'result' || !message.ok) {
      then?.();
      return;
    }
    // A result the structured clone refuses (a function, a symbol…): the call fails instead.
    send(
      {
        type: 'result',
        id: message.id,
        ok: false,
        error: {
          name: 'SandboxError',
          code: 'SFR4332',
          message: `SFR4332 the result of a sandboxed handler cannot be sent to the worker (${error instanceof Error ? error.message : String(error)}); return JSON: plain objects, arrays, strings, numbers, booleans and null`,
        },
      },
      then,
    );
  }
}

/** SIGKILLs this process when its parent is gone: a thread of its own, so a blocked event loop cannot stop it. */
function startWatchdog(): void {
  const expected = Number(parentPid);
  if (!Number.isInteger(expected) || expected <= 0) return;
  const watchdog = new Worker(
    `const { workerData } = require('node:worker_threads');
     setInterval(() => { if (process.ppid !== workerData) process.kill(process.pid, 'SIGKILL'); }, 250);`,
    { eval: true, workerData: expected },
  );
  watchdog.unref();
}

function exitWith(message: ChildMessage, code: number): void {
  send(message, () => process.exit(code));
  // Bounded even if the parent never reads the message.
  setTimeout(() => process.exit(code), 2000).unref();
}

interface Call {
  id: number;
  task: string;
  controller: AbortController;
  children?: { resolve(results: unknown[]): void; reject(error: Error): void; promise: Promise<unknown[]> };
}
let current: Call | undefined;

function forwardingLogger(id: number): Logger {
  const at = (level: LogLevel) => (fields: Record<string, unknown>, message: string) =>
    send({ type: 'log', id, level, fields: cloneable(fields), message: String(message) });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Log fields as the structured clone takes them: what it refuses (functions, symbols) becomes a string. */
function cloneable(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields ?? {})) {
    try {
      structuredClone(value);
      out[key] = value;
    } catch {
      out[key] = String(value);
    }
  }
  return out;
}

function contextFor(id: number, wire: WireContext, controller: AbortController, call: Call): TaskContext {
  const context: TaskContext = {
    task: wire.task,
    jobId: wire.jobId,
    attempt: wire.attempt,
    attempts: wire.attempts,
    signal: controller.signal,
    timeLeftMs: () => (wire.deadline === null ? Infinity : Math.max(0, wire.deadline - Date.now())),
    logger: forwardingLogger(id),
    childrenResults: () => {
      if (call.children === undefined) {
        let resolve!: (results: unknown[]) => void;
        let reject!: (error: Error) => void;
        const promise = new Promise<unknown[]>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        call.children = { resolve, reject, promise };
        send({ type: 'children', id });
      }
      return call.children.promise;
    },
  };
  if (wire.requestId !== undefined) context.requestId = wire.requestId;
  if (wire.traceparent !== undefined) context.traceparent = wire.traceparent;
  return context;
}

async function run(handlers: Handlers, message: Extract<ParentMessage, { type: 'run' }>): Promise<void> {
  const call: Call = { id: message.id, task: message.task, controller: new AbortController() };
  current = call;
  try {
    const handler = handlers[message.task];
    if (typeof handler !== 'function' || Object.hasOwn(Object.prototype, message.task)) {
      send({
        type: 'result',
        id: message.id,
        ok: false,
        error: {
          name: 'SandboxError',
          code: 'SFR4331',
          message: `SFR4331 the sandboxed handlers of ${moduleRef} (export \`${exportName}\`) have no function \`${message.task}\`; add \`${message.task}(args, context)\` to them`,
        },
      });
      return;
    }
    try {
      // Inside the job's call context, as in an in-process worker.
      const value: unknown = await runInCallContext(callContextFrom(message.context), () =>
        (handler as (args: unknown, context: TaskContext) => unknown).call(
          handlers,
          message.args,
          contextFor(message.id, message.context, call.controller, call),
        ),
      );
      send({ type: 'result', id: message.id, ok: true, value });
    } catch (error) {
      send({ type: 'result', id: message.id, ok: false, error: toWire(error) });
    }
  } finally {
    if (current === call) current = undefined;
  }
}

async function main(): Promise<void> {
  if (process.send === undefined) {
    process.stderr.write('sandbox-child: start it with child_process.fork (it needs an IPC channel)\n');
    process.exit(1);
  }
  process.on('disconnect', () => process.exit(0));
  process.on('uncaughtException', (error) => exitWith({ type: 'fatal', error: toWire(error) }, 1));
  startWatchdog();

  const url = moduleRef.startsWith('file:') ? moduleRef : pathToFileURL(moduleRef).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    exitWith(
      {
        type: 'startup-error',
        code: 'SFR1320',
        problem: `the sandboxed handlers module ${moduleRef} cannot be imported: ${error instanceof Error ? error.message : String(error)}`,
        hint: "check the path (a file URL or an absolute path: sandboxed(new URL('./tasks.js', import.meta.url))), that the module is built, and that it imports without error; a .ts module needs the worker to run under tsx (node --import tsx)",
      },
      1,
    );
    return;
  }
  const handlers = module[exportName];
  if (typeof handlers !== 'object' || handlers === null) {
    const exports = Object.keys(module).sort();
    exitWith(
      {
        type: 'startup-error',
        code: 'SFR1321',
        problem: `the sandboxed module ${moduleRef} has no handlers object under export \`${exportName}\` (its exports: ${exports.length === 0 ? 'none' : exports.map((name) => `\`${name}\``).join(', ')})`,
        hint: `export the handlers object as \`${exportName}\` (\`export default { sendReceipt: async (args, context) => … }\`), or pass its export name: sandboxed(url, 'handlers')`,
      },
      1,
    );
    return;
  }
  const tasks: string[] = [];
  for (
    let object: object | null = handlers;
    object !== null && object !== Object.prototype;
    object = Object.getPrototypeOf(object) as object | null
  )
    for (const name of Object.getOwnPropertyNames(object))
      if (name !== 'constructor' && typeof (handlers as Handlers)[name] === 'function' && !tasks.includes(name))
        tasks.push(name);

  process.on('message', (message: ParentMessage) => {
    switch (message.type) {
      case 'run':
        void run(handlers as Handlers, message);
        break;
      case 'abort':
        if (current?.id === message.id) current.controller.abort(fromWire(message.reason));
        break;
      case 'children':
        if (current?.id === message.id && current.children !== undefined) {
          if (message.ok) current.children.resolve(message.results);
          else current.children.reject(fromWire(message.error));
        }
        break;
    }
  });
  send({ type: 'ready', tasks: tasks.sort() });
}

await main();
