/**
 * Structural validation of imported OpenAPI documents against the official OpenAPI 3.0 and 3.1
 * JSON Schemas (the OpenAPI Initiative's, precompiled by scripts/compile-schemas.mjs), with every
 * problem reported once, with our own codes, at the line and column of the offending key or value.
 *
 * ajv reports each failing branch of a `oneOf`/`anyOf` (a Schema Object *or* a Reference Object;
 * a parameter *in* path, query, header *or* cookie), which says little; {@link collapseBranches}
 * keeps, per combinator, the errors that went deepest into the document: the branch the author
 * meant is the one that matched furthest.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Diagnostic, DiagnosticCode } from '../diagnostics/diagnostics.js';
import { closest } from '../diagnostics/suggest.js';
import { joinPointer, parsePointer } from '../util/json-pointer.js';
import { locate, type SourceFile } from '../yaml/source-file.js';
import { describeContext, describeValue } from '../diagnostics/describe.js';

type OpenApiLine = '3.0' | '3.1';

/** The types of JSON Schema 2020-12 (scripts/compile-schemas.mjs checks 3.1 Schema Objects against them). */
const JSON_TYPES = ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'];

const requireCjs = createRequire(import.meta.url);
const validators = new Map<OpenApiLine, ValidateFunction>();

/** Required on first use, one version at a time: a 3.1 document never loads the 3.0 validator. */
function getValidator(line: OpenApiLine): ValidateFunction {
  let validate = validators.get(line);
  if (!validate) {
    const file = line === '3.0' ? 'openapi30-validator.cjs' : 'openapi31-validator.cjs';
    // `../../src/generated` is the same folder seen from src/ (tests) and from dist/ (the package).
    validate = requireCjs(fileURLToPath(new URL(`../../src/generated/${file}`, import.meta.url))) as ValidateFunction;
    validators.set(line, validate);
  }
  return validate;
}

/**
 * Validates the document in `source` (whose `openapi` version was already checked to be 3.0.x or
 * 3.1.x) against its version's official schema; returns located diagnostics, empty when it conforms.
 */
export function validateOpenApiDocument(version: string, source: SourceFile): Diagnostic[] {
  const line: OpenApiLine = version.startsWith('3.0') ? '3.0' : '3.1';
  const validate = getValidator(line);
  if (validate(source.value)) return [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const problem of collapseBranches(validate.errors ?? [], source.value)) {
    const diagnostic = toDiagnostic(problem, source, line);
    const key = `${diagnostic.pointer ?? ''}\0${diagnostic.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  return diagnostics;
}

/** One problem to report: ajv errors at one place, enum errors merged, or a combinator none of whose forms fit. */
interface Problem {
  error: ErrorObject;
  /** For an enum: every value any branch allowed. For a combinator: its branches' errors. */
  allowed?: unknown[];
  branches?: ErrorObject[];
  /** A `oneOf` more than one of whose forms the value fits. */
  ambiguous?: boolean;
}

const depth = (pointer: string): number => (pointer === '' ? 0 : pointer.split('/').length - 1);
const isAtOrUnder = (pointer: string, base: string): boolean => pointer === base || pointer.startsWith(`${base}/`);

/**
 * ajv (allErrors) writes a combinator's branch errors just before the combinator's own error, and
 * all of them concern the combinator's value or what is under it. So a pass in order, with a stack,
 * replaces each failed combinator and the branch errors before it by the deepest of those errors
 * (the branch that matched furthest); when no branch got past the value itself, by the combinator
 * alone. Enum errors at one place merge into one. `if` errors only wrap their `then`/`else` errors.
 */
function collapseBranches(errors: readonly ErrorObject[], root: unknown): Problem[] {
  const out: Problem[] = [];
  for (const error of errors) {
    // `if` wraps its `then`/`else` errors; `propertyNames` wraps the error that names the key.
    if (error.keyword === 'if' || error.keyword === 'propertyNames') continue;
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') {
      out.push({ error });
      continue;
    }
    const at = error.instancePath;
    let start = out.length;
    while (start > 0 && isAtOrUnder(out[start - 1]!.error.instancePath, at)) start--;
    const all = out.splice(start);
    // Fits several forms: the failing forms' errors do not apply.
    if (Array.isArray((error.params as { passingSchemas?: unknown }).passingSchemas)) {
      out.push({ error, ambiguous: true });
      continue;
    }
    const chosen = chooseBranches(all, error.schemaPath, root);
    if (chosen.length < all.length) {
      out.push(...chosen);
      continue;
    }
    const spliced = all;
    // "Missing `$ref`" is the Reference Object branch, which is never what the author wrote.
    const meant = spliced.filter((p) => !isMissingRef(p.error));
    const run = meant.length > 0 ? meant : spliced;
    // A fold, not Math.max(...): a hostile document can give more errors than a call has arguments.
    const deepest = run.reduce((max, p) => Math.max(max, depth(p.error.instancePath)), -1);
    if (deepest > depth(at) || (meant.length > 0 && meant.length < spliced.length))
      out.push(...run.filter((p) => depth(p.error.instancePath) === deepest));
    else out.push({ error, branches: run.flatMap((p) => p.branches ?? [p.error]) });
  }
  // "Fits several forms" is only the echo of another problem at the same place (a 3.0 parameter
  // without `in` fits the query, header and cookie forms): report that one.
  const places = new Set(out.filter((p) => !p.ambiguous).map((p) => p.error.instancePath));
  // "expected a string" beside "must be one of `path`, `query`…" at the same place says less.
  const listed = new Set(out.filter((p) => isEnum(p.error)).map((p) => p.error.instancePath));
  return mergeEnums(
    out.filter(
      (p) =>
        !(p.ambiguous && places.has(p.error.instancePath)) &&
        !(p.error.keyword === 'type' && listed.has(p.error.instancePath)),
    ),
  );
}

/**
 * The branches of a combinator written inline (a 3.0 parameter: one branch per `in`, each with its
 * `style`s and its `required`) that the document chose by a fixed string value: the place whose
 * enum the fewest branches accepted picks them. `in: query` picks the query branch, whose `style`
 * error is the one to report, not the other branches' "`query` is not allowed as `in`". All of the
 * problems when they cannot be told apart by branch or no value picks a branch.
 */
function chooseBranches(problems: Problem[], combinator: string, root: unknown): Problem[] {
  const prefix = `${combinator}/`;
  const byBranch = new Map<string, Problem[]>();
  for (const p of problems) {
    if (!p.error.schemaPath.startsWith(prefix)) return problems;
    const branch = p.error.schemaPath.slice(prefix.length).split('/')[0]!;
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), p]);
  }
  const isMiss = (p: Problem) => isEnum(p.error);
  const places = new Set(problems.filter(isMiss).map((p) => p.error.instancePath));
  let picked: Problem[][] | undefined;
  for (const place of places) {
    if (typeof valueAt(root, place) !== 'string') continue;
    const accepting = [...byBranch.values()].filter(
      (ps) => !ps.some((p) => isMiss(p) && p.error.instancePath === place),
    );
    if (accepting.length > 0 && accepting.length < byBranch.size && accepting.length < (picked?.length ?? Infinity))
      picked = accepting;
  }
  return picked ? picked.flat() : problems;
}

const isEnum = (error: ErrorObject): boolean => error.keyword === 'enum' || error.keyword === 'const';

const isMissingRef = (error: ErrorObject): boolean =>
  error.keyword === 'required' && (error.params as { missingProperty?: unknown }).missingProperty === '$ref';

/** Enum errors at one place (`in` of a 3.0 parameter: one branch per location) become one. */
function mergeEnums(problems: Problem[]): Problem[] {
  const byPlace = new Map<string, Problem>();
  const merged: Problem[] = [];
  for (const problem of problems) {
    const { error } = problem;
    if (!isEnum(error)) {
      merged.push(problem);
      continue;
    }
    const values =
      error.keyword === 'enum'
        ? ((error.params as { allowedValues?: unknown[] }).allowedValues ?? [])
        : [(error.params as { allowedValue?: unknown }).allowedValue];
    const first = byPlace.get(error.instancePath);
    if (first) {
      for (const value of values) if (!first.allowed!.includes(value)) first.allowed!.push(value);
      continue;
    }
    const entry = { error, allowed: [...values] };
    byPlace.set(error.instancePath, entry);
    merged.push(entry);
  }
  return merged;
}

/** What the document holds at `pointer`. */
function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const segment of parsePointer(pointer)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function toDiagnostic(
  { error, allowed, branches, ambiguous }: Problem,
  source: SourceFile,
  line: OpenApiLine,
): Diagnostic {
  const pointer = error.instancePath;
  const segments = parsePointer(pointer);
  // An item of a list (3.1's `type: [string, 'null']`, a parameter) is named by the list's key, not its index.
  const key = segments.findLast((segment) => !/^\d+$/.test(segment));
  const where = describeContext(pointer);
  const spec = `OpenAPI ${line}`;
  const make = (code: DiagnosticCode, message: string, hint: string, at = pointer, on: 'key' | 'value' = 'value') => {
    const pos = locate(source, at, on);
    return {
      code,
      severity: 'error' as const,
      message,
      hint,
      file: source.file,
      line: pos.line,
      column: pos.column,
      endLine: pos.endLine,
      endColumn: pos.endColumn,
      pointer: at,
    };
  };
  const params = error.params as Record<string, unknown>;
  const data = valueAt(source.value, pointer);

  switch (error.keyword) {
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const name = String(params.additionalProperty ?? params.unevaluatedProperty);
      return make(
        'SF6006',
        `unknown key \`${name}\`${where}`,
        `${spec} defines no \`${name}\` here: check its spelling and indentation, or write an extension as \`x-${name}\``,
        joinPointer(pointer, name),
        'key',
      );
    }
    case 'required': {
      const name = String(params.missingProperty);
      return make(
        'SF6007',
        `missing required key \`${name}\`${where}`,
        `${spec} requires \`${name}\` here: add \`${name}:\``,
        pointer,
        'key',
      );
    }
    case 'enum':
    case 'const': {
      const values = (allowed ?? []).map(String);
      const written = typeof data === 'string' ? data : JSON.stringify(data);
      const list = values.map((v) => `\`${v}\``).join(', ');
      const match = typeof data === 'string' ? closest(data, values) : undefined;
      const name = key;
      const isType = name === 'type';
      let hint = `\`${name ?? 'the value'}\` must be ${values.length === 1 ? list : `one of ${list}`}`;
      if (match !== undefined) hint += ` — did you mean \`${match}\`?`;
      else if (key === 'in' && data === 'body')
        hint += ' — a body is a `requestBody` of the operation, not a parameter (`in: body` was Swagger 2)';
      return make(
        'SF6005',
        isType
          ? `\`${written}\` is not a JSON Schema type${where}`
          : `\`${written}\` is not allowed as \`${name ?? 'value'}\`${where}`,
        hint,
      );
    }
    case 'pattern': {
      const name = error.propertyName;
      const pattern = String(params.pattern);
      const meaning =
        pattern === '^[a-zA-Z0-9._-]+$' ? 'letters, digits, `.`, `_` and `-`' : `text matching ${pattern}`;
      if (name !== undefined)
        return make(
          'SF6005',
          `name \`${name}\` is not allowed${where}`,
          `${spec} allows names of ${meaning} here`,
          joinPointer(pointer, name),
          'key',
        );
      return make('SF6005', `${describeValue(data)} is not allowed${where}`, `${spec} wants ${meaning} here`);
    }
    case 'type': {
      // 3.1 Schema Objects: `type` is a type name (`if` a string) `else` a list of them.
      if (error.schemaPath.endsWith('/type/else/type'))
        return make(
          'SF6005',
          `${describeValue(data)} is not a JSON Schema type${where}`,
          `\`type\` must be one of ${JSON_TYPES.map((t) => `\`${t}\``).join(', ')}, or a list of them`,
        );
      const expected = typeList(params.type);
      return make(
        'SF6005',
        `expected ${expected}, got ${describeValue(data)}${where}`,
        `${spec} wants ${expected} here`,
      );
    }
    case 'oneOf':
    case 'anyOf': {
      if (ambiguous)
        return make(
          'SF6005',
          `${describeValue(data)} fits more than one of the forms ${spec} allows${where}`,
          `it must fit exactly one: see the ${spec} specification for \`${key ?? 'the document'}\``,
        );
      const forms = describeBranches(branches ?? []);
      return make(
        'SF6005',
        `${describeValue(data)} matches none of the forms ${spec} allows${where}`,
        forms || `see the ${spec} specification for \`${key ?? 'the document'}\``,
      );
    }
    default:
      return make(
        'SF6005',
        `${error.message ?? 'invalid value'}${where}`,
        `see the ${spec} specification for \`${key ?? 'the document'}\``,
      );
  }
}

/** "expected an object (a Schema Object) or …": what each branch wanted, de-duplicated. */
function describeBranches(branches: ErrorObject[]): string {
  const wants = new Set<string>();
  for (const b of branches) {
    const params = b.params as Record<string, unknown>;
    if (b.keyword === 'type') wants.add(typeList(params.type));
    else if (b.keyword === 'required') wants.add(`a mapping with \`${String(params.missingProperty)}\``);
  }
  return wants.size > 0 ? `expected ${[...wants].join(', or ')}` : '';
}

/** `object,boolean` (ajv's list of JSON types) as a user reads it: `a mapping or a boolean`. */
function typeList(types: unknown): string {
  return String(types).split(',').map(article).join(' or ');
}

function article(type: string): string {
  if (type === 'object') return 'a mapping';
  if (type === 'array') return 'a list';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
