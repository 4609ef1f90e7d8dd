import path from 'node:path';
import { findProjectRoot, loadProjectSync, type Diagnostic, type SpecIR } from '@specfirst/spec-core';
import { minimatch } from 'minimatch';

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

/** The project view of a linted file, or undefined when the file is in no project's services or output folder. */
export function projectView(filename: string): ProjectView | undefined {
  if (!path.isAbsolute(filename)) return undefined; // `<input>` and other virtual files
  const root = rootFor(filename);
  if (root === undefined) return undefined;
  const file = path.relative(root, filename).split(path.sep).join('/');
  const known = folders.get(root);
  if (known && areaOf(file, known) === undefined) return undefined;
  const { ir, diagnostics } = loadProjectSync(root);
  const dirs = { services: ir.project.servicesDir, output: ir.project.outputDir };
  folders.set(root, dirs);
  const area = areaOf(file, dirs);
  if (area === undefined) return undefined;
  return {
    root,
    ir,
    errors: diagnostics.filter((d) => d.severity === 'error'),
    index: indexFor(ir),
    file,
    area,
    matches: (globs) => globs.some((glob) => minimatch(file, glob, { dot: true })),
  };
}

/** Tests, fixtures and migrations may build what services may not. */
export const ALWAYS_EXEMPT = ['**/*.test.*', '**/*.spec.*', '**/test/**', '**/tests/**', '**/__tests__/**', '**/migrations/**'];
