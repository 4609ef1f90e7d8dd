/**
 * The call context: the request id and W3C trace context of the request, message or job being
 * handled, kept in an `AsyncLocalStorage` so that an internal call made anywhere below a controller,
 * an event handler or a task handler passes them on without being handed them. The HTTP pipeline,
 * the event consumers and the task workers run each handler inside one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';
import type { CallContext } from './types.js';

const storage = new AsyncLocalStorage<CallContext>();

/** Runs `fn` with `context` as the current call context: what internal calls inside it pass on. */
export function runInCallContext<T>(context: CallContext, fn: () => T): T {
  return storage.run(Object.freeze({ ...context }), fn);
}

/** The context of the request, message or job being handled; `undefined` outside any. */
export function currentCallContext(): CallContext | undefined {
  return storage.getStore();
}

// version-traceid-parentid-flags, lower-case hex (W3C Trace Context, level 1). Version 00 has
// exactly these four fields; a later version may append more after a `-`.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_PARENT = '0'.repeat(16);

/** The parts of a valid `traceparent` header, or `undefined` for anything W3C Trace Context rejects. */
export function parseTraceparent(
  value: string | undefined,
): { version: string; traceId: string; parentId: string; flags: string } | undefined {
  if (value === undefined || value.length > 512) return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string?,
  ];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (traceId === ZERO_TRACE || parentId === ZERO_PARENT) return undefined;
  return { version, traceId, parentId, flags };
}

/** Is `value` a `traceparent` W3C Trace Context accepts? */
export function isValidTraceparent(value: string | undefined): value is string {
  return parseTraceparent(value) !== undefined;
}

// Random bytes are drawn from a pool refilled 4 KiB at a time (as Node's randomUUID does): one
// randomFillSync per 256 trace parents instead of one crypto call each.
const POOL = Buffer.alloc(4096);
let pooled = POOL.length;

function randomHex(bytes: number, zero: string): string {
  if (pooled + bytes > POOL.length) {
    randomFillSync(POOL);
    pooled = 0;
  }
  const hex = POOL.toString('hex', pooled, pooled + bytes);
  pooled += bytes;
  // An all-zero id is invalid (a chance of 2^-64, but exact costs nothing).
  return hex === zero ? `${zero.slice(1)}1` : hex;
}

/** A new trace: a fresh trace id and parent id, sampled flag set. */
export function newTraceparent(): string {
  return `00-${randomHex(16, ZERO_TRACE)}-${randomHex(8, ZERO_PARENT)}-01`;
}

/**
 * The `traceparent` of an outgoing call made while handling `parent`: the same trace id and
 * flags, a new parent id (the call's own span). A new trace when `parent` is absent or invalid.
 */
export function childTraceparent(parent: string | undefined): string {
  const parsed = parseTraceparent(parent);
  if (!parsed) return newTraceparent();
  return `00-${parsed.traceId}-${randomHex(8, ZERO_PARENT)}-${parsed.flags}`;
}

/** The trace id of a `traceparent`, or `undefined` when it is not valid. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  return parseTraceparent(traceparent)?.traceId;
}

/**
 * The call context of a message or job being handled: its request id, and its `traceparent` when
 * valid, otherwise a new trace (so that the calls one handler makes still share one trace).
 */
export function callContextFrom(origin: {
  requestId?: string | undefined;
  traceparent?: string | undefined;
}): CallContext {
  const traceparent = isValidTraceparent(origin.traceparent) ? origin.traceparent : newTraceparent();
  return origin.requestId === undefined ? { traceparent } : { requestId: origin.requestId, traceparent };
}
