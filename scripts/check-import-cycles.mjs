#!/usr/bin/env node
/**
 * `pnpm lint` runs this after ESLint: exit 1, with each cycle spelled out, when modules import each
 * other in a circle. Checks the folders given as arguments (relative to the current folder), by
 * default every package's src/, scripts/ and bench/.
 *
 *   node scripts/check-import-cycles.mjs [dir...]
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { findCycles, importGraph, sourceFiles } from './lib/import-cycles.mjs';

const started = performance.now();
const defaults = () =>
  [...readdirSync('packages').map((name) => path.join('packages', name, 'src')), 'scripts', 'bench'].filter((dir) =>
    existsSync(dir),
  );
const dirs = process.argv.length > 2 ? process.argv.slice(2) : defaults();
const files = dirs.flatMap((dir) => sourceFiles(path.resolve(dir)));
const cycles = findCycles(importGraph(files));
const ms = Math.round(performance.now() - started);
const show = (file) => path.relative(process.cwd(), file).split(path.sep).join('/');

if (cycles.length === 0) {
  console.log(`import cycles: none in ${files.length} modules (${ms} ms)`);
} else {
  console.error(`import cycles: ${cycles.length} in ${files.length} modules`);
  for (const cycle of cycles) console.error(`  ${cycle.map(show).join('\n    → ')}\n`);
  console.error('Break each cycle: move what both modules need into a third module that imports neither.');
  process.exitCode = 1;
}
