/**
 * Import cycles among TypeScript and JavaScript modules: a module that, through its relative
 * imports, imports itself. Each file's imports are read with TypeScript's preProcessFile (a scanner,
 * no type checking: the repository's 131 modules take ~0.6 s of CPU, plus ~1 s to load TypeScript).
 * Type-only imports count too: a cycle of types is still two modules that cannot be understood one
 * without the other.
 *
 * Only relative specifiers (`./x.js`, `../y/z.js`) are followed: packages import each other by name,
 * and the TypeScript project references of tsconfig.build.json already refuse a cycle between them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE = /\.(?:ts|mts|cts|tsx|js|mjs|cjs)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', 'generated', '.out']);

/** Every TypeScript and JavaScript file under `dir` (declaration files and build output left out), sorted. */
export function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) files.push(...sourceFiles(full));
    } else if (SOURCE.test(entry.name) && !/\.d\.[mc]?ts$/.test(entry.name)) files.push(full);
  }
  return files.sort();
}

/** `./a.js` written in `from` → the .ts file it means, when it is one of `known`. */
function resolve(from, specifier, known) {
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) return undefined;
  const target = path.resolve(path.dirname(from), specifier);
  const candidates = [
    target
      .replace(/\.js$/, '.ts')
      .replace(/\.mjs$/, '.mts')
      .replace(/\.cjs$/, '.cts'),
    target,
    `${target}.ts`,
    path.join(target, 'index.ts'),
  ];
  return candidates.find((c) => known.has(c));
}

/** Module → the modules it imports (relative imports, re-exports and `import()` included). */
export function importGraph(files) {
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((ref) => resolve(file, ref.fileName, known))
      .filter((t) => t !== undefined && t !== file);
    graph.set(file, [...new Set(targets)].sort());
  }
  return graph;
}

/**
 * The cycles of `graph`: one per strongly connected component (Tarjan), each given as a path that
 * starts and ends at the component's first module in sort order, so the output is stable.
 */
export function findCycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const connect = (node) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node), index.get(next)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return components
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map((component) => cyclePath(graph, new Set(component), component[0]));
}

/** A shortest way from `start` back to itself inside one component (breadth-first). */
function cyclePath(graph, members, start) {
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)) path.unshift(at);
        path.unshift(start);
        return path;
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [start, start];
}
