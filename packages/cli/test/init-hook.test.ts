/**
 * The pre-commit hook of a project `specfirst init` made, end to end: the real CLI creates and
 * installs the project in a temporary folder, and real `git commit`s go through its husky hook
 * (lint-staged). A commit the project's own `lint` or `typecheck` would fail right after must be
 * refused; a clean one must go through.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFresh, type Ran } from './support/fresh-env.js';

const BIN = fileURLToPath(new URL('../bin/specfirst.js', import.meta.url));
const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-init-hook-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const project = path.join(temp, 'hooked');
const git = (...args: string[]): Promise<Ran> => runFresh('git', args, project);
const specfirst = (...args: string[]): Promise<Ran> => runFresh(process.execPath, [BIN, ...args], project);
const commits = async () => (await git('log', '--format=%s')).stdout.trim().split('\n').length;

/** Puts the project back to its last commit: index, tracked files and new files alike. */
async function reset(): Promise<void> {
  expect((await git('reset', '-q', '--hard', 'HEAD')).code).toBe(0);
  expect((await git('clean', '-fdq', '--', 'services', 'generated', 'spec')).code).toBe(0);
}

describe('the pre-commit hook of an init project', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    const created = await runFresh(process.execPath, [BIN, 'init', project, '--package-manager', 'pnpm'], temp);
    expect(created.code, created.output).toBe(0);
    expect(await commits()).toBe(1);
  }, 180_000);

  it('lets a clean change through', async () => {
    writeFileSync(path.join(project, 'services/api/src/greeting.ts'), "export const greeting = 'hello';\n");
    await git('add', '-A');
    const before = await commits();
    const clean = await git('commit', '-m', 'a clean change');
    expect(clean.code, clean.output).toBe(0);
    expect(await commits()).toBe(before + 1);
  });

  it('refuses a hand-made router in a .cjs file', async () => {
    mkdirSync(path.join(project, 'services/api/src/routes'));
    writeFileSync(
      path.join(project, 'services/api/src/routes/router.cjs'),
      "const { Router } = require('express');\nmodule.exports = Router();\n",
    );
    await git('add', '-A');
    const before = await commits();
    const refused = await git('commit', '-m', 'a router');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('spec/no-manual-router');
    expect(await commits()).toBe(before);
    await reset();
  });

  it('refuses a synced spec change that breaks a controller the commit does not touch', async () => {
    const rest = path.join(project, 'spec/rest/api.yaml');
    writeFileSync(rest, readFileSync(rest, 'utf8').replace('      deleteNote:', '      removeNote:'));
    const synced = await specfirst('sync');
    expect(synced.code, synced.output).toBe(0);
    await git('add', 'spec', 'generated');
    const before = await commits();
    const refused = await git('commit', '-m', 'rename deleteNote');
    expect(refused.code).not.toBe(0);
    // The controller still implements deleteNote, and has no removeNote.
    expect(refused.output).toContain('services/api/src/controllers/notes.ts');
    expect(refused.output).toContain('spec/require-controller-implements');
    expect(await commits()).toBe(before);
    await reset();
  });

  it('refuses a type error that no lint rule sees', async () => {
    const file = path.join(project, 'services/api/src/count.ts');
    writeFileSync(file, "export const count: number = 'three';\n");
    // What the hook would lint finds nothing: only the type checker can refuse this.
    const lint = await runFresh('pnpm', ['exec', 'eslint', '--max-warnings=0', file], project);
    expect(lint.code, lint.output).toBe(0);
    await git('add', '-A');
    const before = await commits();
    const refused = await git('commit', '-m', 'a type error');
    expect(refused.code).not.toBe(0);
    expect(refused.output, refused.output).toMatch(/services\/api\/src\/count\.ts\(1,14\): error TS2322/);
    expect(await commits()).toBe(before);
    await reset();
  });
});
