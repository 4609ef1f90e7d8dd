#!/usr/bin/env node
/**
 * One measured lint, run by bench/lint/run.mjs as a fresh process with the generated project as
 * its working folder (as `npx eslint services` in CI would be):
 *
 *   node bench/lint/lint-once.mjs <eslint config file> <plugin dist/index.js or "-">
 *
 * Imports ESLint (the copy packages/eslint-plugin-spec uses), lints `services/` with the given
 * config file, and prints one JSON line: the time of the `lintFiles` call (which loads the config
 * file, so the plugin's import and its spec load are inside it, as in the CLI), files, problems by
 * rule, fatal errors, and, when a plugin path is given, the plugin's `irLoadCount()` afterwards.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const started = performance.now();
const [configFile, pluginFile] = process.argv.slice(2);
const ROOT = path.resolve(import.meta.dirname, '../..');
const { ESLint } = createRequire(path.join(ROOT, 'packages/eslint-plugin-spec/package.json'))('eslint');

const eslint = new ESLint({ cwd: process.cwd(), overrideConfigFile: configFile, cache: false });
const t0 = performance.now();
const results = await eslint.lintFiles(['services']);
const lintMs = performance.now() - t0;

const byRule = {};
let errors = 0;
let warnings = 0;
let fatal = 0;
for (const result of results) {
  errors += result.errorCount;
  warnings += result.warningCount;
  fatal += result.fatalErrorCount;
  for (const m of result.messages) {
    const key = m.ruleId ?? (m.fatal ? '(parse error)' : '(no rule)');
    byRule[key] = (byRule[key] ?? 0) + 1;
  }
}
const fatalSample = results
  .flatMap((r) => r.messages.filter((m) => m.fatal).map((m) => `${r.filePath}:${m.line}: ${m.message}`))
  .slice(0, 3);

let irLoads = null;
if (pluginFile && pluginFile !== '-') irLoads = (await import(pathToFileURL(pluginFile).href)).irLoadCount();

process.stdout.write(
  `${JSON.stringify({ lintMs, setupMs: t0 - started, files: results.length, errors, warnings, fatal, fatalSample, byRule, irLoads, eslintVersion: ESLint.version })}\n`,
);
