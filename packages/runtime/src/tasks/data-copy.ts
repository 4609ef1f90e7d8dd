/**
 * A deep copy of job data (args, results): what `structuredClone` gives, at a fraction of its cost
 * for the plain data a job carries (objects, arrays, strings, numbers, booleans, null). Anything else
 * (a Date, a Map, a typed array, an object with a prototype of its own, a function) is copied by
 * `structuredClone` itself, and fails the same way (`DataCloneError`). A structure nested deeper
 * than {@link MAX_DEPTH} (or a cycle) is copied whole by `structuredClone`, which keeps cycles.
 */
const MAX_DEPTH = 64;

class TooDeep extends Error {}

export function copyData<T>(value: T): T {
  try {
    return copy(value, 0) as T;
  } catch (error) {
    if (error instanceof TooDeep) return structuredClone(value);
    throw error;
  }
}

function copy(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null) {
    // Functions and symbols: structuredClone throws its DataCloneError.
    return typeof value === 'function' || typeof value === 'symbol' ? structuredClone(value) : value;
  }
  if (depth >= MAX_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return structuredClone(value);
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i], depth + 1);
    return out;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = copy((value as Record<string, unknown>)[key], depth + 1);
    // An own `__proto__` (JSON.parse makes one) stays a member, as structuredClone keeps it; never the prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: member, enumerable: true, writable: true, configurable: true });
    else out[key] = member;
  }
  return out;
}
