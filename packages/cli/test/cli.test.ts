import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runBin as run } from './support/run-cli.js';
import { REALWORLD_OPENAPI } from '../../../test/support/corpus.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

describe('specfirst check', () => {
  it('passes a clean project with a one-line summary and exit code 0', () => {
    const { code, stdout, stderr } = run(['check', 'fixtures/shop']);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('✓ fixtures/shop: 4 services, 13 operations, 16 models, 3 topics, 2 tasks');
    expect(code).toBe(0);
  });

  it('checks a standalone OpenAPI document as a one-service project', () => {
    const { code, stdout } = run(['check', REALWORLD_OPENAPI]);
    expect(stdout).toContain('1 service, 19 operations, 11 models');
    expect(code).toBe(0);
  });

  it('warns (SF6008) at each operation of an imported document that leaves out a response the runtime sends', () => {
    const file = path.join(temp, 'silent.yaml');
    writeFileSync(
      file,
      `openapi: 3.1.0
info: { title: Silent, version: '1' }
security: [{ key: [] }]
paths:
  /notes:
    post:
      operationId: addNote
      requestBody: { content: { application/json: { schema: { type: object } } } }
      responses:
        '201': { description: added }
    get:
      operationId: listNotes
      security: []
      responses:
        '200': { description: the notes }
  /notes/{id}:
    get:
      operationId: getNote
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '200': { description: a note }
        4XX: { description: any client error }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
`,
    );
    const { code, stdout } = run(['check', file]);
    const lines = stdout.split('\n');
    // listNotes is public without input, getNote declares 4XX: only addNote is named.
    expect(lines.filter((line) => line.includes('SF6008'))).toEqual([
      `${path.relative(REPO, file)}:6:5  warning  SF6008  \`POST /notes\` (\`addNote\`) declares no response for 400 (a parameter or the body is not valid), 401 (credentials are missing or refused), 413 (the body is too large), 415 (the body is in another media type), which the SpecFirst runtime sends`,
    ]);
    expect(stdout).toContain(
      "  hint: declare `'400'`, `'401'`, `'413'`, `'415'` with an `application/problem+json` body, or a `4XX` response; the OpenAPI document `specfirst sync` publishes for `silent` declares them already",
    );
    expect(lines.at(-2)).toBe('⚠ 0 errors, 1 warning');
    expect(code).toBe(0);
  });

  it('shows ten warnings of a code in text and counts the rest; JSON lists every one', () => {
    const file = path.join(temp, 'many.yaml');
    const paths = Array.from(
      { length: 25 },
      (_, i) =>
        `  /notes${i}/{id}:\n    get:\n      operationId: getNote${i}\n      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]\n      responses:\n        '200': { description: a note }\n`,
    ).join('');
    writeFileSync(file, `openapi: 3.1.0\ninfo: { title: Many, version: '1' }\npaths:\n${paths}`);
    const { code, stdout } = run(['check', file]);
    const lines = stdout.split('\n');
    expect(lines.filter((line) => line.includes('  warning  SF6008  '))).toHaveLength(10);
    expect(lines.filter((line) => line.includes('getNote'))[9]).toContain('`getNote9`');
    expect(stdout).toContain(
      '… 15 more SF6008 warnings not shown (10 of each code are; `--format json` lists every one)',
    );
    expect(lines.at(-2)).toBe('⚠ 0 errors, 25 warnings');
    expect(code).toBe(0);
    const json = JSON.parse(run(['check', file, '--format', 'json']).stdout) as { diagnostics: { code: string }[] };
    expect(json.diagnostics.filter((d) => d.code === 'SF6008')).toHaveLength(25);
  });

  it('reports every problem as file:line:col  error  CODE  message, with hints, and exits 1', () => {
    const project = path.join(temp, 'broken');
    cpSync(path.join(REPO, 'fixtures/small'), project, { recursive: true });
    writeFileSync(
      path.join(project, 'spec/models.yaml'),
      'models:\n  Todo:\n    properties:\n      id: { type: string, readOnly: true }\n      owner: Usr\n  User:\n    properties:\n      name: string\n',
    );
    const { code, stdout } = run(['check', '.'], project);
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines).toContain(
      'spec/models.yaml:4:27  error  SF1201  unknown key `readOnly` at models.Todo.properties.id',
    );
    expect(lines).toContain('  hint: did you mean `readonly`?');
    expect(lines).toContain('spec/models.yaml:5:14  error  SF2001  unknown model `Usr`');
    expect(lines).toContain('  hint: did you mean `User`?');
    expect(lines.at(-2)).toMatch(/^✖ \d+ errors?, 0 warnings$/);
    expect(stdout).not.toMatch(STACK_FRAME);
  });

  it('prints JSON with --format json', () => {
    const project = path.join(temp, 'json');
    cpSync(path.join(REPO, 'fixtures/small'), project, { recursive: true });
    writeFileSync(
      path.join(project, 'spec/services.yaml'),
      'services:\n  todo:\n    type: http\n    port: 3000\n    rest: rest/missing.yaml\n',
    );
    const { code, stdout } = run(['check', '--format', 'json', project]);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as {
      diagnostics: { code: string; file: string; line: number }[];
      errorCount: number;
    };
    expect(report.errorCount).toBe(1);
    expect(report.diagnostics).toMatchObject([{ code: 'SF0002', line: 5, severity: 'error' }]);
    expect(report.diagnostics[0]!.file).toBe(path.relative(REPO, path.join(project, 'spec/services.yaml')));
  });

  it('exits 2 for a path that names nothing, and for an unknown option', () => {
    const missing = run(['check', 'no/such/place']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('SF0002');
    const noProject = run(['check', temp]);
    expect(noProject.code).toBe(2);
    expect(noProject.stdout).toContain('SF0001');
    const badOption = run(['check', '--formt']);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/unknown option '--formt'/);
    expect(badOption.stderr).toMatch(/Did you mean --format\?/);
  });

  it('never prints a stack trace for a hostile document', () => {
    const file = path.join(temp, 'bomb.yaml');
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    writeFileSync(file, `openapi: 3.1.0\n${levels.join('\n')}\n`);
    const { code, stdout, stderr } = run(['check', file]);
    expect(code).toBe(1);
    expect(stdout).toContain('SF1003');
    expect(stdout + stderr).not.toMatch(STACK_FRAME);
  });
});

describe('specfirst check, hardened', () => {
  it('reports a missing path whatever the order of the arguments', () => {
    for (const args of [
      ['fixtures/shop/spec/typo.yaml', 'fixtures/shop'],
      ['fixtures/shop', 'fixtures/shop/spec/typo.yaml'],
    ]) {
      const { code, stdout } = run(['check', ...args]);
      expect(code).toBe(2);
      expect(stdout).toContain('SF0002');
      expect(stdout).toContain('✓ fixtures/shop: 4 services');
    }
  });

  it('shows control characters from a spec escaped, never raw to the terminal', () => {
    const project = path.join(temp, 'escapes');
    cpSync(path.join(REPO, 'fixtures/small'), project, { recursive: true });
    writeFileSync(path.join(project, 'spec/models.yaml'), 'models:\n  "A\\e]0;pwned\\a\\e[2J": {}\n');
    const { code, stdout } = run(['check', project]);
    expect(code).toBe(1);
    expect(stdout).toContain('A\\x1b]0;pwned\\x07\\x1b[2J');
    expect(stdout.includes(String.fromCharCode(27))).toBe(false);
  });
});

describe('specfirst ir and graph', () => {
  it('prints the IR as JSON', () => {
    const { code, stdout } = run(['ir', 'fixtures/small']);
    expect(code).toBe(0);
    const ir = JSON.parse(stdout) as { irVersion: number; services: { name: string }[] };
    expect(ir.irVersion).toBe(1);
    expect(ir.services.map((s) => s.name)).toEqual(['todo']);
  });

  it('prints who talks to whom', () => {
    const { code, stdout } = run(['graph', 'fixtures/shop']);
    expect(code).toBe(0);
    expect(stdout).toContain('orders (http :3002, 5 operations)');
    expect(stdout).toContain('  calls users via getUser');
    expect(stdout).toContain('  enqueues on mailer via sendReceipt');
  });
});

describe('in a pipeline', () => {
  it('stops quietly when the reader closes the pipe early', () => {
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ir fixtures/shop --pretty | head -n 1`], {
      cwd: REPO,
      encoding: 'utf8',
    });
    expect(result.stdout).toBe('{\n');
    expect(result.stderr).toBe('');
  });
});

describe('installation', () => {
  it('is on PATH through `pnpm exec specfirst` at the repository root', () => {
    const result = spawnSync('pnpm', ['exec', 'specfirst', '--version'], { cwd: REPO, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
