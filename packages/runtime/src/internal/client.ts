/**
 * `createInternalClient`: what a generated internal client (`generated/internal/<caller>/<callee>.ts`)
 * runs on. It is the public client's `callOperation` with what a call between two services of one
 * deployment needs on top: the callee's URL from the environment, a time limit per attempt, bounded
 * retries of idempotent calls, the request id and trace passed on from the call context, and the
 * caller's signed identity.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { CALLER_HEADERS } from '@specfirst/spec-core/connectivity';
import { callOperation, declares, type ClientOperation } from '../client.js';
import { SpecFirstRuntimeError, type RuntimeErrorCode } from '../errors.js';
import { childTraceparent, currentCallContext, isValidTraceparent } from './call-context.js';
import { NONCE_HEADER, newNonce, signCall } from './signature.js';
import type { InternalCallOptions, InternalClientOptions, InternalClientTable } from './types.js';

/** The defaults of {@link InternalClientOptions}. */
export const INTERNAL_CLIENT_DEFAULTS = { timeoutMs: 10_000, retries: 2, retryDelayMs: 100 } as const;

/** Most retries a client or a call may ask for: a retry storm inside a deployment hurts every service. */
export const MAX_INTERNAL_RETRIES = 10;

/** The longest wait between two attempts, however many doublings of retryDelayMs came before. */
const MAX_RETRY_PAUSE_MS = 60_000;

/** Methods a retry cannot make happen twice (RFC 9110 §9.2.2). POST and PATCH are never retried. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Answers that say "the callee (or a proxy in front of it) could not answer now": worth a retry. */
const RETRY_STATUSES = new Set([502, 503, 504]);

/** The codes a callee's caller guard answers its 403 problems with. */
const GUARD_CODES = new Set<RuntimeErrorCode>(['SFR4403', 'SFR4404', 'SFR4405', 'SFR4406', 'SFR4407', 'SFR4408']);

const SANE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** A method of an internal client before the generated interface gives it its types. */
export type InternalClientMethod = (
  input?: Record<string, unknown>,
  call?: InternalCallOptions,
) => Promise<{ status: number; body: unknown; headers: Headers }>;

/**
 * An internal call that failed: it timed out (`SFR4401`), could not reach the callee (`SFR4402`),
 * was refused by the callee's caller guard (`SFR4403`–`SFR4408`, with the callee's problem detail),
 * or was given options that are not valid (`SFR4409`).
 */
export class InternalCallError extends SpecFirstRuntimeError {
  readonly caller: string;
  readonly callee: string;
  readonly operation: string;
  /** The attempts made (1 when nothing was retried). */
  readonly attempts: number;

  constructor(
    code: RuntimeErrorCode,
    where: { caller: string; callee: string; operation: string; attempts: number },
    problem: string,
    hint: string,
    cause?: unknown,
  ) {
    super(code, problem, hint);
    this.name = 'InternalCallError';
    this.caller = where.caller;
    this.callee = where.callee;
    this.operation = where.operation;
    this.attempts = where.attempts;
    if (cause !== undefined) this.cause = cause;
  }
}

/** fetch rejected (not by an abort): nothing was answered. */
class ConnectFailure extends Error {
  constructor(readonly reason: unknown) {
    super('the connection failed');
  }
}

/** A 502/503/504 on an attempt that will be retried; its body was discarded. */
class RetryStatus extends Error {
  constructor(readonly status: number) {
    super(`answered ${status}`);
  }
}

/** A 403 problem of the callee's caller guard. */
class GuardRefusal extends Error {
  constructor(
    readonly code: RuntimeErrorCode,
    readonly detail: string,
    readonly hint: string | undefined,
  ) {
    super(detail);
  }
}

interface Settings {
  baseUrl: string;
  key: string | undefined;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  fetch: typeof fetch;
}

function settingsError(table: InternalClientTable, option: string, value: unknown, expected: string): never {
  throw new SpecFirstRuntimeError(
    'SFR1402',
    `${table.caller}'s internal client of ${table.callee}: option \`${option}\` must be ${expected}; got ${String(value)}`,
    `leave it unset for the default (${String(INTERNAL_CLIENT_DEFAULTS[option as keyof typeof INTERNAL_CLIENT_DEFAULTS])})`,
  );
}

function checkCount(value: number | undefined, min: number, max: number): boolean {
  return value === undefined || (Number.isInteger(value) && value >= min && value <= max);
}

function resolveSettings(table: InternalClientTable, options: InternalClientOptions): Settings {
  const env = options.env ?? process.env;
  const fromEnv = env[table.urlEnv];
  const given = options.baseUrl ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  const baseUrl = given ?? table.defaultUrl;
  const source =
    options.baseUrl !== undefined
      ? 'options.baseUrl'
      : given !== undefined
        ? table.urlEnv
        : `the default of ${table.urlEnv}`;
  let url: URL | undefined;
  try {
    url = new URL(baseUrl);
  } catch {
    url = undefined;
  }
  if (url && (url.username !== '' || url.password !== '')) {
    // Never printed: the URL holds a secret.
    throw new SpecFirstRuntimeError(
      'SFR1401',
      `${table.caller}'s internal client of ${table.callee}: the base URL from ${source} holds credentials (user or password before \`@\`)`,
      `set ${table.urlEnv} to ${table.callee}'s origin without credentials, e.g. \`${table.defaultUrl}\`: calls are authenticated by the edge's key (${table.keyEnv}); a proxy's credentials go in the \`headers\` option`,
    );
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new SpecFirstRuntimeError(
      'SFR1401',
      `${table.caller}'s internal client of ${table.callee}: the base URL \`${redact(baseUrl)}\` (from ${source}) is not an http(s) URL without query or fragment`,
      `set ${table.urlEnv} to ${table.callee}'s origin, e.g. \`${table.defaultUrl}\` (the client adds \`${table.basePath}\`)`,
    );
  }
  if (options.key === '') {
    throw new SpecFirstRuntimeError(
      'SFR1403',
      `${table.caller}'s internal client of ${table.callee}: options.key is empty`,
      `leave it unset to read ${table.keyEnv}, or give the key ${table.callee} checks ${table.caller}'s calls with`,
    );
  }
  const envKey = env[table.keyEnv];
  const key = options.key ?? (envKey !== undefined && envKey !== '' ? envKey : undefined);
  const timeoutMs = options.timeoutMs;
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0 && timeoutMs <= 2_147_483_647))
    settingsError(table, 'timeoutMs', timeoutMs, 'a positive integer (ms)');
  if (!checkCount(options.retries, 0, MAX_INTERNAL_RETRIES))
    settingsError(table, 'retries', options.retries, `an integer from 0 to ${MAX_INTERNAL_RETRIES}`);
  if (!checkCount(options.retryDelayMs, 0, 60_000))
    settingsError(table, 'retryDelayMs', options.retryDelayMs, 'an integer from 0 to 60000 (ms)');
  return {
    baseUrl: url.href.replace(/\/+$/, ''),
    key,
    timeoutMs: timeoutMs ?? INTERNAL_CLIENT_DEFAULTS.timeoutMs,
    retries: options.retries ?? INTERNAL_CLIENT_DEFAULTS.retries,
    retryDelayMs: options.retryDelayMs ?? INTERNAL_CLIENT_DEFAULTS.retryDelayMs,
    fetch: options.fetch ?? fetch,
  };
}

/** The call's own settings, checked: they are the caller's code, so a mistake is an SFR4409. */
function callSettings(
  table: InternalClientTable,
  name: string,
  settings: Settings,
  call: InternalCallOptions,
): { timeoutMs: number; retries: number } {
  const invalid = (option: string, value: unknown, expected: string): never => {
    throw new InternalCallError(
      'SFR4409',
      { caller: table.caller, callee: table.callee, operation: name, attempts: 0 },
      `the call of ${table.callee}.${name}: option \`${option}\` must be ${expected}; got ${String(value)}`,
      'nothing was sent; fix the option or leave it unset for the default of the client',
    );
  };
  if (call.timeoutMs !== undefined && !(Number.isInteger(call.timeoutMs) && call.timeoutMs > 0))
    invalid('timeoutMs', call.timeoutMs, 'a positive integer (ms)');
  if (!checkCount(call.retries, 0, MAX_INTERNAL_RETRIES))
    invalid('retries', call.retries, `an integer from 0 to ${MAX_INTERNAL_RETRIES}`);
  if (call.traceparent !== undefined && !isValidTraceparent(call.traceparent))
    invalid('traceparent', JSON.stringify(call.traceparent), 'a W3C traceparent (`00-<32 hex>-<16 hex>-<2 hex>`)');
  if (call.requestId !== undefined && !SANE_REQUEST_ID.test(call.requestId))
    invalid('requestId', JSON.stringify(call.requestId), '1 to 128 letters, digits or `_.:@-`');
  return { timeoutMs: call.timeoutMs ?? settings.timeoutMs, retries: call.retries ?? settings.retries };
}

/** A text that failed to parse as a URL, with anything between `//` and `@` hidden: it may hold a password. */
function redact(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}

/** What to do about a refusal the callee explained only with its code (it does not tell strangers why). */
const GUARD_HINTS: Partial<Record<RuntimeErrorCode, string>> = {
  SFR4404:
    "the callee does not know this caller: check that both were deployed from the same spec/services.yaml, and the callee's log",
  SFR4405:
    "the callee lacks this edge's key: set the same key variable in the callee's environment (the deployment files do)",
  SFR4406:
    "the signature did not hold: give the caller and the callee the same key of this edge; a proxy must not rewrite the path or query; see the callee's log",
  SFR4407: "the call's timestamp was refused: synchronise the services' clocks (NTP); see the callee's log",
  SFR4408: 'the callee requires a caller identity for this operation',
};

/** The guard's refusal in a 403 answer, if it is one (read from a clone: the body stays readable). */
async function readGuardRefusal(response: Response): Promise<GuardRefusal | undefined> {
  if (!(response.headers.get('content-type') ?? '').includes('json')) return undefined;
  let problem: unknown;
  try {
    problem = await response.clone().json();
  } catch {
    return undefined;
  }
  if (typeof problem !== 'object' || problem === null) return undefined;
  const { code, detail, hint } = problem as { code?: unknown; detail?: unknown; hint?: unknown };
  if (typeof code !== 'string' || !GUARD_CODES.has(code as RuntimeErrorCode)) return undefined;
  return new GuardRefusal(
    code as RuntimeErrorCode,
    typeof detail === 'string' ? detail : 'the caller was refused',
    typeof hint === 'string' ? hint : undefined,
  );
}

/**
 * Builds an internal client: one method per operation of `table`, each `(input, call?)` as the
 * public client's, answering the callee's status-discriminated result. Generated
 * `create<Callee>InternalClient` functions call this and give the result its precise type.
 *
 * - Base URL: `options.baseUrl`, else `env[table.urlEnv]`, else `table.defaultUrl`; checked here
 *   (`SFR1401`), as are the numeric options (`SFR1402`).
 * - Each attempt has `timeoutMs`; the call's `signal` aborts it too. A timeout throws an
 *   {@link InternalCallError} `SFR4401`; an abort by `signal` rejects with the signal's reason.
 * - GET, HEAD, OPTIONS, PUT and DELETE are retried (at most `retries` times, waiting
 *   `retryDelayMs`, doubled each time) when the connection fails or the callee answers 502, 503
 *   or 504; POST and PATCH never. A callee that stays unreachable throws `SFR4402`.
 * - `x-request-id` and `traceparent` come from the call options, else from the current call
 *   context (the same request id; the same trace with a new parent id), else a new trace.
 * - With a key (`options.key`, else `env[table.keyEnv]`), every attempt is signed (see signCall).
 *   A 403 of the callee's caller guard throws `SFR4403`–`SFR4408` with the callee's explanation.
 */
export function createInternalClient(
  table: InternalClientTable,
  options: InternalClientOptions = {},
): Record<string, InternalClientMethod> {
  const settings = resolveSettings(table, options);
  const client: Record<string, InternalClientMethod> = {};
  for (const [name, operation] of Object.entries(table.operations)) {
    client[name] = (input, call) => callInternal(table, settings, options, name, operation, input, call);
  }
  return client;
}

async function callInternal(
  table: InternalClientTable,
  settings: Settings,
  options: InternalClientOptions,
  name: string,
  operation: ClientOperation,
  input: Record<string, unknown> = {},
  call: InternalCallOptions = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const { timeoutMs, retries: allowed } = callSettings(table, name, settings, call);
  const method = operation.method.toUpperCase();
  const retries = IDEMPOTENT.has(method) ? allowed : 0;
  const context = currentCallContext();
  // A message's or job's request id came from elsewhere: passed on only when it is a plain one.
  const inherited = context?.requestId;
  const requestId =
    call.requestId ?? (inherited !== undefined && SANE_REQUEST_ID.test(inherited) ? inherited : undefined);
  const where = (attempts: number) => ({ caller: table.caller, callee: table.callee, operation: name, attempts });
  let target = `${settings.baseUrl}${table.basePath}${operation.path}`;

  for (let attempt = 0; attempt <= retries; attempt++) {
    const last = attempt === retries;
    const trace: Record<string, string> = {
      traceparent: call.traceparent ?? childTraceparent(context?.traceparent),
    };
    if (requestId !== undefined) trace['x-request-id'] = requestId;
    const attemptFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
      target = String(url);
      if (init?.headers instanceof Headers) {
        const sent = new URL(String(url));
        const call = {
          caller: table.caller,
          callee: table.callee,
          method: init.method ?? 'GET',
          target: `${sent.pathname}${sent.search}`,
          timestamp: Date.now(),
          nonce: newNonce(),
        };
        // Without a key the call still says who sends it, unsigned: a guarded callee refuses it
        // (SFR4406) rather than taking it for outside traffic.
        const identity =
          settings.key !== undefined
            ? signCall(settings.key, call)
            : {
                [CALLER_HEADERS.caller]: call.caller,
                [CALLER_HEADERS.timestamp]: String(call.timestamp),
                [NONCE_HEADER]: call.nonce,
              };
        init.headers.delete(CALLER_HEADERS.signature);
        for (const [header, value] of Object.entries(identity)) init.headers.set(header, value);
      }
      let response: Response;
      try {
        response = await settings.fetch(url, init);
      } catch (error) {
        if (init?.signal?.aborted) throw error;
        throw new ConnectFailure(error);
      }
      if (response.status === 403) {
        const refusal = await readGuardRefusal(response);
        if (refusal) throw refusal;
      }
      if (RETRY_STATUSES.has(response.status) && (!last || !declares(operation.statuses, response.status))) {
        await response.body?.cancel();
        throw new RetryStatus(response.status);
      }
      return response;
    };
    // A timer of our own, cleared when the attempt ends: cheaper than AbortSignal.timeout, whose
    // timer lives on until it fires.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout.signal]) : timeout.signal;
    try {
      return await callOperation(
        name,
        operation,
        table.basePath,
        { baseUrl: settings.baseUrl, fetch: attemptFetch, ...(options.headers ? { headers: options.headers } : {}) },
        input,
        { signal, headers: { ...call.headers, ...trace } },
      );
    } catch (error) {
      clearTimeout(timer);
      if (call.signal?.aborted) throw call.signal.reason;
      if (timeout.signal.aborted) {
        throw new InternalCallError(
          'SFR4401',
          where(attempt + 1),
          `${table.caller}'s call of ${table.callee}.${name} (${method} ${target}) got no answer within ${timeoutMs} ms` +
            (attempt > 0 ? ` (attempt ${attempt + 1})` : ''),
          `${table.callee} may be stuck or overloaded: look for request id ${requestId ?? '(none)'} in its log; ` +
            'a timed-out call is not retried, as the callee may still be acting on it; raise timeoutMs (client option or per call) if the operation is slow by design',
          error,
        );
      }
      if (error instanceof GuardRefusal) {
        // The callee's own words, without the code and hint it repeats; for an undeclared edge the
        // client knows the callee's name, which the callee may not.
        let reason = error.detail.startsWith(`${error.code} `)
          ? error.detail.slice(error.code.length + 1)
          : error.detail;
        if (error.hint !== undefined && reason.endsWith(`; ${error.hint}`))
          reason = reason.slice(0, reason.length - error.hint.length - 2);
        const edge = `\`${table.caller}: consumes.operations: [${table.callee}.${name}]\``;
        throw new InternalCallError(
          error.code,
          where(attempt + 1),
          `${table.callee} refused ${table.caller}'s call of ${name}: ${reason}`,
          error.code === 'SFR4403'
            ? `${table.callee}'s spec does not list ${table.caller} as a caller: add ${edge} to spec/services.yaml, run specfirst sync and deploy ${table.callee} again`
            : `${GUARD_HINTS[error.code] ?? error.hint ?? `see ${table.callee}'s log`} (key: ${table.keyEnv})`,
        );
      }
      const retryable = error instanceof ConnectFailure || error instanceof RetryStatus;
      if (retryable && !last) {
        const pause = Math.min(settings.retryDelayMs * 2 ** attempt, MAX_RETRY_PAUSE_MS);
        try {
          await sleep(pause, undefined, call.signal ? { signal: call.signal } : {});
        } catch {
          throw call.signal?.reason;
        }
        continue;
      }
      if (error instanceof RetryStatus) {
        throw new InternalCallError(
          'SFR4402',
          where(attempt + 1),
          `${table.callee} could not answer ${table.caller}'s call of ${name} (${method} ${target}): ` +
            `it answered ${error.status}${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}, a status its spec does not declare`,
          `${table.callee} (or a proxy in front of it) is overloaded or down: look for request id ${requestId ?? '(none)'} in its log`,
        );
      }
      if (error instanceof ConnectFailure) {
        const reason = error.reason instanceof Error ? causeText(error.reason) : String(error.reason);
        throw new InternalCallError(
          'SFR4402',
          where(attempt + 1),
          `${table.caller} could not reach ${table.callee} for ${name} (${method} ${target})` +
            `${attempt > 0 ? ` in ${attempt + 1} attempts` : ''}: ${reason}`,
          `is ${table.callee} running and listening there? Its URL comes from ${table.urlEnv}` +
            ` (when unset: ${table.defaultUrl})`,
          error.reason,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
  // Unreachable: the last attempt returns or throws.
  throw new Error('internal client: no attempt was made');
}

/** fetch's `TypeError: fetch failed` hides the reason in `cause` (`connect ECONNREFUSED 127.0.0.1:3001`). */
function causeText(error: Error): string {
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return cause.message !== '' ? cause.message : typeof code === 'string' ? code : error.message;
  }
  return error.message;
}
