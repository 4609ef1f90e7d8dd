/**
 * Sandboxed handlers: a pool of child processes that import the handlers' module and run one job
 * each at a time, so that a handler ignoring its time limit is killed for real.
 *
 * The worker aborts a call's `context.signal` at the time limit (and fails the attempt at once);
 * the runner then tells the child, which aborts the handler's own signal, and takes the child out
 * of the pool, starting a replacement at once. A handler that has not settled `killAfterMs` later
 * (a `while (true) {}`, a promise that never settles) is SIGKILLed with its process, and the call
 * rejects with the signal's reason. A child that dies on its own (an uncaught exception,
 * `process.exit`) fails its call with `SFR4330` and is replaced too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpecFirstRuntimeError, type RuntimeErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import { fromWire, toWire, type ChildMessage, type ParentMessage, type WireContext } from './sandbox-protocol.js';
import type { HandlerRunner, SandboxedHandlers, TaskContext } from './types.js';

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
  /** The tasks the worker runs: `ready()` fails with `SFR1322` when the module has no function for one. */
  tasks?: readonly string[];
}

/** A {@link HandlerRunner} of child processes. */
export interface SandboxRunner extends HandlerRunner {
  /**
   * Starts the pool (`size` children) and waits until each imported the module: rejects with the
   * start-up error (`SFR1320` cannot import, `SFR1321` no handlers export, `SFR1322` no function
   * for a task in `options.tasks`, `SFR1325` a child exited while starting). Optional: `run` starts
   * children as it needs them, and fails with the same error.
   */
  ready(): Promise<void>;
  /** The pids of the child processes alive now (for operations and tests). */
  pids(): number[];
}

/** An error of the sandbox: a start-up error (`SFR132x`) or one of a call (`SFR433x`). */
export class SandboxError extends SpecFirstRuntimeError {
  constructor(code: RuntimeErrorCode, problem: string, hint: string, options?: { cause?: unknown }) {
    super(code, problem, hint);
    this.name = 'SandboxError';
    if (options?.cause !== undefined)
      Object.defineProperty(this, 'cause', { value: options.cause, configurable: true, writable: true });
  }
}

/** The built child entry: next to this file in dist/, or dist/ when this file runs from src/ (tests, tsx). */
function childEntry(): string {
  const here = import.meta.url;
  return fileURLToPath(
    here.endsWith('.ts') ? new URL('../../dist/tasks/sandbox-child.js', here) : new URL('./sandbox-child.js', here),
  );
}

/** The parent's Node flags (`--import tsx`, `--conditions`…), without those that would clash in a child (a debugger's port). */
function childExecArgv(): string[] {
  return process.execArgv.filter((flag) => !/^--(inspect|debug)/.test(flag));
}

interface Call {
  id: number;
  task: string;
  args: unknown;
  context: TaskContext;
  sandbox?: Sandbox;
  settled: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onAbort(): void;
  killTimer?: NodeJS.Timeout;
}

interface Sandbox {
  process: ChildProcess;
  /** `retiring`: its call was aborted; it leaves the pool and dies when the call settles or at `killAfterMs`. */
  state: 'starting' | 'idle' | 'busy' | 'retiring' | 'gone';
  ready: Promise<void>;
  markReady(): void;
  failStart(error: SandboxError): void;
  startupError?: SandboxError;
  fatal?: string;
  call?: Call | undefined;
}

export function createSandboxRunner(
  handlers: SandboxedHandlers<unknown>,
  options: SandboxRunnerOptions,
): SandboxRunner {
  const { size, killAfterMs = 1000 } = options;
  if (!Number.isInteger(size) || size < 1)
    throw new SandboxError(
      'SFR1323',
      `the sandbox size must be a positive integer; got ${String(size)}`,
      "it is the worker's concurrency: leave it unset (1) or give the number of jobs to run at once",
    );
  if (!Number.isInteger(killAfterMs) || killAfterMs < 0)
    throw new SandboxError(
      'SFR1323',
      `killAfterMs must be a whole number of milliseconds, 0 or more; got ${String(killAfterMs)}`,
      'leave it unset (1000): how long a handler may run on after its signal aborted before its process is killed',
    );
  const moduleRef = handlers.module;
  if (!(moduleRef.startsWith('file:') || isAbsolute(moduleRef)))
    throw new SandboxError(
      'SFR1324',
      `the sandboxed module must be a file URL or an absolute path; got ${JSON.stringify(moduleRef)}`,
      "resolve it against your module: sandboxed(new URL('./tasks.js', import.meta.url))",
    );
  return new SandboxPool(moduleRef, handlers.exportName, size, killAfterMs, options.logger, options.tasks);
}

class SandboxPool implements SandboxRunner {
  readonly #children = new Set<Sandbox>();
  readonly #waiting: Call[] = [];
  #closed = false;
  /** A start-up error before the pool was ever ready: every call fails with it. */
  #broken?: SandboxError;
  /** Whether a child was ever ready (later start-up failures are retried, not fatal). */
  #started = false;
  #tasks?: string[];
  #nextId = 1;
  #respawnTimer?: NodeJS.Timeout | undefined;
  readonly #killAll = () => {
    for (const sandbox of this.#children) sandbox.process.kill('SIGKILL');
  };

  private readonly moduleRef: string;
  private readonly exportName: string;
  private readonly size: number;
  private readonly killAfterMs: number;
  private readonly logger: Logger;
  private readonly expectedTasks: readonly string[] | undefined;

  constructor(
    moduleRef: string,
    exportName: string,
    size: number,
    killAfterMs: number,
    logger: Logger,
    expectedTasks: readonly string[] | undefined,
  ) {
    this.moduleRef = moduleRef;
    this.exportName = exportName;
    this.size = size;
    this.killAfterMs = killAfterMs;
    this.logger = logger;
    this.expectedTasks = expectedTasks;
  }

  pids(): number[] {
    return [...this.#children].flatMap((sandbox) => (sandbox.process.pid === undefined ? [] : [sandbox.process.pid]));
  }

  async ready(): Promise<void> {
    if (this.#closed) throw this.#closedError();
    if (this.#broken) throw this.#broken;
    this.#replenish();
    await Promise.all([...this.#children].map((sandbox) => sandbox.ready));
    if (this.#broken) throw this.#broken;
    const missing = (this.expectedTasks ?? []).filter((task) => !(this.#tasks ?? []).includes(task));
    if (missing.length > 0)
      throw new SandboxError(
        'SFR1322',
        `the sandboxed handlers of ${this.moduleRef} (export \`${this.exportName}\`) have no function for task ${missing.map((task) => `\`${task}\``).join(', ')}`,
        `add ${missing.map((task) => `\`${task}(args, context)\``).join(', ')} to them: the worker's generated handlers interface lists every task it runs`,
      );
  }

  run(task: string, args: unknown, context: TaskContext): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closedError());
    if (this.#broken) return Promise.reject(this.#broken);
    if (context.signal.aborted) return Promise.reject(context.signal.reason);
    return new Promise((resolve, reject) => {
      const call: Call = {
        id: this.#nextId++,
        task,
        args,
        context,
        settled: false,
        resolve,
        reject,
        onAbort: () => this.#abort(call),
      };
      context.signal.addEventListener('abort', call.onAbort, { once: true });
      this.#waiting.push(call);
      this.#replenish();
      this.#dispatch();
    });
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    clearTimeout(this.#respawnTimer);
    for (const call of this.#waiting.splice(0)) this.#settle(call, { error: this.#closedError() });
    for (const sandbox of this.#children) {
      // An aborted call's child dies at its kill timer (or when the handler settles): it may be cleaning up.
      if (sandbox.state === 'retiring') continue;
      if (sandbox.call) this.#settle(sandbox.call, { error: this.#closedError() });
      sandbox.process.kill('SIGKILL');
    }
    return Promise.resolve();
  }

  #closedError(): SandboxError {
    return new SandboxError(
      'SFR4334',
      `the sandbox runner of ${this.moduleRef} is closed`,
      'the worker stopped: create a new worker to run jobs again',
    );
  }

  /** Keeps `size` children starting, idle or busy (retiring ones do not count). */
  #replenish(): void {
    if (this.#closed || this.#broken || this.#respawnTimer) return;
    let live = 0;
    for (const sandbox of this.#children) if (sandbox.state !== 'retiring' && sandbox.state !== 'gone') live++;
    for (; live < this.size && !this.#broken; live++) this.#spawn();
  }

  #spawn(): void {
    const entry = childEntry();
    if (!existsSync(entry)) {
      this.#fail(
        new SandboxError(
          'SFR1325',
          `the sandbox's child entry ${entry} does not exist`,
          'build @specfirst/runtime (pnpm build): sandboxed handlers run in its built dist/tasks/sandbox-child.js',
        ),
      );
      return;
    }
    const child = fork(entry, [this.moduleRef, this.exportName, String(process.pid)], {
      execArgv: childExecArgv(),
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markReady!: () => void;
    let failStart!: (error: SandboxError) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    // Awaited by ready() and #dispatch(); never an unhandled rejection.
    ready.catch(() => undefined);
    const sandbox: Sandbox = { process: child, state: 'starting', ready, markReady, failStart };
    if (this.#children.size === 0) process.on('exit', this.#killAll);
    this.#children.add(sandbox);
    child.on('message', (message: ChildMessage) => this.#onMessage(sandbox, message));
    child.on('exit', (code, signal) => this.#onExit(sandbox, code, signal));
    child.on('error', (error) => {
      this.logger.error({ code: 'SFR4330', pid: child.pid, error: error.message }, 'a sandbox child process failed');
      if (sandbox.state === 'starting')
        sandbox.startupError = new SandboxError(
          'SFR1325',
          `a sandbox child process for ${this.moduleRef} could not start: ${error.message}`,
          'check that the machine can start Node processes (memory, process limits)',
          { cause: error },
        );
      child.kill('SIGKILL');
    });
  }

  #onMessage(sandbox: Sandbox, message: ChildMessage): void {
    switch (message.type) {
      case 'ready':
        if (sandbox.state !== 'starting') return;
        this.#started = true;
        this.#tasks ??= message.tasks;
        sandbox.state = 'idle';
        this.#idle(sandbox);
        sandbox.markReady();
        this.#dispatch();
        return;
      case 'startup-error':
        sandbox.startupError = new SandboxError(message.code, message.problem, message.hint);
        return;
      case 'fatal':
        sandbox.fatal = `${message.error.name}: ${message.error.message}`;
        return;
      case 'log': {
        const call = sandbox.call;
        if (call?.id !== message.id) return;
        call.context.logger[message.level](message.fields, message.message);
        return;
      }
      case 'children': {
        const call = sandbox.call;
        if (call?.id !== message.id) return;
        call.context.childrenResults().then(
          (results) => this.#send(sandbox, { type: 'children', id: call.id, ok: true, results }),
          (error: unknown) => this.#send(sandbox, { type: 'children', id: call.id, ok: false, error: toWire(error) }),
        );
        return;
      }
      case 'result': {
        const call = sandbox.call;
        if (call?.id !== message.id) return;
        sandbox.call = undefined;
        this.#settle(call, message.ok ? { value: message.value } : { error: fromWire(message.error) });
        if (sandbox.state === 'retiring' || this.#closed) {
          // Its replacement is already starting (or the runner closed): this one goes.
          sandbox.process.kill('SIGKILL');
          return;
        }
        sandbox.state = 'idle';
        this.#idle(sandbox);
        this.#dispatch();
        return;
      }
    }
  }

  #onExit(sandbox: Sandbox, code: number | null, signal: NodeJS.Signals | null): void {
    const was = sandbox.state;
    sandbox.state = 'gone';
    this.#children.delete(sandbox);
    if (this.#children.size === 0) process.off('exit', this.#killAll);
    const how = signal === null ? `with code ${String(code)}` : `on ${signal}`;
    if (was === 'starting') {
      const error =
        sandbox.startupError ??
        new SandboxError(
          'SFR1325',
          `a sandbox child process for ${this.moduleRef} exited ${how} while importing it${sandbox.fatal ? ` (${sandbox.fatal})` : ''}`,
          'the module ends its process while it loads (process.exit, an uncaught error in a callback): import it with node alone to see why',
        );
      sandbox.failStart(error);
      if (this.#closed) return;
      if (!this.#started) {
        this.#fail(error);
        return;
      }
      // The pool ran before: a passing failure (memory, process limits). Try again, not in a hot loop.
      this.logger.error(
        { code: 'SFR4335', error: error.message },
        'SFR4335 a replacement sandbox child process could not start; trying again in 1 s',
      );
      this.#respawnTimer = setTimeout(() => {
        this.#respawnTimer = undefined;
        this.#replenish();
      }, 1000);
      this.#respawnTimer.unref();
      return;
    }
    const call = sandbox.call;
    sandbox.call = undefined;
    if (call && !call.settled) {
      this.logger.error(
        {
          code: 'SFR4330',
          task: call.task,
          jobId: call.context.jobId,
          pid: sandbox.process.pid,
          exitCode: code,
          signal,
          ...(sandbox.fatal === undefined ? {} : { uncaught: sandbox.fatal }),
        },
        'SFR4330 a sandbox child process died while running a handler; it is replaced',
      );
      this.#settle(call, {
        error: new SandboxError(
          'SFR4330',
          `the sandbox child process (pid ${String(sandbox.process.pid)}) running task \`${call.task}\` (job ${call.context.jobId}) exited ${how}${sandbox.fatal ? ` after an uncaught ${sandbox.fatal}` : ''}`,
          'a handler ended its process (process.exit, an uncaught error in a callback, out of memory); the process was replaced and the attempt fails like a thrown error',
        ),
      });
    }
    this.#replenish();
    this.#dispatch();
  }

  /** A start-up error before the pool ever ran: every waiting and future call fails with it. */
  #fail(error: SandboxError): void {
    this.#broken ??= error;
    for (const call of this.#waiting.splice(0)) this.#settle(call, { error: this.#broken });
    for (const sandbox of this.#children) sandbox.process.kill('SIGKILL');
  }

  #dispatch(): void {
    while (this.#waiting.length > 0) {
      const sandbox = [...this.#children].find((candidate) => candidate.state === 'idle');
      if (!sandbox) return;
      const call = this.#waiting.shift()!;
      sandbox.state = 'busy';
      sandbox.call = call;
      call.sandbox = sandbox;
      sandbox.process.ref();
      sandbox.process.channel?.ref();
      const left = call.context.timeLeftMs();
      const context: WireContext = {
        task: call.context.task,
        jobId: call.context.jobId,
        attempt: call.context.attempt,
        attempts: call.context.attempts,
        deadline: Number.isFinite(left) ? Date.now() + left : null,
      };
      if (call.context.requestId !== undefined) context.requestId = call.context.requestId;
      if (call.context.traceparent !== undefined) context.traceparent = call.context.traceparent;
      try {
        sandbox.process.send({
          type: 'run',
          id: call.id,
          task: call.task,
          args: call.args,
          context,
        } satisfies ParentMessage);
      } catch (error) {
        sandbox.call = undefined;
        sandbox.state = 'idle';
        this.#idle(sandbox);
        this.#settle(call, {
          error: new SandboxError(
            'SFR4332',
            `the args of task \`${call.task}\` (job ${call.context.jobId}) cannot be sent to its sandbox: ${error instanceof Error ? error.message : String(error)}`,
            'args are JSON: plain objects, arrays, strings, numbers, booleans and null',
            { cause: error },
          ),
        });
      }
    }
  }

  /** The worker aborted the call: tell the handler, retire its child, and kill it if it has not settled by `killAfterMs`. */
  #abort(call: Call): void {
    if (call.settled) return;
    const reason: unknown = call.context.signal.reason;
    const sandbox = call.sandbox;
    if (!sandbox) {
      this.#waiting.splice(this.#waiting.indexOf(call), 1);
      this.#settle(call, { error: reason });
      return;
    }
    sandbox.state = 'retiring';
    this.#send(sandbox, { type: 'abort', id: call.id, reason: toWire(reason) });
    call.killTimer = setTimeout(() => {
      if (call.settled || sandbox.call !== call) return;
      this.logger.warn(
        {
          code: 'SFR4333',
          task: call.task,
          jobId: call.context.jobId,
          pid: sandbox.process.pid,
          killAfterMs: this.killAfterMs,
        },
        'SFR4333 a sandboxed handler ignored its abort; its process is killed and replaced',
      );
      sandbox.call = undefined;
      this.#settle(call, { error: reason });
      sandbox.process.kill('SIGKILL');
    }, this.killAfterMs);
    // The replacement starts now, so that the next job does not wait for the kill.
    this.#replenish();
  }

  #settle(call: Call, outcome: { value: unknown } | { error: unknown }): void {
    if (call.settled) return;
    call.settled = true;
    call.context.signal.removeEventListener('abort', call.onAbort);
    clearTimeout(call.killTimer);
    if ('error' in outcome) call.reject(outcome.error);
    else call.resolve(outcome.value);
  }

  #send(sandbox: Sandbox, message: ParentMessage): void {
    if (!sandbox.process.connected) return;
    try {
      sandbox.process.send(message);
    } catch (error) {
      this.logger.warn(
        { code: 'SFR4332', pid: sandbox.process.pid, error: String(error) },
        'a message to a sandbox child could not be sent',
      );
    }
  }

  /** An idle child does not keep the worker's process alive. */
  #idle(sandbox: Sandbox): void {
    sandbox.process.unref();
    sandbox.process.channel?.unref();
  }
}
