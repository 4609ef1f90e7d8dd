/**
 * `specfirst init`, end to end: the real CLI creates a project in a temporary folder, installs it
 * (from the pnpm store the repository's own install filled: every tool it pins is in the
 * repository's lockfile), and then the project's own scripts must pass, its lint rules must bite,
 * and its pre-commit hook must run. The rest covers what init refuses and what each option does.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { loadProjectSync } from '@specfirst/spec-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCommand, type InitOptions } from '../src/commands/init.js';
import type { Output } from '../src/output.js';
import { freshEnv, runFresh, type Ran } from './support/fresh-env.js';
import { OutputLog } from './support/output-log.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = path.join(REPO, 'packages/cli/bin/specfirst.js');

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-init-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const shellEnv = freshEnv;

/** Runs a program to its end in a fresh shell's environment, without blocking the test worker. */
const exec = (program: string, args: string[], cwd: string, extra?: Record<string, string>): Promise<Ran> =>
  runFresh(program, args, cwd, extra ? { extra } : {});

const specfirst = (args: string[], cwd = temp): Promise<Ran> => exec(process.execPath, [BIN, ...args], cwd);
const pnpmRun = (project: string, script: string): Promise<Ran> => exec('pnpm', ['run', script], project);

/** Every file under a folder, relative and `/`-separated, except the contents of `.git` and `node_modules`. */
function listFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      const relative = path.relative(root, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        if (entry.name === '.git' || entry.name === 'node_modules') files.push(`${relative}/`);
        else walk(full);
      } else files.push(relative);
    }
  };
  walk(root);
  return files.sort();
}

/** What `init --no-install --no-git` leaves, for the default service `api`. */
const FILES = [
  '.gitattributes',
  '.gitignore',
  '.husky/pre-commit',
  '.vscode/extensions.json',
  '.vscode/settings.json',
  'AGENTS.md',
  'README.md',
  'eslint.config.mjs',
  'generated/clients/api.ts',
  'generated/deploy/compose.yaml',
  'generated/deploy/k8s/api.yaml',
  'generated/deploy/k8s/default-deny.yaml',
  'generated/manifest.json',
  'generated/models.ts',
  'generated/openapi/api.json',
  'generated/routers/api/health.ts',
  'generated/routers/api/index.ts',
  'generated/routers/api/notes.ts',
  'generated/validators/api.d.ts',
  'generated/validators/api.js',
  'lint-staged.config.mjs',
  'package.json',
  'pnpm-workspace.yaml',
  'services/api/src/app.ts',
  'services/api/src/controllers/health.ts',
  'services/api/src/controllers/notes.ts',
  'services/api/src/main.ts',
  'services/api/test/app.test.ts',
  'spec/models.yaml',
  'spec/rest/api.yaml',
  'spec/services.yaml',
  'specfirst.yaml',
  'tsconfig.json',
  'vitest.config.ts',
];

describe('specfirst init: a project that works out of the box', () => {
  // A folder name with a space and capitals: the project is named `my-notes` after it.
  let project: string;
  let created: Ran;

  beforeAll(async () => {
    project = path.join(temp, 'My Notes');
    created = await specfirst(['init', project, '--package-manager', 'pnpm']);
  }, 60_000);

  it('creates, syncs, git-inits, installs, checks and commits the project, then prints the next steps', async () => {
    // (pnpm may warn on standard error, e.g. about a retried download: only init's own failures count.)
    expect(created.stderr).not.toMatch(/^✖|specfirst init:/m);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('✓ first commit: Start the project with specfirst init');
    expect(created.stdout).toContain('✓ my-notes: the api service on port 3000, 2 tags, 6 operations');
    // Success is said last, after every step.
    expect(created.stdout.indexOf('✓ my-notes:')).toBeGreaterThan(created.stdout.indexOf('✓ first commit'));
    // The first commit holds everything, through the pre-commit hook; nothing is left over.
    const log = await exec('git', ['log', '--format=%s'], project);
    expect(log.stdout.trim()).toBe('Start the project with specfirst init');
    expect((await exec('git', ['status', '--porcelain'], project)).stdout).toBe('');
    expect(created.stdout).toMatch(/Next:\n {2}cd "[^"]*My Notes"\n {2}pnpm dev +serve http:\/\/localhost:3000/);
    // husky's own scripts (.husky/_/) are ignored by the .gitignore husky writes there.
    const files = listFiles(project).filter((f) => !f.startsWith('.husky/_/'));
    expect(files).toEqual([...FILES, '.git/', 'node_modules/', 'pnpm-lock.yaml'].sort());
  });

  it('links the SpecFirst packages to this checkout by relative paths, and installs every pinned tool', () => {
    for (const [name, folder] of [
      ['@specfirst/runtime', 'runtime'],
      ['@specfirst/cli', 'cli'],
      ['@specfirst/spec-core', 'spec-core'],
      ['eslint-plugin-spec', 'eslint-plugin-spec'],
    ] as const) {
      expect(realpathSync(path.join(project, 'node_modules', name))).toBe(
        realpathSync(path.join(REPO, 'packages', folder)),
      );
    }
    for (const bin of ['specfirst', 'eslint', 'tsc', 'tsx', 'vitest', 'husky', 'lint-staged']) {
      expect(existsSync(path.join(project, 'node_modules/.bin', bin)), bin).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
    };
    expect(pkg.name).toBe('my-notes');
    expect(pkg.dependencies['@specfirst/runtime']).toBe(
      `link:${path.relative(project, path.join(REPO, 'packages/runtime'))}`,
    );
    expect(readFileSync(path.join(project, 'package.json'), 'utf8')).not.toMatch(/"(link|file):\//);
  });

  it.each(['sync', 'check', 'lint', 'typecheck', 'test'])(
    'passes its own `pnpm run %s`',
    async (script) => {
      const result = await pnpmRun(project, script);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      if (script === 'check') expect(result.stdout).toContain('✓ generated matches the spec (12 files)');
      if (script === 'test') expect(result.stdout).toMatch(/Tests +4 passed/);
    },
    60_000,
  );

  it('imports generated code as #generated/…, which its package.json declares', () => {
    const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as {
      imports: unknown;
      scripts: Record<string, string>;
    };
    expect(pkg.imports).toEqual({ '#generated/*': { development: './generated/*', default: './dist/generated/*' } });
    expect(pkg.scripts.dev).toContain(
      'tsx watch --clear-screen=false --conditions=development services/api/src/main.ts',
    );
    for (const file of [
      'services/api/src/app.ts',
      'services/api/src/main.ts',
      'services/api/src/controllers/notes.ts',
      'services/api/test/app.test.ts',
    ]) {
      const text = readFileSync(path.join(project, file), 'utf8');
      expect(text, file).toMatch(/from '#generated\/(routers\/api\/\w+|clients\/api)\.js'/);
      expect(text, file).not.toMatch(/from '(\.\.\/)+generated\//);
    }
  });

  it('builds, and the built service starts with plain node, where #generated/… is dist/generated/', async () => {
    const built = await pnpmRun(project, 'build');
    expect(built.code, `${built.stdout}\n${built.stderr}`).toBe(0);
    const child = spawn('node', ['dist/services/api/src/main.js'], {
      cwd: project,
      env: shellEnv({ PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      const { match } = await new OutputLog(child).waitFor(
        /api listening on (http:\/\/localhost:\d+)/,
        0,
        20_000,
        'the URL',
      );
      expect((await fetch(`${match[1]}/health`)).status).toBe(200);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      rmSync(path.join(project, 'dist'), { recursive: true, force: true });
    }
  }, 90_000);

  it('starts with tsx on the port PORT gives and prints its URL; the URL answers', async () => {
    // Its own process group, so the test ends tsx and the node process it starts together.
    // `development`: #generated/… are the sources, as in the `dev` script.
    const child = spawn('pnpm', ['exec', 'tsx', '--conditions=development', 'services/api/src/main.ts'], {
      cwd: project,
      env: shellEnv({ PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      const { match } = await new OutputLog(child).waitFor(
        /api listening on (http:\/\/localhost:\d+)/,
        0,
        20_000,
        'the URL',
      );
      const response = await fetch(`${match[1]}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok' });
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  }, 30_000);

  it('its `dev` script syncs a spec edit into the running service, survives a broken spec, and stops on SIGTERM', async () => {
    const rest = path.join(project, 'spec/rest/api.yaml');
    const original = readFileSync(rest, 'utf8');
    // The script as pnpm runs it, with `exec`, so the child is `specfirst dev` itself (the .bin shims
    // exec too): the test signals it as a process manager would. Its own process group, so that the
    // test can tell whether anything of it is left.
    const script = (
      JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { scripts: { dev: string } }
    ).scripts.dev;
    const env = shellEnv({
      PORT: '0',
      PATH: `${path.join(project, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    });
    const child = spawn('sh', ['-c', `exec ${script}`], {
      cwd: project,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const log = new OutputLog(child);
    // Each wait looks at what was printed after the previous match.
    let seen = 0;
    const next = async (pattern: RegExp) => {
      const { match, end } = await log.waitFor(pattern, seen, 30_000);
      seen = end;
      return match;
    };
    const groupAlive = () => {
      try {
        process.kill(-child.pid!, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      const first = await next(/api listening on (http:\/\/localhost:\d+)/);
      const served = async (url: string) =>
        (
          (await (await fetch(`${url}/openapi.json`)).json()) as {
            paths: Record<string, { get?: { summary?: string } }>;
          }
        ).paths['/notes']?.get?.summary;
      expect(await served(first[1]!)).toBe('List notes, oldest first');

      writeFileSync(rest, original.replace('summary: List notes, oldest first', 'summary: List notes, newest last'));
      // Each restart listens on a new free port (PORT=0): the service that says so after the sync is the new one.
      const restarted = await next(
        /updated {2}generated\/openapi\/api\.json[\s\S]*api listening on (http:\/\/localhost:\d+)/,
      );
      expect(await served(restarted[1]!)).toBe('List notes, newest last');

      writeFileSync(rest, `${original}\n  broken: [\n`);
      await next(/spec\/rest\/api\.yaml:\d+:\d+ {2}error {2}SF1001[\s\S]*✖ 1 error in the spec: nothing was generated/);
      // Still running, on the last good code.
      expect(await served(restarted[1]!)).toBe('List notes, newest last');

      writeFileSync(rest, original);
      const repaired = await next(
        /updated {2}generated\/openapi\/api\.json[\s\S]*api listening on (http:\/\/localhost:\d+)/,
      );
      expect(await served(repaired[1]!)).toBe('List notes, oldest first');

      // SIGTERM to specfirst dev: it passes it on, the service finishes gracefully, and all of it ends.
      process.kill(child.pid!, 'SIGTERM');
      await log.exited(15_000);
      expect(log.text).toContain('api: SIGTERM, finishing the requests in flight');
      expect(
        await fetch(`${repaired[1]}/health`).then(
          () => 'open',
          () => 'closed',
        ),
      ).toBe('closed');
      // Nothing of the group is left: not tsx, not the service.
      for (let i = 0; i < 50 && groupAlive(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(groupAlive()).toBe(false);
    } finally {
      writeFileSync(rest, original);
      if (groupAlive()) process.kill(-child.pid!, 'SIGKILL');
    }
    // The spec is back as it was, and so is generated/.
    expect((await pnpmRun(project, 'check')).code).toBe(0);
  }, 120_000);

  it('fails `lint` on an ad-hoc zod schema in services/, naming the rule', async () => {
    const file = path.join(project, 'services/api/src/validation.ts');
    writeFileSync(file, "import { z } from 'zod';\n\nexport const NoteInput = z.object({ title: z.string() });\n");
    try {
      const result = await pnpmRun(project, 'lint');
      expect(result.code).not.toBe(0);
      expect(result.stdout).toContain('services/api/src/validation.ts');
      expect(result.stdout).toMatch(/3:\d+ +error +Ad-hoc zod schema .* spec\/no-adhoc-schema/);
    } finally {
      rmSync(file);
    }
  }, 60_000);

  it('runs lint-staged before each commit: a clean commit passes, an ad-hoc schema or a hand-edited generated file does not', async () => {
    const git = (...args: string[]) => exec('git', args, project);
    expect((await exec('git', ['config', 'core.hooksPath'], project)).stdout.trim()).toBe('.husky/_');
    // A clean change passes the hook.
    writeFileSync(path.join(project, 'services/api/src/greeting.ts'), "export const greeting = 'hello';\n");
    await git('add', '-A');
    const clean = await git('commit', '-m', 'a clean change');
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    // node_modules and dist stay out; generated/ is committed.
    const tracked = (await git('ls-files')).stdout.split('\n');
    expect(tracked).toContain('generated/models.ts');
    expect(tracked.some((f) => f.startsWith('node_modules/'))).toBe(false);

    writeFileSync(
      path.join(project, 'services/api/src/validation.ts'),
      "import { z } from 'zod';\n\nexport const NoteInput = z.object({ title: z.string() });\n",
    );
    await git('add', 'services/api/src/validation.ts');
    const adhoc = await git('commit', '-m', 'add a schema');
    expect(adhoc.code).not.toBe(0);
    expect(adhoc.stdout + adhoc.stderr).toContain('spec/no-adhoc-schema');
    await git('rm', '-q', '--cached', 'services/api/src/validation.ts');
    rmSync(path.join(project, 'services/api/src/validation.ts'));

    const models = path.join(project, 'generated/models.ts');
    writeFileSync(models, readFileSync(models, 'utf8').replace('title: string;', 'title: string | number;'));
    await git('add', 'generated/models.ts');
    const edited = await git('commit', '-m', 'edit generated code');
    expect(edited.code).not.toBe(0);
    // The hook lints first (its tasks run in series), and the lint rule names the file it blames.
    expect(edited.stdout + edited.stderr).toMatch(
      /generated\/models\.ts\n\s+1:1\s+error\s+this generated file was edited by hand/,
    );
    await git('checkout', 'HEAD', '--', 'generated/models.ts');
  }, 60_000);
});

// Each runs init without an install: under a second, but CI machines can be busy.
describe('specfirst init: options and refusals', { timeout: 30_000 }, () => {
  const project = path.join(temp, 'files-only');
  let result: Ran;
  beforeAll(async () => {
    result = await specfirst(['init', 'files-only', '--no-install', '--no-git', '--package-manager', 'pnpm']);
  }, 30_000);

  it('--no-install --no-git writes the files and generated/ only', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(listFiles(project)).toEqual(FILES);
    expect(result.stdout).toContain('pnpm install');
    expect(result.stdout).toContain('git init && pnpm prepare');
    // The spec it wrote is clean for spec-core, and is the spec the lint rules read.
    const loaded = loadProjectSync(project, { cache: false });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.ir.project.apps).toEqual(['services/*/src/app.ts']);
    const note = loaded.ir.models.find((m) => m.name === 'Note');
    expect(note).toBeDefined();
    // Read-only fields, so that NoteCreate and NoteUpdate differ from Note.
    expect(readFileSync(path.join(project, 'generated/models.ts'), 'utf8')).toMatch(
      /export interface NoteCreate \{\n {2}title: string;\n {2}done\?: boolean;\n\}/,
    );
  });

  it('writes VS Code settings: ESLint on the spec YAML, each spec file mapped to its JSON Schema, both extensions recommended', () => {
    const settings = JSON.parse(readFileSync(path.join(project, '.vscode/settings.json'), 'utf8')) as {
      'eslint.validate': string[];
      'yaml.schemas': Record<string, string[]>;
    };
    expect(settings['eslint.validate']).toContain('yaml');
    // Every schema spec-core ships is mapped, to files of this project's layout.
    const shipped = readdirSync(path.join(REPO, 'packages/spec-core/schemas')).map(
      (f) => `./node_modules/@specfirst/spec-core/schemas/${f}`,
    );
    expect(Object.keys(settings['yaml.schemas']).sort()).toEqual(shipped.sort());
    expect(settings['yaml.schemas']['./node_modules/@specfirst/spec-core/schemas/rest.schema.json']).toEqual([
      'spec/rest/*.yaml',
    ]);
    expect(existsSync(path.join(project, 'spec/rest/api.yaml'))).toBe(true);
    const extensions = JSON.parse(readFileSync(path.join(project, '.vscode/extensions.json'), 'utf8')) as {
      recommendations: string[];
    };
    expect(extensions.recommendations).toEqual(['dbaeumer.vscode-eslint', 'redhat.vscode-yaml']);
  });

  it('gives agents a cheat sheet of the spec syntax that is valid spec and generates the types it promises', async () => {
    const agents = readFileSync(path.join(project, 'AGENTS.md'), 'utf8');
    const blocks = [...agents.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    const sheet = path.join(temp, 'cheat-sheet');
    mkdirSync(path.join(sheet, 'spec/rest'), { recursive: true });
    writeFileSync(path.join(sheet, 'specfirst.yaml'), 'name: cheat-sheet\n');
    writeFileSync(
      path.join(sheet, 'spec/services.yaml'),
      'services:\n  api: { type: http, port: 3000, rest: rest/api.yaml }\n',
    );
    // The models block is a whole file; the operations block goes under a tag, with the starter's Problem.
    writeFileSync(
      path.join(sheet, 'spec/models.yaml'),
      `${blocks[0]}  Problem:\n    properties:\n      title: string\n`,
    );
    const operations = blocks[1]!
      .split('\n')
      .map((line) => (line.startsWith('#') || line === '' ? line : `      ${line}`))
      .join('\n');
    writeFileSync(path.join(sheet, 'spec/rest/api.yaml'), `tags:\n  notes:\n    operations:\n${operations}`);
    const synced = await specfirst(['sync', sheet]);
    expect(synced.code, synced.stdout + synced.stderr).toBe(0);
    const models = readFileSync(path.join(sheet, 'generated/models.ts'), 'utf8');
    for (const promised of [
      'export type Email = string;',
      "export type Priority = 'low' | 'normal' | 'high';",
      'body?: string;',
      'priority: Priority;',
      'tags: string[];',
      'owner: Email | null;',
    ]) {
      expect(models).toContain(promised);
    }
    expect(models).toMatch(/export interface NoteCreate \{\n(?![\s\S]*?\bid:)[\s\S]*?\n\}/);
    // A default: filled in on requests, always stored.
    expect(models).toMatch(/export interface NoteCreate \{[^}]*\n {2}done\?: boolean;/);
    expect(models).toMatch(/export interface Note \{[^}]*\n {2}done: boolean;/);
    const router = readFileSync(path.join(sheet, 'generated/routers/api/notes.ts'), 'utf8');
    expect(router).toMatch(/query: \{\n\s+priority\?: M\.Priority;\n\s+limit: number;/);
    expect(router).toContain('conflict: (body: M.Problem');
  });

  it("writes a tsconfig.json as strict as the repository's own, with allowJs for the generated validators", () => {
    const own = (
      JSON.parse(readFileSync(path.join(project, 'tsconfig.json'), 'utf8')) as {
        compilerOptions: Record<string, unknown>;
      }
    ).compilerOptions;
    const base = (
      JSON.parse(readFileSync(path.join(REPO, 'tsconfig.base.json'), 'utf8')) as {
        compilerOptions: Record<string, unknown>;
      }
    ).compilerOptions;
    const { declaration: _d, declarationMap: _m, ...strictness } = base;
    expect(own).toMatchObject({ ...strictness, allowJs: true });
  });

  it('refuses a folder that is not empty, with exit code 2 and a hint, and touches nothing', async () => {
    const folder = path.join(temp, 'taken');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'notes.txt'), 'mine');
    const result = await specfirst(['init', 'taken', '--no-install', '--no-git']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('specfirst init: taken is not empty (it holds notes.txt)');
    expect(result.stderr).toContain('hint:');
    expect(readdirSync(folder)).toEqual(['notes.txt']);
  });

  it('refuses a file where the folder should be', async () => {
    writeFileSync(path.join(temp, 'a-file'), '');
    const result = await specfirst(['init', 'a-file', '--no-install', '--no-git']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a-file exists and is not a folder');
  });

  it('takes a folder that holds only .git, and does not git init it again', async () => {
    const folder = path.join(temp, 'cloned');
    mkdirSync(path.join(folder, '.git'), { recursive: true });
    const result = await specfirst(['init', 'cloned', '--no-install']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('already is a repository; not running git init');
  });

  it("refuses an invalid service name with spec-core's located diagnostic, and leaves nothing behind", async () => {
    const result = await specfirst([
      'init',
      'bad-service/app',
      '--service',
      'Order_Service',
      '--no-install',
      '--no-git',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /bad-service\/app\/spec\/services\.yaml:\d+:\d+ {2}error {2}SF1204 {2}name `Order_Service` is not allowed at services/,
    );
    expect(result.stderr).toContain(
      '✖ specfirst init: --service would make an invalid spec (see above); nothing was created',
    );
    expect(existsSync(path.join(temp, 'bad-service'))).toBe(false);
  });

  it('cannot be led out of its folder by a service name', async () => {
    const result = await specfirst(['init', 'escape', '--service', '../../../outside', '--no-install', '--no-git']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('SF1204');
    expect(existsSync(path.join(temp, 'escape'))).toBe(false);
    expect(readdirSync(temp).filter((f) => f.includes('outside'))).toEqual([]);
  });

  it("refuses a port out of range (spec-core's rule) and one that is no number (before anything is written)", async () => {
    const range = await specfirst(['init', 'port-range', '--port', '70000', '--no-install', '--no-git']);
    expect(range.code).toBe(2);
    expect(range.stderr).toMatch(/spec\/services\.yaml:\d+:\d+ {2}error {2}SF1205 {2}must be <= 65535/);
    expect(range.stderr).toContain('--port would make an invalid spec');
    expect(range.stderr).toContain('hint: give a port from 1 to 65535');
    expect(range.stderr).not.toContain('Naming rules');
    const text = await specfirst(['init', 'port-text', '--port', '80; rm -rf /', '--no-install', '--no-git']);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('--port must be a number');
    expect(existsSync(path.join(temp, 'port-range'))).toBe(false);
    expect(existsSync(path.join(temp, 'port-text'))).toBe(false);
  });

  it('refuses an invalid project name and a multi-line description', async () => {
    const name = await specfirst(['init', 'named', '--name', 'My Shop', '--no-install', '--no-git']);
    expect(name.code).toBe(2);
    expect(name.stderr).toMatch(
      /named\/specfirst\.yaml:\d+:\d+ {2}error {2}SF1204 {2}`My Shop` is not allowed at name/,
    );
    const description = await specfirst([
      'init',
      'described',
      '--description',
      'one\nservices:\n  evil: {}',
      '--no-install',
      '--no-git',
    ]);
    expect(description.code).toBe(2);
    expect(description.stderr).toContain('--description must be one line of text');
  });

  it('keeps a description with quotes, comment ends and template syntax as text', async () => {
    const text = 'Notes "quoted" */ ${process.exit(1)} # not a comment';
    const result = await specfirst([
      'init',
      'quoted',
      '--description',
      text,
      '--service',
      'notes-api',
      '--port',
      '4100',
      '--no-install',
      '--no-git',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const project = path.join(temp, 'quoted');
    const service = loadProjectSync(project, { cache: false }).ir.services[0]!;
    expect([service.name, service.identifier, service.port, service.description]).toEqual([
      'notes-api',
      'NotesApi',
      4100,
      text,
    ]);
    expect(
      (JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as { description: string }).description,
    ).toBe(text);
    expect(readFileSync(path.join(project, 'generated/routers/notes-api/index.ts'), 'utf8')).toContain(
      'Notes "quoted" *\\/ ${process.exit(1)}',
    );
    expect(readFileSync(path.join(project, 'services/notes-api/src/app.ts'), 'utf8')).toContain(
      'return createNotesApiApp({',
    );
    // The port is the spec's, through the constant sync generates: main.ts holds no number of its own.
    expect(readFileSync(path.join(project, 'generated/routers/notes-api/index.ts'), 'utf8')).toContain(
      'export const notesApiPort = 4100;',
    );
    const main = readFileSync(path.join(project, 'services/notes-api/src/main.ts'), 'utf8');
    expect(main).toContain("import { notesApiPort } from '#generated/routers/notes-api/index.js';");
    expect(main).not.toContain('4100');
  });

  it('names npm in scripts, hooks and docs with --package-manager npm, and links packages with relative file: paths', async () => {
    const result = await specfirst(['init', 'with-npm', '--package-manager', 'npm', '--no-install', '--no-git']);
    expect(result.code, result.stderr).toBe(0);
    const project = path.join(temp, 'with-npm');
    const pkg = JSON.parse(readFileSync(path.join(project, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
      allowScripts: unknown;
    };
    expect(pkg.devDependencies['@specfirst/cli']).toBe(
      `file:${path.relative(project, path.join(REPO, 'packages/cli'))}`,
    );
    // npm's counterpart of pnpm-workspace.yaml's allowBuilds.
    expect(pkg.allowScripts).toEqual({ esbuild: false, 'msgpackr-extract': false });
    expect(readFileSync(path.join(project, '.husky/pre-commit'), 'utf8')).toBe('npx lint-staged --concurrent false\n');
    expect(readFileSync(path.join(project, 'AGENTS.md'), 'utf8')).toContain('npm run check');
    expect(existsSync(path.join(project, 'pnpm-workspace.yaml'))).toBe(false);
  });
});

describe('specfirst init: questions on a terminal', { timeout: 30_000 }, () => {
  const quietOut = (): Output & { text: string[] } => {
    const text: string[] = [];
    return {
      text,
      stdout: (t) => text.push(t),
      stderr: (t) => text.push(t),
      colors: pc.createColors(false),
      isTTY: false,
    };
  };
  const options = (extra: Partial<InitOptions> = {}): InitOptions => ({
    install: false,
    git: false,
    yes: false,
    packageManager: 'pnpm',
    ...extra,
  });

  it('asks for each choice not given as an option, and takes the default on an empty answer', async () => {
    const asked: string[] = [];
    const answers: Record<string, string> = { 'Service name (kebab-case)': 'todo-api', 'Port of todo-api': '' };
    const prompter = {
      ask: async (question: string, fallback: string) => {
        asked.push(`${question} [${fallback}]`);
        return answers[question] || fallback;
      },
      close: () => undefined,
    };
    const out = quietOut();
    const code = await initCommand(path.join(temp, 'Asked Project'), options(), out, {
      prompter,
      packages: { kind: 'checkout', root: REPO },
    });
    expect(code, out.text.join('\n')).toBe(0);
    expect(asked).toEqual([
      'Project name [asked-project]',
      'Service name (kebab-case) [api]',
      'Port of todo-api [3000]',
    ]);
    const service = loadProjectSync(path.join(temp, 'Asked Project'), { cache: false }).ir.services[0]!;
    expect([service.name, service.port]).toEqual(['todo-api', 3000]);
  });

  it('asks nothing that an option gave', async () => {
    const asked: string[] = [];
    const prompter = {
      ask: async (question: string, fallback: string) => (asked.push(question), fallback),
      close: () => undefined,
    };
    const code = await initCommand(
      path.join(temp, 'given'),
      options({ name: 'given', service: 'svc', port: '3100' }),
      quietOut(),
      { prompter, packages: { kind: 'checkout', root: REPO } },
    );
    expect(code).toBe(0);
    expect(asked).toEqual([]);
  });
});

// Real failures of the real programs: an npm that may not reach the registry, a PATH without git, a
// git that may not guess who commits.
describe('specfirst init: when a step fails', { timeout: 60_000 }, () => {
  it('names the failed install, its command and what to do; says no success; exits 1 and keeps the project', async () => {
    const cache = mkdtempSync(path.join(temp, 'empty-npm-cache-'));
    const result = await exec(
      process.execPath,
      [BIN, 'init', 'offline', '--package-manager', 'npm', '--format', 'json'],
      temp,
      {
        // npm may use only its cache, which is empty: the install fails, for real.
        npm_config_offline: 'true',
        npm_config_cache: cache,
      },
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      '✖ install failed: `npm install --prefer-offline` exited with code 1 (its output is above)',
    );
    expect(result.stderr).toMatch(/hint: read npm's message above .*docs\/troubleshooting\.md/);
    expect(result.stderr).toContain(
      'The project is in offline (done: sync, git init). Once that is fixed, finish there with:',
    );
    expect(result.stderr).toContain(
      '  npm install --prefer-offline && npx --no specfirst sync --check && git add -A && git commit -m "Start the project with specfirst init"',
    );
    expect(result.stderr).not.toMatch(/✓ offline:|Next:/);
    // --format json: stdout is one JSON object, which says the same.
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      failed: { step: string; command: string };
      steps: { step: string; ok: boolean }[];
    };
    expect(report.ok).toBe(false);
    expect(report.failed).toMatchObject({ step: 'install', command: 'npm install --prefer-offline' });
    expect(report.steps.map((s) => [s.step, s.ok])).toEqual([
      ['sync', true],
      ['git init', true],
      ['install', false],
    ]);
    expect(existsSync(path.join(temp, 'offline/generated/manifest.json'))).toBe(true);
  });

  it('names git init when git is not installed', async () => {
    // A PATH with node and nothing else.
    const bin = mkdtempSync(path.join(temp, 'bin-'));
    symlinkSync(process.execPath, path.join(bin, 'node'));
    const result = await exec(process.execPath, [BIN, 'init', 'no-git', '--no-install'], temp, { PATH: bin });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('✖ git init failed: `git init` could not start: git is not installed');
    expect(result.stderr).toContain('hint: install git');
    expect(result.stderr).toContain(
      '  git init && git add -A && git commit -m "Start the project with specfirst init"',
    );
  });

  it('names the commit when git cannot tell who commits, and says how to set it', async () => {
    const home = mkdtempSync(path.join(temp, 'home-'));
    const result = await exec(process.execPath, [BIN, 'init', 'nobody', '--no-install'], temp, {
      HOME: home,
      GIT_AUTHOR_NAME: '',
      GIT_AUTHOR_EMAIL: '',
      GIT_COMMITTER_NAME: '',
      GIT_COMMITTER_EMAIL: '',
      EMAIL: '',
      // Never guess an identity from the host name.
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'user.useConfigOnly',
      GIT_CONFIG_VALUE_0: 'true',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /✖ commit failed: `git add -A && git commit -m "Start the project with specfirst init"` exited with code \d+ \(git's message is above\)/,
    );
    expect(result.stderr).toContain('git config --global user.email');
    // The repository is there, with nothing committed yet.
    expect(existsSync(path.join(temp, 'nobody/.git'))).toBe(true);
  });
});
