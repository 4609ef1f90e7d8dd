import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// The shapes the commands declare they print: the test checks the JSON against them, not a copy.
import type { ScaffoldJson } from '../src/commands/scaffold.js';
import type { SyncJson } from '../src/commands/sync.js';
import { BIN, runBin as run } from './support/run-cli.js';

/**
 * `--format json` on every command that prints a result: standard output holds one JSON document
 * (one per line with `sync --watch`) and nothing else, whatever happened; exit codes are those of
 * the text output. The shapes are documented in docs/cli.md.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-json-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Runs a command in JSON and returns its one document; fails when anything else is on standard output. */
function runJson<T>(args: string[], cwd: string): { code: number | null; json: T; stderr: string } {
  const { code, stdout, stderr } = run([...args, '--format', 'json'], cwd);
  let json: T;
  try {
    json = JSON.parse(stdout) as T;
  } catch {
    throw new Error(`standard output is not one JSON document:\n${stdout}\nstandard error:\n${stderr}`);
  }
  return { code, json, stderr };
}

function smallCopy(name: string): string {
  const dir = path.join(temp, name);
  cpSync(path.join(REPO, 'fixtures/small'), dir, { recursive: true });
  return dir;
}

const GENERATED = [
  'clients/todo.ts',
  'deploy/compose.yaml',
  'deploy/k8s/default-deny.yaml',
  'deploy/k8s/todo.yaml',
  'manifest.json',
  'models.ts',
  'openapi/todo.json',
  'routers/todo/health.ts',
  'routers/todo/index.ts',
  'routers/todo/todos.ts',
  'validators/todo.d.ts',
  'validators/todo.js',
];

const noFiles = {
  written: [],
  removed: [],
  unchanged: [],
  missing: [],
  outdated: [],
  edited: [],
  stale: [],
  foreign: [],
};

describe('specfirst sync --format json', () => {
  it('reports what a run wrote, then that nothing needed writing, then what --check found', () => {
    const project = smallCopy('sync');
    const first = runJson<SyncJson>(['sync'], project);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.json).toEqual({
      output: 'generated',
      check: false,
      loaded: true,
      ok: true,
      diagnostics: [],
      errorCount: 0,
      warningCount: 0,
      files: { ...noFiles, written: GENERATED, missing: GENERATED },
      error: null,
    });
    const second = runJson<SyncJson>(['sync'], project);
    expect(second.code).toBe(0);
    // The manifest shows the output current without reading the spec.
    expect(second.json).toMatchObject({ loaded: false, ok: true, files: { ...noFiles, unchanged: GENERATED } });

    appendFileSync(path.join(project, 'generated/models.ts'), '// edited\n');
    const check = runJson<SyncJson>(['sync', '--check'], project);
    expect(check.code).toBe(1);
    expect(check.stderr).toBe('');
    expect(check.json).toMatchObject({ check: true, ok: false, files: { written: [], edited: ['models.ts'] } });
    const repair = runJson<SyncJson>(['sync'], project);
    expect(repair.code).toBe(0);
    expect(repair.json.files).toMatchObject({ written: ['models.ts'], edited: ['models.ts'] });
  });

  it('carries the diagnostics of a spec with errors, writes nothing and exits 1', () => {
    const project = smallCopy('sync-errors');
    writeFileSync(path.join(project, 'spec/models.yaml'), 'models:\n  Todo:\n    properties:\n      owner: Usr\n');
    const { code, json, stderr } = runJson<SyncJson>(['sync'], project);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(json.ok).toBe(false);
    expect(json.errorCount).toBeGreaterThan(0);
    expect(json.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'SF2001', file: path.join('spec', 'models.yaml'), line: 4 }),
    );
    expect(json.files).toEqual(noFiles);
  });

  it('exits 2 for a path that names nothing, and for an output folder it refuses, saying why', () => {
    const missing = runJson<SyncJson>(['sync', 'no/such/place'], temp);
    expect(missing.code).toBe(2);
    expect(missing.json).toMatchObject({ output: null, ok: false, diagnostics: [{ code: 'SF0002' }] });
    const project = smallCopy('sync-refused');
    const refused = runJson<SyncJson>(['sync', '--out', '.'], project);
    expect(refused.code).toBe(2);
    expect(refused.json.error).toMatch(/^refusing to generate into \.: it holds the project/);
  });

  it('--watch prints one JSON line per run, and its notice on standard error', async () => {
    const project = smallCopy('watch');
    const child = spawn(process.execPath, [BIN, 'sync', '--watch', '--format', 'json'], {
      cwd: project,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const runs = () =>
      stdout
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as SyncJson);
    /** Waits (at most 30 s) until `done` holds for the runs printed so far. */
    const until = async (what: string, done: (r: SyncJson[]) => boolean) => {
      for (let waited = 0; !(stdout.endsWith('\n') && done(runs())); waited += 50) {
        if (waited > 30_000)
          throw new Error(`no ${what} after 30 s; standard output:\n${stdout}\nstandard error:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      await until('first run', (r) => r.length >= 1 && stderr.includes('watching'));
      expect(runs()[0]).toMatchObject({ ok: true, files: { written: GENERATED } });
      const models = path.join(project, 'spec/models.yaml');
      writeFileSync(models, readFileSync(models, 'utf8').replace('tags: string[]?', 'tags: Tagg[]?'));
      await until('run after the spec edit', (r) => r.some((run) => !run.ok));
      expect(runs().find((r) => !r.ok)).toMatchObject({
        errorCount: 1,
        diagnostics: [{ code: 'SF2001' }],
        files: { written: [] },
      });
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stderr.trim()).toMatch(/^watching \d+ folders for spec changes \(Ctrl-C to stop\)$/);
  });
});

describe('specfirst scaffold --format json', () => {
  it('lists the controllers it created, then the ones it kept', () => {
    const project = smallCopy('scaffold');
    const controllers = [
      path.join('services', 'todo', 'src', 'controllers', 'health.ts'),
      path.join('services', 'todo', 'src', 'controllers', 'todos.ts'),
    ];
    const first = runJson<ScaffoldJson>(['scaffold'], project);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.json).toEqual({
      ok: true,
      diagnostics: [],
      errorCount: 0,
      warningCount: 0,
      created: controllers,
      kept: [],
      skipped: [],
      error: null,
    });
    const second = runJson<ScaffoldJson>(['scaffold', 'todo'], project);
    expect(second.json).toMatchObject({ ok: true, created: [], kept: controllers });
  });

  it('names an unknown service in `error` (exit 2), and carries spec errors (exit 1)', () => {
    const project = smallCopy('scaffold-errors');
    const unknown = runJson<ScaffoldJson>(['scaffold', 'mailer'], project);
    expect(unknown.code).toBe(2);
    expect(unknown.json).toMatchObject({
      ok: false,
      created: [],
      error: 'no HTTP service `mailer`; the project has `todo`',
    });
    writeFileSync(path.join(project, 'spec/models.yaml'), 'models:\n  Todo: Nope\n');
    const broken = runJson<ScaffoldJson>(['scaffold'], project);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe('');
    expect(broken.json.ok).toBe(false);
    expect(broken.json.errorCount).toBeGreaterThan(0);
  });
});

describe('specfirst ir --format json', () => {
  it('is the IR, as without the option; json is its only format', () => {
    const plain = run(['ir', 'fixtures/small'], REPO);
    const json = run(['ir', 'fixtures/small', '--format', 'json'], REPO);
    expect(json.code).toBe(0);
    expect(json.stdout).toBe(plain.stdout);
    expect((JSON.parse(json.stdout) as { irVersion: number }).irVersion).toBe(1);
    const text = run(['ir', 'fixtures/small', '--format', 'text'], REPO);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe('');
    expect(text.stderr).toContain('Allowed choices are json.');
  });
});

describe('one --format for every command that prints a result', () => {
  it.each(['check', 'ir', 'graph', 'sync', 'scaffold'])('%s --help shows the same option', (command) => {
    const { code, stdout } = run([command, '--help'], REPO);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}-f, --format <format> {2,}output format \(choices: "/m);
  });

  it('--watch with --check is a usage error, before anything is printed', () => {
    const { code, stdout, stderr } = run(['sync', '--watch', '--check', '--format', 'json'], REPO);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--watch and --check cannot be combined');
  });
});
