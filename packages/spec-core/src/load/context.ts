/**
 * State shared by the stages of one load: the project root, the diagnostics collected so far,
 * the model registry and the list of files read.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic, DiagnosticCode } from '../diagnostics/diagnostics.js';
import type { IRLocation } from '../ir/ir.js';
import { diagnosticAtLoc, irLoc } from '../diagnostics/location.js';
import type { FileResult, Loader } from './io.js';
import { ModelRegistry } from '../checks/models.js';
import type { SchemaDialect } from '../formats/common/schema-convert.js';
import { validateSpecFile, type SpecFileKind } from './schema-validate.js';
import type { IRSchemaBase } from '../ir/ir.js';
import { joinPointer } from '../util/json-pointer.js';
import { isPathInside } from '../util/path-containment.js';
import type { SourceFile } from '../yaml/source-file.js';

export interface BuildContext {
  /** Absolute project root; no file outside it is ever read. */
  root: string;
  /** The root with symlinks resolved, to compare real paths against. */
  realRoot: string;
  diagnostics: Diagnostic[];
  models: ModelRegistry;
  /** Every file read successfully, by relative name. */
  sources: Map<string, SourceFile>;
  /**
   * What files that failed to parse would have declared. Their YAML errors are reported; a
   * reference to a service, operation, topic or task they may hold is not ("unknown" would be noise).
   * Models have the same in {@link ModelRegistry.markIncomplete}.
   */
  unparsed: { services: boolean; topics: boolean; tasks: boolean; operationsOf: Set<string> };
}

export function createContext(root: string): BuildContext {
  return {
    root,
    realRoot: realPathOf(root),
    diagnostics: [],
    models: new ModelRegistry(),
    sources: new Map(),
    unparsed: { services: false, topics: false, tasks: false, operationsOf: new Set() },
  };
}

/** The file at `absPath` when it was read but did not parse (its YAML errors are reported already). */
export function unparsedSource(ctx: BuildContext, absPath: string): SourceFile | undefined {
  const source = ctx.sources.get(relativeName(ctx, absPath));
  return source && source.value === undefined ? source : undefined;
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest (for files not there yet). */
function realPathOf(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    const parent = path.dirname(p);
    return parent === p ? p : path.join(realPathOf(parent), path.basename(p));
  }
}

/** Is `target` the root or inside it? `..spec` is a name inside; `../spec` is not. */
/**
 * True when `absPath` is inside the root both as written and once symlinks are resolved: a link
 * inside the project must not lead the loader to a file elsewhere.
 */
function isInsideRoot(ctx: BuildContext, absPath: string): boolean {
  return isPathInside(ctx.root, absPath) && isPathInside(ctx.realRoot, realPathOf(absPath));
}

/** The file name diagnostics and the IR use: relative to the root, `/`-separated. */
export function relativeName(ctx: BuildContext, absPath: string): string {
  const rel = path.relative(ctx.root, absPath);
  return rel.split(path.sep).join('/');
}

/**
 * `ref` resolved against `fromDir`, or undefined when that is the root itself or outside it: the
 * one check of a file another names, as written (where symbolic links lead is checked once, when
 * the file is read). Reports nothing; see {@link resolveInsideRoot}.
 */
export function pathInsideRoot(ctx: BuildContext, fromDir: string, ref: string): string | undefined {
  const absPath = path.resolve(fromDir, ref);
  return absPath !== ctx.root && isPathInside(ctx.root, absPath) ? absPath : undefined;
}

/** Resolves `ref` against `fromDir`; undefined (after reporting at `where`) when it leaves the root. */
export function resolveInsideRoot(
  ctx: BuildContext,
  fromDir: string,
  ref: string,
  where: IRLocation | undefined,
  what: string,
): string | undefined {
  const absPath = pathInsideRoot(ctx, fromDir, ref);
  if (absPath === undefined) {
    report(
      ctx,
      where,
      'SF0004',
      `${what} \`${ref}\` is outside the project root`,
      'keep every spec file inside the folder that holds specfirst.yaml (or the OpenAPI document)',
    );
    return undefined;
  }
  return absPath;
}

export function report(
  ctx: BuildContext,
  where: IRLocation | undefined,
  code: DiagnosticCode,
  message: string,
  hint?: string,
): void {
  const loc = where ?? { file: 'specfirst.yaml', pointer: '', line: 0, column: 0 };
  ctx.diagnostics.push(diagnosticAtLoc(loc, { code, message, hint }));
}

export interface ReadOptions {
  kind?: SpecFileKind;
  required: boolean;
  referencedFrom?: IRLocation;
  what?: string;
}

/**
 * Reads and parses a spec file, validating it against its JSON Schema when `kind` is given.
 * Returns undefined when it is missing (reported only when `required`) or unparsable.
 */
export function* readSpecFile(
  ctx: BuildContext,
  absPath: string,
  options: ReadOptions,
): Loader<SourceFile | undefined> {
  const result = yield* requestFile(ctx, absPath, options.referencedFrom);
  return result ? acceptSpecFile(ctx, relativeName(ctx, absPath), result, options) : undefined;
}

/**
 * Asks the driver for a file, unless it lies outside the root once symbolic links are followed
 * (then it is reported and undefined is returned). Every read of a load goes through here.
 */
export function* requestFile(
  ctx: BuildContext,
  absPath: string,
  referencedFrom?: IRLocation,
): Loader<FileResult | undefined> {
  const file = relativeName(ctx, absPath);
  if (!isInsideRoot(ctx, absPath)) {
    report(
      ctx,
      referencedFrom ?? { file, pointer: '', line: 0, column: 0 },
      'SF0004',
      `\`${file}\` leads outside the project root (through a symbolic link)`,
      'keep spec files inside the project; copy the file in instead of linking to it',
    );
    return undefined;
  }
  return yield { absPath, file };
}

/** Records what a read gave: diagnostics for failures, parse errors and schema violations. */
export function acceptSpecFile(
  ctx: BuildContext,
  file: string,
  result: FileResult,
  options: ReadOptions,
): SourceFile | undefined {
  if (!result.ok) {
    if (result.missing && !options.required) return undefined;
    const where = options.referencedFrom ?? { file, pointer: '', line: 0, column: 0 };
    report(
      ctx,
      where,
      result.missing ? 'SF0002' : 'SF0003',
      `${options.what ?? 'spec file'} \`${file}\`: ${result.message}`,
      result.missing ? 'check the path; it is relative to the file that names it' : undefined,
    );
    return undefined;
  }
  const source = result.source;
  ctx.sources.set(source.file, source);
  ctx.diagnostics.push(...source.diagnostics);
  if (source.value === undefined) return undefined;
  if (options.kind) ctx.diagnostics.push(...validateSpecFile(options.kind, source));
  return source;
}

/** The location of a key below an already located node (`loc` + `/key/index`). */
export function locBelow(ctx: BuildContext, loc: IRLocation, ...segments: (string | number)[]): IRLocation {
  const pointer = segments.reduce<string>((p, s) => joinPointer(p, s), loc.pointer);
  const source = ctx.sources.get(loc.file);
  return source ? irLoc(source, pointer) : { ...loc, pointer };
}

/** Our dialect: `$ref: User` and short forms name models directly. */
export function specfirstDialect(ctx: BuildContext): SchemaDialect {
  return {
    name: 'specfirst',
    // The reference is located at the model name itself (`Usr` in `$ref: Usr` or `owner: Usr`).
    resolveRef: (ref: string, source: SourceFile, pointer: string, base: IRSchemaBase) =>
      ctx.models.ref(ref, { ...base, loc: irLoc(source, pointer) }),
  };
}
