import path from 'node:path';
import { readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { declaresGeneratedImport } from '@specfirst/codegen/names';
import { findProjectRoot, loadProjectSync, type Diagnostic, type LoadResult, type SpecIR } from '@specfirst/spec-core';
import { Minimatch } from 'minimatch';

/**
 * The spec as the rules see it. One IR per project per process, through spec-core's cache (which
 * re-reads only changed spec files, so an editor's long-lived ESLint sees spec edits); the lookup
 * indexes are built once per IR, not per linted file. A file outside the project's services and
 * output folders costs a path check and nothing more.
 */
export interface ProjectView {
  root: string;
  ir: SpecIR;
  /** Spec errors: the IR may be partial. */
  errors: Diagnostic[];
  index: SpecIndex;
  /** The linted file relative to the root, `/`-separated. */
  file: string;
  area: 'services' | 'output';
  matches(globs: readonly string[]): boolean;
  /**
   * The project's package.json (next to specfirst.yaml) maps `#generated/*` to the output folder:
   * fixes and messages name generated modules `#generated/…`, as `specfirst scaffold` writes them.
   */
  generatedImport: boolean;
}

export interface SpecIndex {
  /** Model and variant names → the generated TypeScript type name. */
  modelTypes: ReadonlyMap<string, string>;
}

const rootOfFolder = new Map<string, string | undefined>();
const indexes = new WeakMap<SpecIR, SpecIndex>();
/** The folders of each project from its last load, to decide cheaply whether a file concerns us. */
const folders = new Map<string, { services: string; output: string }>();

function rootFor(filename: string): string | undefined {
  const folder = path.dirname(filename);
  if (!rootOfFolder.has(folder)) rootOfFolder.set(folder, findProjectRoot(folder));
  return rootOfFolder.get(folder);
}

function areaOf(file: string, dirs: { services: string; output: string }): ProjectView['area'] | undefined {
  const inside = (dir: string) => dir === '.' || file === dir || file.startsWith(`${dir}/`);
  if (inside(dirs.output)) return 'output';
  if (inside(dirs.services)) return 'services';
  return undefined;
}

let irLoads = 0;

/** How many distinct IRs the rules have used in this process (one per project, plus one per spec edit). */
export function irLoadCount(): number {
  return irLoads;
}

function indexFor(ir: SpecIR): SpecIndex {
  let index = indexes.get(ir);
  if (!index) {
    irLoads++;
    index = { modelTypes: new Map(ir.models.map((m) => [m.name, m.identifier])) };
    indexes.set(ir, index);
  }
  return index;
}

/**
 * How often, at most, a project's spec files are stat'ed to see whether they changed. A watcher on
 * the spec folders marks a project stale at once; the interval is the fallback where file events
 * are late or missing. Stat'ing every spec file for every linted file cost the lint of a
 * 200-service project most of its time.
 */
const RECHECK_MS = 200;

interface ProjectState {
  result: LoadResult;
  checkedAt: number;
  stale: boolean;
  watchers: FSWatcher[];
}

const projects = new Map<string, ProjectState>();

/** The project's load result, re-validated against the disk at most every RECHECK_MS unless a watcher saw a change. */
function currentLoad(root: string): LoadResult {
  const state = projects.get(root);
  const now = performance.now();
  if (state && !state.stale && now - state.checkedAt < RECHECK_MS) return state.result;
  // Cheap when nothing changed: spec-core's cache only compares the files' stamps.
  const result = loadProjectSync(root);
  if (state && state.result === result) {
    state.checkedAt = now;
    state.stale = false;
    return result;
  }
  for (const watcher of state?.watchers ?? []) watcher.close();
  const next: ProjectState = { result, checkedAt: now, stale: false, watchers: [] };
  for (const folder of new Set(result.files.map((f) => path.dirname(f)))) {
    try {
      // `persistent: false`: a CLI run ends when its lint does, watchers or not.
      next.watchers.push(
        watch(folder, { persistent: false }, () => (next.stale = true)).on('error', () => (next.stale = true)),
      );
    } catch {
      // A folder that cannot be watched falls back to the interval.
    }
  }
  projects.set(root, next);
  return result;
}

interface PackageJsonState {
  json: unknown;
  mtimeMs: number;
  checkedAt: number;
}

const packageJsons = new Map<string, PackageJsonState>();

/** The project's package.json (undefined when it has none or it is not JSON), stat'ed at most every RECHECK_MS. */
function packageJsonOf(root: string): unknown {
  const now = performance.now();
  const known = packageJsons.get(root);
  if (known && now - known.checkedAt < RECHECK_MS) return known.json;
  const file = path.join(root, 'package.json');
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    // No package.json: no `#generated/*` import.
  }
  if (known && known.mtimeMs === mtimeMs) {
    known.checkedAt = now;
    return known.json;
  }
  let json: unknown;
  try {
    json = mtimeMs === -1 ? undefined : (JSON.parse(readFileSync(file, 'utf8')) as unknown);
  } catch {
    json = undefined;
  }
  packageJsons.set(root, { json, mtimeMs, checkedAt: now });
  return json;
}

const globs = new Map<string, Minimatch>();
function glob(pattern: string): Minimatch {
  let compiled = globs.get(pattern);
  if (!compiled) globs.set(pattern, (compiled = new Minimatch(pattern, { dot: true })));
  return compiled;
}

/** The last view handed out: every rule asks for the same file in a row. */
let last: { filename: string; result: LoadResult; view: ProjectView | undefined } | undefined;

/** The project view of a linted file, or undefined when the file is in no project's services or output folder. */
export function projectView(filename: string): ProjectView | undefined {
  if (!path.isAbsolute(filename)) return undefined; // `<input>` and other virtual files
  const root = rootFor(filename);
  if (root === undefined) return undefined;
  const file = path.relative(root, filename).split(path.sep).join('/');
  const known = folders.get(root);
  if (known && areaOf(file, known) === undefined) return undefined;
  const result = currentLoad(root);
  if (last?.filename === filename && last.result === result) return last.view;
  const { ir, diagnostics } = result;
  const dirs = { services: ir.project.servicesDir, output: ir.project.outputDir };
  folders.set(root, dirs);
  const area = areaOf(file, dirs);
  const view: ProjectView | undefined =
    area === undefined
      ? undefined
      : {
          root,
          ir,
          errors: diagnostics.filter((d) => d.severity === 'error'),
          index: indexFor(ir),
          file,
          area,
          matches: (patterns) => patterns.some((pattern) => glob(pattern).match(file)),
          generatedImport: declaresGeneratedImport(packageJsonOf(root), ir.project.outputDir),
        };
  last = { filename, result, view };
  return view;
}

/** Tests, fixtures and migrations may build what services may not. */
export const ALWAYS_EXEMPT = [
  '**/*.test.*',
  '**/*.spec.*',
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/migrations/**',
];
