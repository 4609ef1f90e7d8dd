/**
 * Structural validation of our own spec files against the JSON Schemas we ship (the same ones
 * editors use through `# yaml-language-server: $schema=`), with every ajv error mapped back to
 * the YAML position of the offending key or value.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Diagnostic, DiagnosticCode } from '../diagnostics/diagnostics.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { joinPointer } from '../util/json-pointer.js';
import { locate, type SourceFile } from '../yaml/source-file.js';
import { describeContext, describeValue } from '../diagnostics/describe.js';

export type SpecFileKind = 'specfirst' | 'models' | 'services' | 'rest' | 'events' | 'tasks';

/** Folder of the shipped schemas, for tools and docs that want to point editors at them. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

/** What a name pattern means, for hints. */
const PATTERN_MEANINGS: Record<string, string> = {
  '^[A-Z][A-Za-z0-9]*$': 'PascalCase letters and digits, e.g. `OrderItem`',
  '^[a-z][a-z0-9]*(-[a-z0-9]+)*$': 'lower-case kebab-case, e.g. `order-service`',
  '^[A-Za-z][A-Za-z0-9_-]*$': 'letters, digits, `_` and `-`, starting with a letter',
  '^[a-z][A-Za-z0-9]*$': 'camelCase letters and digits, e.g. `getUser`',
  '^[A-Za-z][A-Za-z0-9_]*$': 'letters, digits and `_`, starting with a letter',
  '^[a-z][a-z0-9]*([._-][a-z0-9]+)*$': 'lower-case words joined by `.`, `_` or `-`, e.g. `order.created`',
  '^([1-5][0-9][0-9]|default)$': 'an HTTP status code (100–599) or `default`',
  '^[A-Za-z][A-Za-z0-9_]*(\\[\\])*\\??$':
    'a type or model name, optionally with `[]` and `?`, e.g. `User`, `string[]`, `integer?`',
  '^[A-Za-z][A-Za-z0-9_]*(\\[\\])*$': 'a model name, optionally with `[]`, e.g. `User` or `User[]`',
  '^/': 'a path starting with `/`',
  '^(/[A-Za-z0-9._~-]+)*$': 'a path prefix such as `/api` (no trailing slash)',
  '^[a-z0-9][a-z0-9._-]*$': 'lower-case letters, digits, `.`, `_` and `-`',
  '^[a-z][a-z0-9-]*$': 'lower-case letters, digits and `-`',
  '^[a-z][a-z0-9]*(-[a-z0-9]+)*\\.[^.\\s]+$': '`service.operationId`, e.g. `billing.createInvoice`',
};

/** ajv is required on first use, not imported: loading it takes about as long as loading yaml. */
const requireCjs = createRequire(import.meta.url);
let validators: Record<SpecFileKind, ValidateFunction> | undefined;

/**
 * The validators were compiled from the shipped schemas when they were last edited
 * (scripts/compile-schemas.mjs, with `allErrors`, `verbose` and `strictNumbers`), so no schema is
 * compiled at start-up; a test keeps the file in step with the schemas. Required on first use:
 * a standalone OpenAPI check never loads them.
 */
function getValidator(kind: SpecFileKind): ValidateFunction {
  // `../../src/generated` is the same folder seen from src/ (tests) and from dist/ (the package).
  validators ??= requireCjs(
    fileURLToPath(new URL('../../src/generated/schema-validators.cjs', import.meta.url)),
  ) as Record<SpecFileKind, ValidateFunction>;
  return validators[kind];
}

/** Validates a parsed spec file; returns located diagnostics (empty when valid). */
export function validateSpecFile(kind: SpecFileKind, source: SourceFile): Diagnostic[] {
  const validate = getValidator(kind);
  if (validate(source.value)) return [];
  return dropBranchNoise(validate.errors ?? []).map((error) => toDiagnostic(error, source));
}

/**
 * `anyOf`/`oneOf` failures make ajv report each branch's error as well; the combined error alone
 * says what the user needs, so the branch errors at or below the same value are dropped.
 */
function dropBranchNoise(errors: ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const kept = errors.filter(
    (e) =>
      !combinators.some(
        (c) =>
          c !== e &&
          e.schemaPath.startsWith(`${c.schemaPath}/`) &&
          (e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`)),
      ),
  );
  // propertyNames reports the inner failure and a wrapper; keep the inner one (it names the key).
  // `if`/`then` failures likewise wrap the missing key that the inner error names.
  return kept.filter((e) => e.keyword !== 'propertyNames' && e.keyword !== 'if');
}

function toDiagnostic(error: ErrorObject, source: SourceFile): Diagnostic {
  const pointer = error.instancePath;
  const at = (
    p: string,
    on: 'key' | 'value' = 'value',
  ): Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn' | 'pointer'> => {
    const pos = locate(source, p, on);
    return { line: pos.line, column: pos.column, endLine: pos.endLine, endColumn: pos.endColumn, pointer: p };
  };
  const make = (
    code: DiagnosticCode,
    message: string,
    hint: string | undefined,
    where: ReturnType<typeof at>,
  ): Diagnostic => ({
    code,
    severity: 'error',
    message,
    ...(hint ? { hint } : {}),
    file: source.file,
    ...where,
  });
  const context = describeContext(pointer);
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return make(
        'SF1201',
        `unknown key \`${key}\`${context}`,
        unknownKeyHint(key, allowed),
        at(joinPointer(pointer, key), 'key'),
      );
    }
    case 'required': {
      const key = String(params.missingProperty);
      return make('SF1203', `missing required key \`${key}\`${context}`, `add \`${key}:\``, at(pointer, 'key'));
    }
    case 'type': {
      if (typeof error.data === 'number' && !Number.isFinite(error.data)) {
        return make(
          'SF1202',
          `\`${String(error.data)}\` is not a JSON number${context}`,
          'use a finite number (YAML `.inf` and `.nan` have no JSON form)',
          at(pointer),
        );
      }
      const expected = Array.isArray(error.schema) ? (error.schema as string[]).join(' or ') : String(error.schema);
      return make('SF1202', `expected ${expected}, got ${describeValue(error.data)}${context}`, undefined, at(pointer));
    }
    case 'enum': {
      const allowed = (error.schema as unknown[]).map(String);
      const value = String(error.data);
      return make('SF1204', `\`${value}\` is not allowed${context}`, didYouMean(value, allowed, 'value'), at(pointer));
    }
    case 'pattern': {
      const meaning = PATTERN_MEANINGS[String(error.schema)] ?? `text matching ${String(error.schema)}`;
      if (params.propertyName !== undefined || error.propertyName !== undefined) {
        const name = String(error.propertyName ?? params.propertyName);
        return make(
          'SF1204',
          `name \`${name}\` is not allowed${context}`,
          `expected ${meaning}`,
          at(joinPointer(pointer, name), 'key'),
        );
      }
      return make('SF1204', `\`${String(error.data)}\` is not allowed${context}`, `expected ${meaning}`, at(pointer));
    }
    case 'uniqueItems': {
      // Located at the later copy: the first is the one to keep.
      const later = Math.max(Number(params.i), Number(params.j));
      const item = Array.isArray(error.data) ? (error.data as unknown[])[later] : undefined;
      const shown = typeof item === 'string' ? `\`${item}\`` : describeValue(item);
      return make(
        'SF1205',
        `${shown} is listed twice${context}`,
        `each entry appears once: remove this copy of ${shown}`,
        at(joinPointer(pointer, later)),
      );
    }
    case 'anyOf':
    case 'oneOf':
      return make(
        'SF1202',
        `${describeValue(error.data)} is not a valid value${context}`,
        schemaHint(error.parentSchema),
        at(pointer),
      );
    default:
      return make('SF1205', `${error.message ?? 'invalid value'}${context}`, undefined, at(pointer));
  }
}

function unknownKeyHint(key: string, allowed: string[]): string {
  if (key === 'required' && allowed.includes('optional')) {
    return 'properties are required by default; mark the others with `optional: true`';
  }
  return didYouMean(key, allowed, 'key');
}

function schemaHint(schema: unknown): string | undefined {
  const description = (schema as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? description : undefined;
}
