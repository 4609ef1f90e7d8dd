import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { Diagnostic } from '../src/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = path.join(REPO_ROOT, 'fixtures');

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder holding `files` (path → content), removed after the test. */
export function tempProject(files: Record<string, string>, copyFrom?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'specfirst-'));
  temps.push(dir);
  if (copyFrom) cpSync(copyFrom, dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** The line (1-based) of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  if (index === -1) throw new Error(`\`${needle}\` not found`);
  return index + 1;
}

/** Every YAML file below `dir`. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(entry) ? [full] : [];
  });
}

/** A load result with its warnings left out, for tests about errors on specs too small to be otherwise complete. */
export function errorsOnly<T extends { diagnostics: readonly Diagnostic[] }>(result: T): T {
  return { ...result, diagnostics: result.diagnostics.filter((d) => d.severity === 'error') };
}
