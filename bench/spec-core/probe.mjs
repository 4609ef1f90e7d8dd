#!/usr/bin/env node
/**
 * Runs once in a fresh process and prints one JSON line, so run.mjs can measure what a short-lived
 * command pays: module loading and a first call whose code V8 has not optimised yet.
 *
 *   node bench/spec-core/probe.mjs yaml FILE...   import yaml, then parse() each file once
 *   node bench/spec-core/probe.mjs load TARGET    import spec-core, then loadProject(TARGET) once
 *
 * Output: {"importMs": …, "runMs": …, "diagnostics": …}
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SPEC_CORE = path.join(ROOT, 'packages/spec-core');

const [mode, ...args] = process.argv.slice(2);
let importMs;
let runMs;
let diagnostics = 0;

if (mode === 'yaml') {
  const t0 = performance.now();
  const YAML = createRequire(path.join(SPEC_CORE, 'package.json'))('yaml');
  importMs = performance.now() - t0;
  const texts = args.map((f) => readFileSync(f, 'utf8'));
  const t1 = performance.now();
  for (const text of texts) YAML.parse(text);
  runMs = performance.now() - t1;
} else if (mode === 'load') {
  const t0 = performance.now();
  const core = await import(pathToFileURL(path.join(SPEC_CORE, 'dist/index.js')).href);
  importMs = performance.now() - t0;
  const t1 = performance.now();
  const result = await core.loadProject(args[0], { cache: false });
  runMs = performance.now() - t1;
  diagnostics = result.diagnostics.length;
} else {
  console.error('usage: probe.mjs yaml FILE... | probe.mjs load TARGET');
  process.exit(2);
}
console.log(JSON.stringify({ importMs, runMs, diagnostics }));
