import { FRAMEWORK_RESPONSES } from '@specfirst/spec-core/framework-responses';
import { createRequire } from 'node:module';
import { escapePointerSegment } from '@specfirst/spec-core/json-pointer';

/**
 * What generated validators need at run time. Validators are ajv "standalone" code compiled by
 * `specfirst sync`; the few helpers that code calls are re-exported here, so a generated project
 * depends on `@specfirst/runtime` alone and never compiles a schema at start-up.
 */

/** One failure as ajv reports it (the subset SpecFirst reads). */
export interface ValidatorError {
  instancePath: string;
  keyword: string;
  /** Where in the schema the failing keyword is: `#/properties/id/type`. */
  schemaPath?: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A precompiled validator: true when `data` is valid; otherwise `errors` says why. */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ValidatorError[] | null;
}

const require = createRequire(import.meta.url);

// ajv ships these as CommonJS with a `default` export; the standalone code calls them directly.
export const ucs2length: (value: string) => number = (
  require('ajv/dist/runtime/ucs2length') as { default: (v: string) => number }
).default;
export const equal: (a: unknown, b: unknown) => boolean = (
  require('ajv/dist/runtime/equal') as { default: (a: unknown, b: unknown) => boolean }
).default;
export const uri: unknown = (require('ajv/dist/runtime/uri') as { default: unknown }).default;
/** ajv-formats' full format set: regular expressions and functions the validators test against. */
export const fullFormats: Record<string, unknown> = (
  require('ajv-formats/dist/formats') as { fullFormats: Record<string, unknown> }
).fullFormats;

/**
 * ajv never looks at a property named `__proto__` (a pollution guard of its own), so a parameter
 * with that name would go unchecked. Generated parameter schemas and the objects validated
 * against them use this key instead; the controller still gets `__proto__`.
 */
export const PROTO_PARAMETER_KEY = '\u0000__proto__';

/** The key a parameter has in the object its validator checks. */
export function parameterKey(name: string): string {
  return name === '__proto__' ? PROTO_PARAMETER_KEY : name;
}

/**
 * The grammar of numbers that arrive as text (path, query and header parameters, form fields).
 * ajv's coercion alone takes whatever `+value` takes: `Infinity`, `0x10`, `1e3` or ` 5` as
 * integers. Generated validators test the text against these patterns before ajv coerces it.
 * An integer is decimal digits with an optional leading `-`; a number may add a fraction and an
 * exponent (`-4.5`, `1e3`). No sign `+`, no whitespace, no hexadecimal, no `Infinity` or `NaN`.
 */
export const DECIMAL_INTEGER_PATTERN = '^-?[0-9]+$';
export const DECIMAL_NUMBER_PATTERN = '^-?[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$';
/**
 * Bounds generated validators give text integers, unless the schema's own are tighter: within what
 * a JavaScript number holds exactly (`int64` included), an `int32` within 32 bits.
 */
export const TEXT_INTEGER_BOUNDS = { safe: Number.MAX_SAFE_INTEGER, int32: 2 ** 31 } as const;
/**
 * Where a text number's last check sits in its generated schema: the type again, after ajv
 * coerced the text, which only a number too large for a double (`1e400`, Infinity) fails.
 */
export const TEXT_NUMBER_FINITE_CHECK = '/allOf/2/type';

/** What a failure of each pattern says. */
const TEXT_NUMBER: Record<string, string> = {
  [DECIMAL_INTEGER_PATTERN]: 'must be an integer in decimal digits, like 42 or -7',
  [DECIMAL_NUMBER_PATTERN]: 'must be a decimal number, like 4.5, -7 or 1e3',
};
const GRAMMAR_MESSAGES = new Set(Object.values(TEXT_NUMBER));

/** Where in the request a value was read from: the keys of the controller's request object. */
export type RequestPart = 'params' | 'query' | 'headers' | 'body';

/** One validation failure, as it appears in a 400 problem response. */
export interface ValidationFailure {
  /** JSON pointer into the request object the controller would have seen: `/body/address/city`. */
  pointer: string;
  message: string;
}

/** RFC 9457 body of a request that failed validation. */
export interface ValidationProblem {
  type: string;
  title: string;
  status: 400;
  detail: string;
  errors: ValidationFailure[];
  [extension: string]: unknown;
}

export const VALIDATION_PROBLEM_TYPE = 'https://specfirst.dev/problems/validation-failed';
/** A request can fail in many ways at once; past this many the list is cut, and `detail` says so. */
export const MAX_REPORTED_FAILURES = 20;

/** ajv's errors → failures with pointers that name the offending value itself, not its parent. */
export function failuresFrom(errors: readonly ValidatorError[], part: string): ValidationFailure[] {
  const failures: ValidationFailure[] = [];
  const seen = new Set<string>();
  const notNumbers = new Set<string>();
  for (const error of errors) {
    let pointer = `/${part}${error.instancePath}`;
    let message = error.message ?? `fails \`${error.keyword}\``;
    const { params } = error;
    if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
      pointer += `/${escapePointerSegment(params.missingProperty)}`;
      message = 'is required';
    } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      pointer += `/${escapePointerSegment(params.additionalProperty)}`;
      message = 'is not allowed here';
    } else if (error.keyword === 'unevaluatedProperties' && typeof params.unevaluatedProperty === 'string') {
      pointer += `/${escapePointerSegment(params.unevaluatedProperty)}`;
      message = 'is not allowed here';
    } else if (error.keyword === 'false schema') {
      message = 'is not allowed here';
    } else if (error.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      message = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (error.keyword === 'pattern' && typeof params.pattern === 'string' && TEXT_NUMBER[params.pattern]) {
      message = TEXT_NUMBER[params.pattern] ?? message;
    } else if (
      (error.keyword === 'maximum' || error.keyword === 'minimum') &&
      typeof params.limit === 'number' &&
      Math.abs(params.limit) === TEXT_INTEGER_BOUNDS.safe
    ) {
      message = `must be a safe integer, from -${TEXT_INTEGER_BOUNDS.safe} to ${TEXT_INTEGER_BOUNDS.safe}`;
    } else if (error.keyword === 'type' && error.schemaPath?.endsWith(TEXT_NUMBER_FINITE_CHECK)) {
      message = 'must be a finite number';
    }
    if (pointer.includes(PROTO_PARAMETER_KEY)) pointer = pointer.replace(PROTO_PARAMETER_KEY, '__proto__');
    if (GRAMMAR_MESSAGES.has(message)) notNumbers.add(pointer);
    // anyOf/oneOf report each branch and then themselves; one line per pointer and message is enough.
    const key = `${pointer}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    failures.push({ pointer, message });
  }
  // Text that is no number at all says so once: what ajv made of it (`Infinity`...) is no news.
  if (notNumbers.size === 0) return failures;
  return failures.filter((f) => !notNumbers.has(f.pointer) || GRAMMAR_MESSAGES.has(f.message));
}

export function validationProblem(failures: ValidationFailure[], instance?: string): ValidationProblem {
  const shown = failures.slice(0, MAX_REPORTED_FAILURES);
  const count = failures.length;
  const more = count > shown.length ? ` (the first ${shown.length} are listed)` : '';
  return {
    type: VALIDATION_PROBLEM_TYPE,
    title: 'The request is not valid',
    status: FRAMEWORK_RESPONSES[400].status,
    detail: `${count} ${count === 1 ? 'problem' : 'problems'} in the request${more}`,
    ...(instance !== undefined ? { instance } : {}),
    errors: shown,
  };
}
