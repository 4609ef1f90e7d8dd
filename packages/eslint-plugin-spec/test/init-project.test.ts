import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import { SOURCE_EXTENSIONS } from '../src/source-files.js';

/**
 * The plugin in the ESLint config `specfirst init` writes: a real project made by the real CLI
 * (without an install: under test/.out, its config's imports resolve to this repository's
 * packages, the plugin to this one), linted by the real ESLint, through its Node API as an editor
 * does and through its command line as a terminal and the pre-commit hook do.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(HERE, '../../cli/bin/specfirst.js');
const ESLINT_BIN = path.resolve(HERE, '../node_modules/eslint/bin/eslint.js');
const temp = mkdtempSync(path.join(tmpdir(), 'spec-init-lint-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function initProject(name: string): string {
  const out = path.join(HERE, '.out');
  mkdirSync(out, { recursive: true });
  rmSync(path.join(out, name), { recursive: true, force: true });
  execFileSync(process.execPath, [CLI, 'init', name, '--no-install', '--no-git'], { cwd: out, stdio: 'pipe' });
  return path.join(out, name);
}

interface Found {
  rule: string;
  file: string;
  message: string;
}

function found(root: string, results: ESLint.LintResult[]): Found[] {
  return results
    .flatMap((r) =>
      r.messages.map((m) => ({
        rule: m.ruleId ?? `(fatal) ${m.message}`,
        file: path.relative(root, r.filePath).split(path.sep).join('/'),
        message: m.message,
      })),
    )
    .sort((a, b) => a.file.localeCompare(b.file) || a.rule.localeCompare(b.rule));
}

/** The ESLint command line in the project, as `pnpm lint` (or the hook) runs it: its JSON report. */
function cli(root: string, args: string[]): Found[] {
  const run = spawnSync(process.execPath, [ESLINT_BIN, '--format', 'json', ...args], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  return found(root, JSON.parse(run.stdout) as ESLint.LintResult[]);
}

const spec = (f: Found[]) => f.filter((m) => m.rule.startsWith('spec/'));

/** Removes `deleteNote` from the init project's spec, without a sync. */
function deleteOperation(root: string): void {
  const rest = path.join(root, 'spec/rest/api.yaml');
  const text = readFileSync(rest, 'utf8');
  const start = text.indexOf('      deleteNote:');
  const end = text.indexOf('\n  health:');
  expect(start).toBeGreaterThan(0);
  writeFileSync(rest, text.slice(0, start) + text.slice(end + 1));
}

describe('an init project: the spec rules on every JavaScript and TypeScript file under services/', () => {
  const root = initProject('init-extensions');
  it.each(SOURCE_EXTENSIONS)(
    '*.%s: a hand-made router and an ad-hoc zod schema are reported',
    async (extension) => {
      const dir = path.join(root, 'services/api/src/routes');
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        path.join(dir, `router.${extension}`),
        "const { Router } = require('express');\nmodule.exports = Router();\n",
      );
      writeFileSync(
        path.join(dir, `schema.${extension}`),
        "const { z } = require('zod');\nmodule.exports = z.object({ title: z.string() });\n",
      );
      try {
        const results = await new ESLint({ cwd: root }).lintFiles(['.']);
        expect(found(root, results).filter((m) => m.rule.startsWith('(fatal)'))).toEqual([]);
        expect(spec(found(root, results)).map(({ rule, file }) => ({ rule, file }))).toEqual([
          { rule: 'spec/no-manual-router', file: `services/api/src/routes/router.${extension}` },
          { rule: 'spec/no-adhoc-schema', file: `services/api/src/routes/schema.${extension}` },
        ]);
      } finally {
        rmSync(dir, { recursive: true });
      }
    },
    30_000,
  );
});

describe('an init project under `eslint --cache`', () => {
  it('gives what an uncached lint gives after a spec edit, in generated/ as in services/', () => {
    const root = initProject('init-cache');
    const cacheLocation = path.join(temp, 'eslintcache');
    const cached = () => cli(root, ['--cache', '--cache-location', cacheLocation, '.']);
    expect(cached()).toEqual([]);
    expect(cached()).toEqual([]); // from the cache
    deleteOperation(root);
    const uncached = cli(root, ['.']);
    // Every generated code file is stale, and the controller has an operation the spec lost.
    expect(uncached.filter((m) => m.file.startsWith('generated/')).length).toBeGreaterThanOrEqual(5);
    expect(uncached.some((m) => m.file.startsWith('services/'))).toBe(true);
    expect(cached()).toEqual(uncached);
    expect(cached()).toEqual(uncached); // and again, from the cache
    // Synced: the generated files that did not change have a new verdict too.
    execFileSync(process.execPath, [CLI, 'sync'], { cwd: root, stdio: 'pipe' });
    const synced = cli(root, ['.']);
    expect(synced.filter((m) => m.file.startsWith('generated/'))).toEqual([]);
    expect(cached()).toEqual(synced);
  }, 90_000);
});

describe('an init project with a hand-edited generated file', () => {
  it('blames only the edited file, as edited by hand, and no untouched one', async () => {
    const root = initProject('init-edited');
    appendFileSync(path.join(root, 'generated/models.ts'), '// a note\n');
    const results = await new ESLint({ cwd: root }).lintFiles(['.']);
    expect(found(root, results)).toEqual([
      {
        rule: 'spec/generated-in-sync',
        file: 'generated/models.ts',
        message: expect.stringContaining('edited by hand') as string,
      },
    ]);
  }, 30_000);
});
