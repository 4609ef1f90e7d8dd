/**
 * The public entry points: `loadProject` / `loadProjectSync` turn a project folder (or a
 * standalone OpenAPI document) into `{ ir, diagnostics }`, with a process-wide cache.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { findProjectRoot, PROJECT_FILE, readProjectConfig } from './config.js';
import {
  acceptSpecFile,
  type BuildContext,
  createContext,
  readSpecFile,
  requestFile,
  relativeName,
  report,
  pathInsideRoot,
  resolveInsideRoot,
  specfirstDialect,
  unparsedSource,
} from './context.js';
import { compareStrings, type Diagnostic, sortDiagnostics } from '../diagnostics/diagnostics.js';
import { type Loader, runAsync, runSync, type StampLog, stampsUnchanged } from './io.js';
import { IR_VERSION, type IRLocation, type IRProject, type IRService, type SpecIR } from '../ir/ir.js';
import { irLoc } from '../diagnostics/location.js';
import { checkMessaging, readTasks, readTopics } from '../formats/specfirst/messaging.js';
import { NAME_PATTERNS, toFileName, toPascalCase } from '../util/names.js';
import { importOpenApi } from '../formats/openapi/openapi.js';
import { applyOperationOverrides } from '../checks/operation-overrides.js';
import { checkService } from '../checks/service-checks.js';
import { buildRestDescription } from '../formats/specfirst/rest.js';
import type { RestDescription } from '../formats/common/http.js';
import { convertSchema } from '../formats/common/schema-convert.js';
import { isRecord } from '../util/records.js';
import type { SpecFileKind } from './schema-validate.js';
import { linkServices, readServices } from '../formats/specfirst/services.js';
import { joinPointer } from '../util/json-pointer.js';
import type { SourceFile } from '../yaml/source-file.js';

export interface LoadResult {
  /** Always present; partial when there are errors (check {@link LoadResult.diagnostics}). */
  ir: SpecIR;
  /** Sorted by file, line and column. */
  diagnostics: Diagnostic[];
  /** Absolute project root (the folder of specfirst.yaml, or of the standalone document). */
  root: string;
  /**
   * Absolute paths of every file the load read or looked for (an optional file that does not
   * exist yet is listed too), so a watcher also notices `spec/events.yaml` being created.
   */
  files: string[];
  /** Set when the path given names no project and no document (a usage error, exit code 2). */
  usageError?: true;
}

export interface LoadOptions {
  /** Reuse the result of an earlier load when no file it read has changed (default true). */
  cache?: boolean;
}

type Target =
  | { mode: 'project'; root: string }
  | { mode: 'openapi'; root: string; file: string }
  | { mode: 'invalid'; root: string; diagnostic: Diagnostic };

/** What a path given by a user means: a project (found by walking up), or a standalone document. */
function resolveTarget(target: string): Target {
  const absolute = path.resolve(target);
  let isFile: boolean;
  try {
    isFile = statSync(absolute).isFile();
  } catch {
    return {
      mode: 'invalid',
      root: path.dirname(absolute),
      diagnostic: {
        code: 'SF0002',
        severity: 'error',
        message: `\`${target}\` does not exist`,
        hint: 'pass a project folder, its specfirst.yaml, or an OpenAPI document',
        file: absolute,
        line: 0,
        column: 0,
      },
    };
  }
  const root = findProjectRoot(absolute);
  if (root !== undefined) return { mode: 'project', root };
  if (isFile) return { mode: 'openapi', root: path.dirname(absolute), file: absolute };
  return {
    mode: 'invalid',
    root: absolute,
    diagnostic: {
      code: 'SF0001',
      severity: 'error',
      message: `no ${PROJECT_FILE} in \`${target}\` or any folder above it`,
      hint: `create a ${PROJECT_FILE} at the project root (see docs/spec-format.md), or pass an OpenAPI document to check it on its own`,
      file: absolute,
      line: 0,
      column: 0,
    },
  };
}

const projectCache = new Map<string, { log: StampLog; result: LoadResult }>();

/** Forgets every cached load (tests, or a tool that wants a cold start). */
export function clearProjectCache(): void {
  projectCache.clear();
}

function cacheKey(target: Target): string {
  return target.mode === 'openapi' ? `openapi:${target.file}` : `${target.mode}:${target.root}`;
}

/** A load either answered at once (cache hit, usage error) or still to run. */
type Prepared = { result: LoadResult } | { key: string; loader: Loader<LoadResult> };

function prepare(target: string, options: LoadOptions): Prepared {
  const resolved = resolveTarget(target);
  if (resolved.mode === 'invalid') return { result: invalidResult(resolved) };
  const key = cacheKey(resolved);
  const cached = options.cache === false ? undefined : projectCache.get(key);
  if (cached && stampsUnchanged(cached.log)) return { result: cached.result };
  return { key, loader: loaderFor(resolved) };
}

/** Records what the load read (for the cache and for watchers) and caches the result. */
function remember(key: string, log: StampLog, result: LoadResult): LoadResult {
  result.files = [...log.keys()].sort(compareStrings);
  projectCache.set(key, { log, result });
  return result;
}

/** Loads synchronously: for ESLint rules and other callers that cannot await. */
export function loadProjectSync(target: string, options: LoadOptions = {}): LoadResult {
  const prepared = prepare(target, options);
  if ('result' in prepared) return prepared.result;
  const log: StampLog = new Map();
  return remember(prepared.key, log, runSync(prepared.loader, log));
}

/** Loads without blocking the event loop on file reads. Same cache and result as the sync form. */
export async function loadProject(target: string, options: LoadOptions = {}): Promise<LoadResult> {
  const prepared = prepare(target, options);
  if ('result' in prepared) return prepared.result;
  const log: StampLog = new Map();
  return remember(prepared.key, log, await runAsync(prepared.loader, log));
}

function loaderFor(target: Exclude<Target, { mode: 'invalid' }>): Loader<LoadResult> {
  return target.mode === 'project' ? loadProjectFiles(target.root) : loadStandaloneOpenApi(target.root, target.file);
}

function invalidResult(target: Extract<Target, { mode: 'invalid' }>): LoadResult {
  const project: IRProject = {
    name: toFileName(path.basename(target.root)) || 'project',
    specDir: 'spec',
    outputDir: 'generated',
    servicesDir: 'services',
    apps: [],
    lint: { allowAdhocSchemas: [], allowManualRouters: [] },
    kind: 'project',
  };
  return { ir: emptyIr(project), diagnostics: [target.diagnostic], root: target.root, files: [], usageError: true };
}

function emptyIr(project: IRProject): SpecIR {
  return { irVersion: IR_VERSION, project, models: [], services: [], topics: [], tasks: [], graph: [], sources: [] };
}

/** `spec/<name>.yaml`, or `spec/<name>.yml` when there is no `.yaml`. */
function* readYamlVariant(
  ctx: BuildContext,
  dir: string,
  name: string,
  kind: SpecFileKind,
  required: boolean,
): Loader<SourceFile | undefined> {
  for (const extension of ['.yaml', '.yml']) {
    const absPath = path.join(dir, name + extension);
    const result = yield* requestFile(ctx, absPath);
    if (!result) return undefined;
    if (!result.ok && result.missing) continue;
    return acceptSpecFile(ctx, relativeName(ctx, absPath), result, { kind, required });
  }
  if (required) {
    const file = relativeName(ctx, path.join(dir, `${name}.yaml`));
    report(
      ctx,
      { file, pointer: '', line: 0, column: 0 },
      'SF0002',
      `\`${file}\` not found`,
      `every project needs ${name}.yaml in its spec folder; see docs/spec-format.md`,
    );
  }
  return undefined;
}

function* loadProjectFiles(root: string): Loader<LoadResult> {
  const ctx = createContext(root);
  const configSource = yield* readSpecFile(ctx, path.join(root, PROJECT_FILE), { kind: 'specfirst', required: true });
  const project = readProjectConfig(ctx, configSource);
  const specDir = path.resolve(root, project.specDir);

  // A file that exists but did not parse: its YAML errors are reported, every use of what it declares is not.
  const unparsed = (name: string): SourceFile | undefined =>
    unparsedSource(ctx, path.join(specDir, `${name}.yaml`)) ?? unparsedSource(ctx, path.join(specDir, `${name}.yml`));

  const modelsSource = yield* readYamlVariant(ctx, specDir, 'models', 'models', false);
  if (modelsSource) declareModels(ctx, modelsSource);
  else if (unparsed('models')) ctx.models.markIncomplete();

  const servicesSource = yield* readYamlVariant(ctx, specDir, 'services', 'services', true);
  const drafts = servicesSource ? readServices(ctx, servicesSource) : [];
  const brokenServices = servicesSource ? undefined : unparsed('services');
  if (brokenServices) {
    ctx.unparsed.services = true;
    yield* checkRestFilesOf(ctx, specDir, brokenServices);
  }
  for (const draft of drafts) {
    const rest = draft.restFile;
    if (!rest) continue;
    const absPath = resolveInsideRoot(
      ctx,
      specDir,
      rest.path,
      rest.loc,
      rest.format === 'openapi' ? 'OpenAPI document' : 'REST description',
    );
    if (absPath === undefined) continue;
    const source = yield* readSpecFile(ctx, absPath, {
      ...(rest.format === 'specfirst' ? { kind: 'rest' as const } : {}),
      required: true,
      referencedFrom: rest.loc,
      what: rest.format === 'specfirst' ? 'REST description' : 'OpenAPI document',
    });
    if (!source) {
      if (unparsedSource(ctx, absPath)) {
        ctx.unparsed.operationsOf.add(draft.service.name);
        if (rest.format === 'openapi') ctx.models.markIncomplete(); // its components are models
      }
      continue;
    }
    const description =
      rest.format === 'specfirst'
        ? buildRestDescription(ctx, source, draft.service.name)
        : yield* importOpenApi(ctx, source, draft.service.name);
    if (!description) continue;
    if (draft.operationOverrides) applyOperationOverrides(ctx, draft.operationOverrides, description, source.file);
    applyRest(draft.service, description, { format: rest.format, file: source.file });
  }

  const eventsSource = yield* readYamlVariant(ctx, specDir, 'events', 'events', false);
  if (!eventsSource) ctx.unparsed.topics = unparsed('events') !== undefined;
  const tasksSource = yield* readYamlVariant(ctx, specDir, 'tasks', 'tasks', false);
  if (!tasksSource) ctx.unparsed.tasks = unparsed('tasks') !== undefined;
  const topics = readTopics(ctx, eventsSource);
  const tasks = readTasks(ctx, tasksSource);
  const services = drafts.map((d) => d.service).sort((a, b) => compareStrings(a.name, b.name));
  return finish(ctx, project, services, topics, tasks, (models) => {
    checkMessaging(ctx, topics, tasks, services, models);
    return linkServices(ctx, drafts, topics, tasks);
  });
}

/**
 * services.yaml did not parse, so no service is built; the REST descriptions and OpenAPI documents
 * it names (as far as the parser could still read it) are checked all the same, so that one YAML
 * error does not hide their problems. A name it could not read properly is skipped silently.
 */
function* checkRestFilesOf(ctx: BuildContext, specDir: string, services: SourceFile): Loader<void> {
  const recovered =
    isRecord(services.recovered) && isRecord(services.recovered.services) ? services.recovered.services : {};
  for (const [name, raw] of Object.entries(recovered)) {
    if (!isRecord(raw) || !NAME_PATTERNS.service.test(name)) continue;
    const format = typeof raw.rest === 'string' ? 'specfirst' : typeof raw.openapi === 'string' ? 'openapi' : undefined;
    if (!format) continue;
    // Outside the root: skipped, not reported. Nothing is reported inside a file that did not parse
    // but its YAML errors (it keeps no positions); the path is reported once the file parses.
    const absPath = pathInsideRoot(ctx, specDir, String(format === 'specfirst' ? raw.rest : raw.openapi));
    if (absPath === undefined) continue;
    const source = yield* readSpecFile(ctx, absPath, {
      ...(format === 'specfirst' ? { kind: 'rest' as const } : {}),
      required: false,
    });
    if (!source) continue;
    const description =
      format === 'specfirst' ? buildRestDescription(ctx, source, name) : yield* importOpenApi(ctx, source, name);
    if (!description) continue;
    // A stand-in, never part of the IR: the checks of its operations need only the description.
    const service = httpService(name, irLoc(source, ''));
    applyRest(service, description, { format, file: source.file });
    checkService(ctx, service);
  }
}

/** An http service with nothing but a name, for a REST description to be applied to. */
function httpService(name: string, loc: IRLocation): IRService {
  return {
    name,
    identifier: toPascalCase(name),
    type: 'http',
    basePath: '',
    tags: [],
    operations: [],
    securitySchemes: [],
    access: [],
    consumes: { operations: [], topics: [], tasks: [] },
    loc,
  };
}

function* loadStandaloneOpenApi(root: string, file: string): Loader<LoadResult> {
  const ctx = createContext(root);
  const source = yield* readSpecFile(ctx, file, { required: true, what: 'OpenAPI document' });
  const name = serviceNameForDocument(file);
  const service = httpService(
    name,
    source ? irLoc(source, '') : { file: path.basename(file), pointer: '', line: 1, column: 1 },
  );
  if (source) {
    const description = yield* importOpenApi(ctx, source, name);
    if (description) {
      applyRest(service, description, { format: 'openapi', file: source.file });
      if (description.title !== undefined) service.description = description.title;
    }
  }
  const project: IRProject = {
    name,
    specDir: '.',
    outputDir: 'generated',
    servicesDir: 'services',
    apps: [],
    lint: { allowAdhocSchemas: [], allowManualRouters: [] },
    kind: 'openapi',
  };
  return finish(ctx, project, [service], [], [], () => []);
}

/** Where a target's project is and where its generated code goes, read without loading the spec. */
export interface ProjectLocation {
  root: string;
  kind: 'project' | 'openapi';
  /** For a standalone document: its absolute path. */
  file?: string;
  /** Relative to `root`, `/`-separated. */
  outputDir: string;
}

/**
 * Reads only `specfirst.yaml` (nothing for a standalone document): enough for `sync` to find its
 * output folder and decide, from the manifest there, whether the whole spec must be loaded at all.
 * Undefined when the target is not a project or its settings have problems (a full load says which).
 */
export function locateProject(target: string): ProjectLocation | undefined {
  const resolved = resolveTarget(target);
  if (resolved.mode === 'invalid') return undefined;
  if (resolved.mode === 'openapi')
    return { root: resolved.root, kind: 'openapi', file: resolved.file, outputDir: 'generated' };
  const ctx = createContext(resolved.root);
  const project = runSync(
    (function* () {
      const source = yield* readSpecFile(ctx, path.join(resolved.root, PROJECT_FILE), {
        kind: 'specfirst',
        required: true,
      });
      return readProjectConfig(ctx, source);
    })(),
    new Map(),
  );
  return ctx.diagnostics.length > 0
    ? undefined
    : { root: resolved.root, kind: 'project', outputDir: project.outputDir };
}

/** `petstore-expanded.yaml` → `petstore-expanded`; generic names (`openapi.yml`) → `api`. */
export function serviceNameForDocument(file: string): string {
  const stem = toFileName(path.basename(file).replace(/\.(ya?ml|json)$/i, ''));
  return stem === '' || /^(openapi|swagger|spec|index|schema)$/.test(stem) || !/^[a-z]/.test(stem) ? 'api' : stem;
}

function declareModels(ctx: BuildContext, source: SourceFile): void {
  const models = isRecord(source.value) && isRecord(source.value.models) ? source.value.models : {};
  // A model describes what is stored: a property with a `default` is always there (ConvertContext).
  const convert = { dialect: specfirstDialect(ctx), diagnostics: ctx.diagnostics, storedDefaults: true };
  for (const [name, raw] of Object.entries(models)) {
    if (!NAME_PATTERNS.model.test(name)) continue; // reported by the schema check
    const pointer = joinPointer('/models', name);
    const schema = convertSchema(raw, source, pointer, convert);
    ctx.models.declare(
      {
        name,
        identifier: name,
        variant: 'model',
        schema,
        ...(schema.description !== undefined ? { description: schema.description } : {}),
        loc: irLoc(source, pointer),
      },
      ctx.diagnostics,
    );
  }
}

function applyRest(
  service: IRService,
  description: RestDescription & Pick<IRService, 'info'>,
  rest: NonNullable<IRService['rest']>,
): void {
  service.rest = rest;
  if (description.info) service.info = description.info;
  service.basePath = description.basePath;
  service.securitySchemes = description.securitySchemes;
  service.tags = [...description.tags].sort(
    (a, b) => compareStrings(a.fileName, b.fileName) || compareStrings(a.name, b.name),
  );
  const tagOrder = new Map(service.tags.map((t, i) => [t.name, i]));
  const sourceOrder = new Map(description.operations.map((o, i) => [o, i]));
  service.operations = [...description.operations].sort(
    (a, b) =>
      (tagOrder.get(a.tag) ?? 0) - (tagOrder.get(b.tag) ?? 0) || (sourceOrder.get(a) ?? 0) - (sourceOrder.get(b) ?? 0),
  );
}

function finish(
  ctx: BuildContext,
  project: IRProject,
  services: IRService[],
  topics: SpecIR['topics'],
  tasks: SpecIR['tasks'],
  link: (models: SpecIR['models']) => SpecIR['graph'],
): LoadResult {
  for (const service of services) checkService(ctx, service);
  const models = ctx.models.finish(ctx.diagnostics);
  const graph = link(models);
  const ir: SpecIR = {
    irVersion: IR_VERSION,
    project,
    models,
    services,
    topics,
    tasks,
    graph,
    sources: [...ctx.sources.keys()].sort(compareStrings),
  };
  return { ir, diagnostics: dedupe(sortDiagnostics(ctx.diagnostics)), root: ctx.root, files: [] };
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}\0${d.file}\0${d.line}\0${d.column}\0${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
