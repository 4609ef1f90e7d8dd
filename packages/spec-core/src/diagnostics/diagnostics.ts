/**
 * Diagnostics: every problem spec-core finds, with a stable code and a location.
 * Codes never change meaning once released; `docs/diagnostics.md` lists them all.
 */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** How to fix it: what was expected, or a "did you mean" suggestion. */
  hint?: string;
  /** Relative to the project root, `/`-separated; absolute when outside it. */
  file: string;
  /** 1-based; 0 when the problem concerns the whole file (e.g. it is missing). */
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** JSON pointer of the offending node, when there is one. */
  pointer?: string;
  /** A second place involved (the other duplicate, the target of a `$ref`, ...). */
  related?: { file: string; line: number; column: number; message: string }[];
}

/** The catalogue: code → short title. Ranges: 0xxx project, 1xxx YAML and schema, 2xxx models,
 * 3xxx REST, 4xxx services and graph, 5xxx events and tasks, 6xxx OpenAPI. */
export const DIAGNOSTIC_CODES = {
  SF0001: 'no specfirst.yaml project found',
  SF0002: 'spec file not found',
  SF0003: 'spec file cannot be read',
  SF0004: 'path escapes the project root',

  SF1001: 'YAML syntax error',
  SF1002: 'duplicate key',
  SF1003: 'too many YAML aliases (alias bomb)',
  SF1004: 'nesting too deep',
  SF1005: 'file too large',
  SF1201: 'unknown key',
  SF1202: 'wrong type',
  SF1203: 'missing required key',
  SF1204: 'value not allowed',
  SF1205: 'invalid value',

  SF2001: 'unknown model',
  SF2002: 'reference cycle',
  SF2003: 'model name clashes with a generated variant',
  SF2004: 'model defined twice',
  SF2005: 'name cannot become a safe identifier',
  SF2006: 'inconsistent schema',
  SF2007: 'bad discriminator',

  SF3001: 'duplicate operationId',
  SF3002: 'duplicate method and path',
  SF3003: 'conflicting paths',
  SF3004: 'path parameter not declared',
  SF3005: 'declared path parameter not in the path',
  SF3006: 'path parameter must be required',
  SF3007: 'unknown security scheme',
  SF3008: 'tag cannot become a safe file name',
  SF3009: 'tags collide after normalisation',
  SF3010: 'invalid path',
  SF3011: 'duplicate parameter',
  SF3012: 'operation has no responses',
  SF3013: 'body not allowed for this method',

  SF4001: 'unknown service',
  SF4002: 'unknown operation',
  SF4003: 'service kind and fields disagree',
  SF4004: 'port used twice',
  SF4005: 'operation not exposed',
  SF4006: 'service consumes itself',
  SF4007: 'override of an unknown operation',
  SF4008: 'unknown security scheme in an override',
  SF4009: 'operation overrides without an OpenAPI document',
  SF4010: 'override of a response the document declares',
  SF4011: 'service name reserved for the infrastructure',

  SF5001: 'unknown topic',
  SF5002: 'unknown task',
  SF5003: 'task worker is not a worker service',
  SF5004: 'invalid schedule',
  SF5005: 'dead-letter topic loops',
  SF5006: 'topic names collide after normalisation',
  SF5007: 'key names no property of the message',
  SF5008: 'message property cannot be a key',
  SF5009: 'retention needs exactly one limit',
  SF5010: 'dead-letter topic carries another model',
  SF5011: 'retry delay cap below the first delay',
  SF5012: 'scheduled task whose args model does not accept `{}`',
  SF5013: 'worker queue is the dead-letter queue of another worker',
  SF5014: 'topic with no consumer',
  SF5015: 'worker with nothing to run',

  SF6001: 'unsupported OpenAPI version',
  SF6002: 'remote $ref refused',
  SF6003: 'unresolvable $ref',
  SF6004: 'not an OpenAPI document',
  SF6005: 'value not allowed by the OpenAPI schema',
  SF6006: 'unknown key in an OpenAPI document',
  SF6007: 'missing required key in an OpenAPI document',
  SF6008: 'imported operation leaves out responses the runtime sends',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

/** Exit code convention shared by every tool: 0 clean, 1 spec errors, 2 usage/internal error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Stable order: file, line, column, code. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      compareStrings(a.file, b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      compareStrings(a.code, b.code) ||
      compareStrings(a.message, b.message),
  );
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
