/**
 * Names from a spec end up as TypeScript identifiers and file names. This module turns them into
 * safe ones, and says when it cannot. Nothing from a spec is used as a path without going
 * through {@link toFileName}.
 */

const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'as implements interface let package private protected public static yield any boolean constructor declare get ' +
    'module require number set string symbol type from of namespace async await unknown never object bigint undefined ' +
    'keyof readonly infer is asserts satisfies accessor out override abstract global'
  ).split(' '),
);

/** Type names generated code relies on; a model must not shadow them. */
export const RESERVED_TYPE_NAMES = new Set([
  'Array',
  'ReadonlyArray',
  'Record',
  'Partial',
  'Required',
  'Readonly',
  'Pick',
  'Omit',
  'Exclude',
  'Extract',
  'NonNullable',
  'ReturnType',
  'Parameters',
  'Awaited',
  'Promise',
  'PromiseLike',
  'Map',
  'Set',
  'Date',
  'RegExp',
  'Object',
  'String',
  'Number',
  'Boolean',
  'Symbol',
  'BigInt',
  'Function',
  'JSON',
  'Math',
  'Uint8Array',
  'Buffer',
  'Request',
  'Response',
  'Headers',
  'URL',
  'AbortSignal',
]);

/**
 * Name rules of our own format. The JSON Schemas state the same patterns (a test keeps them
 * equal); the loader also applies them, so a name that fails never reaches the IR, even when a
 * consumer ignores the diagnostics.
 */
export const NAME_PATTERNS = {
  model: /^[A-Z][A-Za-z0-9]*$/,
  service: /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/,
  tag: /^[A-Za-z][A-Za-z0-9_-]*$/,
  operationId: /^[a-z][A-Za-z0-9]*$/,
  topic: /^[a-z][a-z0-9]*([._-][a-z0-9]+)*$/,
  task: /^[a-z][A-Za-z0-9]*$/,
  project: /^[a-z0-9][a-z0-9._-]*$/,
} as const;

/**
 * Names that are dangerous as object keys or method names in generated code: every member of
 * `Object.prototype` (a controller without the method would still "have" it), and `prototype`.
 */
const DANGEROUS_MEMBER_NAMES = new Set([
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'toString',
  'valueOf',
]);

export function isIdentifier(name: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !RESERVED_WORDS.has(name);
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** `User and Authentication` → `UserAndAuthentication`; `order-items` → `OrderItems`. */
export function toPascalCase(name: string): string {
  return words(name)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/** `get-user` → `getUser`; `CreateUser` → `createUser`; `HTTPServer` → `httpServer`. */
export function toCamelCase(name: string): string {
  const [first = '', ...rest] = words(name);
  return first.toLowerCase() + rest.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

/** `User and Authentication` → `user-and-authentication`. Only `[a-z0-9-]`, so always one safe path segment. */
export function toFileName(name: string): string {
  return words(name)
    .map((w) => w.toLowerCase())
    .join('-');
}

/** The model a whole-file `$ref` (or a discriminator mapping to a file) names: `./pet-owner.yaml` → `PetOwner`. */
export function modelNameForFile(file: string): string {
  return toPascalCase(file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, ''));
}

/** A type identifier for an imported (OpenAPI) name, or undefined when none can be made. */
export function typeIdentifierFor(name: string): string | undefined {
  let id = isIdentifier(name) && /^[A-Z]/.test(name) ? name : toPascalCase(name);
  if (id === '' || !/^[A-Za-z]/.test(id)) return undefined;
  if (RESERVED_TYPE_NAMES.has(id)) id = `${id}Model`;
  return id;
}

/**
 * A method identifier for an operationId of our own format (kept as is when already safe), or
 * undefined when the name must be refused. Reserved words are fine as member names
 * (`controller.delete()`); members that shadow `Object.prototype` are not.
 */
export function methodIdentifierFor(operationId: string): string | undefined {
  const id = methodNameOf(operationId);
  return id === undefined || DANGEROUS_MEMBER_NAMES.has(id) ? undefined : id;
}

/** `get-user` → `getUser` (an operationId that already is one is kept); undefined when no letter leads. */
export function methodNameOf(operationId: string): string | undefined {
  const id = /^[a-z][A-Za-z0-9]*$/.test(operationId) ? operationId : toCamelCase(operationId);
  return id === '' || !/^[a-z]/.test(id) ? undefined : id;
}

/**
 * The method names of an imported (OpenAPI) service's operations, in document order: a document
 * that is not ours to change may use any operationId. Each keeps its camelCase form when that is
 * safe and no earlier operation has it; one that is a reserved word or a member of every object
 * (`delete`, `constructor`, `toString`), or that meets an earlier one after conversion (`getUser`
 * after `get-user`, `proto` after `__proto__`), takes the first free numbered form (`delete2`,
 * `getUser2`), as a model name that collides does (`User2`). A number is free when no operation
 * holds it, earlier or later. Undefined for an operationId no method name can be made from (no
 * leading letter).
 */
export function importedMethodIdentifiers(operationIds: readonly string[]): (string | undefined)[] {
  const bases = operationIds.map(methodNameOf);
  const isSafe = (id: string): boolean => !RESERVED_WORDS.has(id) && !DANGEROUS_MEMBER_NAMES.has(id);
  const claimed = new Set(bases.filter((id): id is string => id !== undefined && isSafe(id)));
  const given = new Set<string>();
  return bases.map((id) => {
    if (id === undefined) return undefined;
    const name =
      isSafe(id) && !given.has(id)
        ? id
        : firstFreeName(id, (candidate) => !isSafe(candidate) || claimed.has(candidate) || given.has(candidate));
    given.add(name);
    return name;
  });
}

/** `User` → `User2` (or `User3`, … whichever `taken` leaves free): how a colliding generated name is made unique. */
export function firstFreeName(base: string, taken: (name: string) => boolean): string {
  let name = base;
  for (let n = 2; taken(name); n++) name = `${base}${n}`;
  return name;
}
