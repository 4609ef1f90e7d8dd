import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runBin as run } from './support/run-cli.js';
import { REALWORLD_OPENAPI } from '../../../test/support/corpus.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-sync-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function shopCopy(name: string): string {
  const dir = path.join(temp, name);
  // `pnpm demo` leaves fixtures/shop/generated behind (git ignores it); a test starts without it.
  cpSync(path.join(REPO, 'fixtures/shop'), dir, {
    recursive: true,
    filter: (source) => path.basename(source) !== 'generated',
  });
  return dir;
}

/** Every file under a folder with its size, modification time and contents. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), `${statSync(full).mtimeMs} ${readFileSync(full, 'utf8')}`);
    }
  };
  walk(dir);
  return files;
}

describe('specfirst sync', () => {
  it('writes every generated file once; a second run writes nothing and says so', () => {
    const project = shopCopy('twice');
    const first = run(['sync'], project);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('created  generated/routers/orders/admin-orders.ts');
    // The events of the services that publish or consume a topic, the worker `mailer` included.
    for (const file of ['events/billing/index.ts', 'events/mailer/validators.js', 'asyncapi/orders.json'])
      expect(first.stdout).toContain(`created  generated/${file}`);
    // 40 code and document files, 2 internal clients (orders → users, billing), 10 deployment files
    // (compose, 7 Kubernetes files, the Redis users, the PostgreSQL roles).
    expect(first.stdout).toMatch(/✓ generated: 52 files written/);
    const before = snapshot(path.join(project, 'generated'));
    const second = run(['sync'], project);
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('✓ generated is up to date (52 files); nothing written');
    expect(snapshot(path.join(project, 'generated'))).toEqual(before);
    for (const [file, entry] of before) expect(entry, file).toMatch(/specfirst from spec\//);
  });

  it('--check passes on a fresh output and fails naming the files that were edited, are missing or stale', () => {
    const project = shopCopy('check');
    expect(run(['sync', '--check'], project).code).toBe(1);
    run(['sync'], project);
    expect(run(['sync', '--check'], project)).toMatchObject({ code: 0 });
    const models = path.join(project, 'generated/models.ts');
    writeFileSync(models, readFileSync(models, 'utf8').replace('export interface Address', 'export interface Adress'));
    rmSync(path.join(project, 'generated/clients/users.ts'));
    const checked = run(['sync', '--check'], project);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('generated/models.ts: edited by hand');
    expect(checked.stderr).toContain('generated/clients/users.ts: missing');
    expect(checked.stderr).toContain('run `specfirst sync`');
    // --check changed nothing.
    expect(existsSync(path.join(project, 'generated/clients/users.ts'))).toBe(false);
    expect(readFileSync(models, 'utf8')).toContain('Adress');
    // Four runs of the CLI: seconds on a busy machine.
  }, 60_000);

  it('--check sees the events files; a service that stops consuming its only topic loses them on the next sync', () => {
    const project = shopCopy('events');
    run(['sync'], project);
    const billing = path.join(project, 'generated/events/billing/index.ts');
    writeFileSync(billing, readFileSync(billing, 'utf8').replace('attempts: 5', 'attempts: 50'));
    rmSync(path.join(project, 'generated/asyncapi/mailer.json'));
    const checked = run(['sync', '--check'], project);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('generated/events/billing/index.ts: edited by hand');
    expect(checked.stderr).toContain('generated/asyncapi/mailer.json: missing');
    run(['sync'], project);
    const services = path.join(project, 'spec/services.yaml');
    writeFileSync(services, readFileSync(services, 'utf8').replace('topics: [invoice.paid]', 'topics: []'));
    const synced = run(['sync'], project);
    expect(synced.code).toBe(0);
    for (const file of ['events/mailer/index.ts', 'events/mailer/validators.js', 'asyncapi/mailer.json'])
      expect(synced.stdout).toContain(`removed  generated/${file}`);
    expect(existsSync(path.join(project, 'generated/events/mailer'))).toBe(false);
    expect(existsSync(path.join(project, 'generated/events/billing/index.ts'))).toBe(true);
    // Five runs of the CLI: seconds on a busy machine.
  }, 60_000);

  it('--check sees the tasks files; a service that stops enqueueing its only task loses them on the next sync', () => {
    const project = shopCopy('tasks');
    run(['sync'], project);
    const orders = path.join(project, 'generated/tasks/orders/index.ts');
    writeFileSync(orders, readFileSync(orders, 'utf8').replace('attempts: 3', 'attempts: 30'));
    rmSync(path.join(project, 'generated/tasks/mailer/validators.js'));
    const checked = run(['sync', '--check'], project);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('generated/tasks/orders/index.ts: edited by hand');
    expect(checked.stderr).toContain('generated/tasks/mailer/validators.js: missing');
    run(['sync'], project);
    // orders no longer lists sendReceipt under `consumes.tasks`: its tasks folder goes, the mailer's stays.
    const services = path.join(project, 'spec/services.yaml');
    writeFileSync(services, readFileSync(services, 'utf8').replace('      tasks: [sendReceipt]\n', ''));
    const synced = run(['sync'], project);
    expect(synced.code).toBe(0);
    for (const file of ['tasks/orders/index.ts', 'tasks/orders/validators.js', 'tasks/orders/validators.d.ts'])
      expect(synced.stdout).toContain(`removed  generated/${file}`);
    expect(existsSync(path.join(project, 'generated/tasks/orders'))).toBe(false);
    expect(existsSync(path.join(project, 'generated/tasks/mailer/index.ts'))).toBe(true);
    // Five runs of the CLI: seconds on a busy machine.
  }, 60_000);

  it('removes files it generated that the spec no longer implies, and never touches files it did not generate', () => {
    const project = shopCopy('stale');
    run(['sync'], project);
    // A stamped file the last sync did not write (a copy, another tree's output) is not sync's to
    // remove: only what the manifest lists is.
    cpSync(path.join(project, 'generated/clients/users.ts'), path.join(project, 'generated/clients/copy-of-users.ts'));
    expect(run(['sync'], project).stdout).toContain('up to date');
    const mine = path.join(project, 'generated/routers/orders/notes.md');
    writeFileSync(mine, 'my notes\n');
    const rest = path.join(project, 'spec/rest/orders.yaml');
    const spec = readFileSync(rest, 'utf8');
    writeFileSync(rest, spec.slice(0, spec.indexOf('  admin-orders:')));
    const synced = run(['sync'], project);
    expect(synced.code).toBe(0);
    expect(synced.stdout).toContain('removed  generated/routers/orders/admin-orders.ts');
    expect(existsSync(path.join(project, 'generated/routers/orders/admin-orders.ts'))).toBe(false);
    expect(readFileSync(mine, 'utf8')).toBe('my notes\n');
    expect(existsSync(path.join(project, 'generated/clients/copy-of-users.ts'))).toBe(true);
    // Three runs of the CLI: seconds on a busy machine.
  }, 60_000);

  it('an output folder shared by two documents: each sync replaces the other, and --check is never fooled', () => {
    const dir = path.join(temp, 'two-targets');
    mkdirSync(dir, { recursive: true });
    for (const name of ['alpha', 'beta']) {
      writeFileSync(
        path.join(dir, `${name}.yaml`),
        `openapi: 3.1.0\ninfo: { title: ${name}, version: '1' }\npaths:\n  /${name}:\n    get: { operationId: get${name}, responses: { '204': { description: ok } } }\n`,
      );
    }
    expect(run(['sync', 'alpha.yaml', '--out', 'gen'], dir).code).toBe(0);
    expect(run(['sync', 'beta.yaml', '--out', 'gen', '--check'], dir).code).toBe(1);
    const beta = run(['sync', 'beta.yaml', '--out', 'gen'], dir);
    expect(beta.stdout).toContain('created  gen/clients/beta.ts');
    expect(beta.stdout).toContain('removed  gen/clients/alpha.ts');
    expect(run(['sync', 'beta.yaml', '--out', 'gen', '--check'], dir).code).toBe(0);
    expect(run(['sync', 'alpha.yaml', '--out', 'gen', '--check'], dir).code).toBe(1);
    // Five runs of the CLI: seconds on a busy machine.
  }, 60_000);

  it("leaves another tree's generated files alone, and refuses an output folder that holds the spec", () => {
    const dir = path.join(temp, 'nested-outputs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'api.yaml'),
      `openapi: 3.1.0\ninfo: { title: api, version: '1' }\npaths:\n  /a:\n    get: { operationId: getA, responses: { '204': { description: ok } } }\n`,
    );
    mkdirSync(path.join(dir, 'sub'));
    cpSync(path.join(dir, 'api.yaml'), path.join(dir, 'sub/other.yaml'));
    expect(run(['sync', 'sub/other.yaml', '--out', 'out/other'], dir).code).toBe(0);
    expect(run(['sync', 'api.yaml', '--out', 'out'], dir).code).toBe(0);
    expect(existsSync(path.join(dir, 'out/other/models.ts'))).toBe(true);
    const refused = run(['sync', 'api.yaml', '--out', '.'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing to generate into .');
    const shop = shopCopy('out-in-spec');
    const intoSpec = run(['sync', '--out', 'spec/generated'], shop);
    expect(intoSpec.code).toBe(2);
    expect(intoSpec.stderr).toContain('inside the spec or services folder');
    expect(existsSync(path.join(shop, 'spec/generated'))).toBe(false);
  });

  it('takes a folder named `..gen` inside the spec folder for what it is: inside, and refuses it', () => {
    // The check once took a name starting with `..` for a way out of spec/, and wrote there.
    const shop = shopCopy('dotted-out-in-spec');
    const dotted = run(['sync', '--out', 'spec/..gen'], shop);
    expect(dotted.code).toBe(2);
    expect(dotted.stderr).toContain('inside the spec or services folder');
    expect(existsSync(path.join(shop, 'spec/..gen'))).toBe(false);
  });

  it('a spec edit that changes nothing generated rewrites only the manifest', () => {
    const project = shopCopy('comment-only');
    run(['sync'], project);
    const models = path.join(project, 'spec/models.yaml');
    writeFileSync(models, `${readFileSync(models, 'utf8')}\n# a comment changes no generated file\n`);
    const before = snapshot(path.join(project, 'generated'));
    const synced = run(['sync'], project);
    expect(synced.code).toBe(0);
    const after = snapshot(path.join(project, 'generated'));
    const changed = [...after.keys()].filter((file) => after.get(file) !== before.get(file));
    expect(changed).toEqual(['manifest.json']);
    expect(run(['sync'], project).stdout).toContain('nothing written');
  });

  it('refuses to overwrite a file it did not generate, and writes nothing at all', () => {
    const project = shopCopy('foreign');
    mkdirSync(path.join(project, 'generated'), { recursive: true });
    writeFileSync(path.join(project, 'generated/models.ts'), 'export type Mine = 1;\n');
    const synced = run(['sync'], project);
    expect(synced.code).toBe(1);
    expect(synced.stderr).toContain('models.ts');
    expect(readdirSync(path.join(project, 'generated'))).toEqual(['models.ts']);
  });

  it('a spec with errors is reported with locations and nothing is written', () => {
    const project = shopCopy('broken');
    expect(run(['sync'], project).code).toBe(0);
    const before = snapshot(path.join(project, 'generated'));
    // A spec that breaks after a good sync: the manifest must not vouch for the old output.
    const rest = path.join(project, 'spec/rest/users.yaml');
    writeFileSync(rest, readFileSync(rest, 'utf8').replace('body: UserCreate', 'body: UserCreat'));
    const again = run(['sync'], project);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/spec\/rest\/users\.yaml:\d+:\d+ +error +SF2001/);
    expect(again.stderr).toContain('UserCreate');
    expect(snapshot(path.join(project, 'generated'))).toEqual(before);
    rmSync(path.join(project, 'generated'), { recursive: true });
    writeFileSync(rest, readFileSync(rest, 'utf8').replace('body: UserCreat', 'body: UserCreate'));
    const models = path.join(project, 'spec/models.yaml');
    writeFileSync(
      models,
      readFileSync(models, 'utf8').replace(
        'address: { $ref: Address, optional: true }',
        'address: { $ref: Adress, optional: true }',
      ),
    );
    const synced = run(['sync'], project);
    expect(synced.code).toBe(1);
    expect(synced.stderr).toMatch(/spec\/models\.yaml:\d+:\d+ +error +SF\d{4}/);
    expect(synced.stderr).toContain('Address');
    expect(synced.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(path.join(project, 'generated'))).toBe(false);
    // Three runs of the CLI: seconds on a busy machine.
  }, 60_000);

  it('generates for a standalone OpenAPI document into --out', () => {
    const out = path.join(temp, 'realworld-out');
    const synced = run(['sync', REALWORLD_OPENAPI, '--out', out], temp);
    expect(synced.code).toBe(0);
    expect(readdirSync(path.join(out, 'routers/api')).sort()).toContain('articles.ts');
    expect(existsSync(path.join(out, 'openapi/api.json'))).toBe(true);
    expect(run(['sync', REALWORLD_OPENAPI, '--out', out], temp).stdout).toContain('nothing written');
  });

  it('--watch regenerates when a spec file changes', async () => {
    const project = shopCopy('watch');
    const child = spawn(process.execPath, [BIN, 'sync', '--watch'], {
      cwd: project,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const waitFor = async (predicate: () => boolean, what: string) => {
      for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 50));
      if (!predicate()) throw new Error(`timed out waiting for ${what}; output so far:\n${stdout}`);
    };
    try {
      await waitFor(() => stdout.includes('watching'), 'the watcher to start');
      const models = path.join(project, 'spec/models.yaml');
      writeFileSync(
        models,
        readFileSync(models, 'utf8').replace('An amount in the smallest unit of a currency.', 'Money, in cents.'),
      );
      const generated = path.join(project, 'generated/models.ts');
      await waitFor(() => readFileSync(generated, 'utf8').includes('Money, in cents.'), 'models.ts to be regenerated');
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(child.exitCode ?? 0).toBe(0);
  });
});

describe('specfirst scaffold', () => {
  it('writes controller skeletons only where none exist, never overwriting', () => {
    const project = shopCopy('scaffold');
    const mine = path.join(project, 'services/users/src/controllers/users.ts');
    mkdirSync(path.dirname(mine), { recursive: true });
    writeFileSync(mine, '// my controller\n');
    const scaffolded = run(['scaffold'], project);
    expect(scaffolded.code).toBe(0);
    expect(scaffolded.stdout).toContain('kept     services/users/src/controllers/users.ts (exists)');
    expect(readFileSync(mine, 'utf8')).toBe('// my controller\n');
    const sessions = readFileSync(path.join(project, 'services/users/src/controllers/sessions.ts'), 'utf8');
    expect(sessions).toContain('export class SessionsControllerImpl implements SessionsController');
    expect(sessions).toContain('../../../../generated/routers/users/sessions.js');
    // The shop has no package.json, so no `#generated/*`: a new skeleton imports by a relative path.
    const adminOrders = readFileSync(path.join(project, 'services/orders/src/controllers/admin-orders.ts'), 'utf8');
    expect(adminOrders).toContain("} from '../../../../generated/routers/orders/admin-orders.js';");
    expect(run(['scaffold', 'nope'], project)).toMatchObject({ code: 2 });
  });

  it('imports generated code as #generated/… where package.json declares it', () => {
    const project = shopCopy('scaffold-generated-imports');
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'shop', type: 'module', imports: { '#generated/*': './generated/*' } }),
    );
    expect(run(['scaffold', 'orders'], project).code).toBe(0);
    const adminOrders = readFileSync(path.join(project, 'services/orders/src/controllers/admin-orders.ts'), 'utf8');
    expect(adminOrders).toContain("} from '#generated/routers/orders/admin-orders.js';");
    expect(adminOrders).not.toContain('../generated/');
  });
});
