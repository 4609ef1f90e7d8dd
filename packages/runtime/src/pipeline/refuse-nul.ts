import { joinPointer } from '@specfirst/spec-core/json-pointer';
import type { RequestPart, ValidationFailure } from '../validation.js';

/** What a failure of {@link nulFailures} says. */
export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

/**
 * The refuse-NUL check (`refuseNul: true`): a failure for each string of the request, and each
 * object key, that holds U+0000, pointed at as a validation failure is (`/body/user/bio`,
 * `/params/slug`), at most `limit` of them. JSON and URLs can carry NUL (`\u0000`, `%00`) and JSON
 * Schema accepts it, but PostgreSQL's `text` and `jsonb`, and every C string, cannot hold it: a
 * service that stores text refuses it here, as a client's mistake, rather than fail in its store.
 * Raw bodies (bytes) are not looked into. It walks with a stack of its own, so that no nesting
 * depth overflows the call stack.
 */
export function nulFailures(
  parts: Readonly<Partial<Record<RequestPart, unknown>>>,
  limit: number,
): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  // Last in, first out: pushed in reverse, so that failures come in document order.
  const pending: [value: unknown, pointer: string][] = (['params', 'query', 'headers', 'body'] as const)
    .filter((part) => Object.hasOwn(parts, part))
    .map((part): [unknown, string] => [parts[part], `/${part}`])
    .reverse();
  while (pending.length > 0 && failures.length < limit) {
    const [value, pointer] = pending.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (value.includes('\u0000')) failures.push({ pointer, message: NUL_MESSAGE });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push([value[i], joinPointer(pointer, i)]);
    } else if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value)) {
      const children: [unknown, string][] = [];
      for (const key of Object.keys(value)) {
        const here = joinPointer(pointer, key);
        if (key.includes('\u0000')) failures.push({ pointer: here, message: NUL_MESSAGE });
        else children.push([(value as Record<string, unknown>)[key], here]);
      }
      // One push per child: spreading a body's keys into arguments overflows the stack when
      // there are a hundred thousand of them.
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]!);
    }
  }
  return failures.slice(0, limit);
}
