#!/usr/bin/env node
/**
 * Writes docs/cli-reference.md from the built CLI's own help (run `pnpm build` first).
 *
 *   node scripts/cli-reference.mjs           write the page when it changed
 *   node scripts/cli-reference.mjs --check   change nothing; exit 1 when the page is out of date
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REFERENCE_FILE, REGENERATE, renderCliReference } from './lib/cli-reference.mjs';

const cli = new URL('../packages/cli/dist/main.js', import.meta.url);
if (!existsSync(cli)) {
  console.error('scripts/cli-reference.mjs: packages/cli is not built; run `pnpm build` first');
  process.exit(2);
}
const { buildProgram } = await import(cli.href);
const page = renderCliReference(buildProgram);
const current = existsSync(REFERENCE_FILE) ? readFileSync(REFERENCE_FILE, 'utf8') : undefined;
const shown = path.relative(process.cwd(), REFERENCE_FILE);

if (process.argv.includes('--check')) {
  if (current !== page) {
    console.error(`${shown} is out of date: run \`${REGENERATE}\``);
    process.exit(1);
  }
  console.log(`${shown} is up to date`);
} else if (current === page) {
  console.log(`${shown} is up to date`);
} else {
  writeFileSync(REFERENCE_FILE, page);
  console.log(`wrote ${shown}`);
}
