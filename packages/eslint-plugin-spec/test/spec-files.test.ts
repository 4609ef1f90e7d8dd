import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProjectSync } from '@specfirst/spec-core';
import { ESLint, type Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import validSpec from '../src/rules/valid-spec.js';
import { parser, specFilesConfig } from '../src/spec-files.js';

/**
 * Spec files linted through the real ESLint Node API, as VS Code's ESLint extension does: the
 * `spec/valid-spec` rule with the spec-files parser on temporary copies of the fixtures.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, '.out', 'spec-files');
const FIXTURES = path.resolve(HERE, '../../../fixtures');
const RULE = 'spec/valid-spec';

function copy(fixture: string, name = fixture.replaceAll('/', '-')): string {
  const root = path.join(OUT, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(path.join(FIXTURES, fixture), root, {
    recursive: true,
    filter: (source) => path.basename(source) !== 'generated',
  });
  return root;
}

function eslintFor(root: string, extra: Linter.Config[] = []): ESLint {
  return new ESLint({
    cwd: root,
    overrideConfigFile: true,
    // The plugin object as `index.ts` registers it: `spec.configs['spec-files']` is this fragment with the plugin.
    overrideConfig: [
      { plugins: { spec: { rules: { 'valid-spec': validSpec } } as unknown as ESLint.Plugin } },
      specFilesConfig as Linter.Config,
      ...extra,
    ],
  });
}

interface Found {
  ruleId: string | null;
  file: string;
  line: number;
  column: number;
  message: string;
  code: string | undefined;
}

function flatten(root: string, results: ESLint.LintResult[]): Found[] {
  return results
    .flatMap((r) =>
      r.messages.map((m) => ({
        ruleId: m.ruleId,
        file: path.relative(root, r.filePath).split(path.sep).join('/'),
        line: m.line,
        column: m.column,
        message: m.message,
        code: /^(SF\d{4}) /.exec(m.message)?.[1],
      })),
    )
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

async function lint(root: string, patterns: string[] = ['.'], extra: Linter.Config[] = []): Promise<Found[]> {
  return flatten(root, await eslintFor(root, extra).lintFiles(patterns));
}

/**
 * The reports of spec-core's errors only: the fixtures' expected.json lists errors, and their small
 * specs also draw warnings (a topic nobody consumes, SF5014; a worker with nothing to run, SF5015),
 * which valid-spec reports too.
 */
function errorsOnly(root: string, found: Found[]): Found[] {
  const warnings = new Set(
    loadProjectSync(root)
      .diagnostics.filter((d) => d.severity === 'warning')
      .map((d) => `${d.file}:${d.line}:${d.code}`),
  );
  return found.filter((m) => !warnings.has(`${m.file}:${m.line}:${m.code}`));
}

interface Expected {
  target: string;
  diagnostics: { code: string; file: string; line: number; hint?: string }[];
}

const expectedOf = (fixture: string) =>
  JSON.parse(readFileSync(path.join(FIXTURES, fixture, 'expected.json'), 'utf8')) as Expected;

describe('the spec-files parser', () => {
  it.each([
    ['', { line: 1, column: 0 }],
    ['a: 1', { line: 1, column: 4 }],
    ['a: 1\nb: 2\n', { line: 3, column: 0 }],
    ['a: 1\r\nbb: 2', { line: 2, column: 5 }],
  ])('parses %j into an empty Program that spans the whole text', (text, end) => {
    const { ast } = parser.parseForESLint(text);
    expect(ast).toMatchObject({
      type: 'Program',
      body: [],
      tokens: [],
      comments: [],
      range: [0, text.length],
      loc: { start: { line: 1, column: 0 }, end },
    });
  });

  it('never throws, whatever the text', () => {
    expect(() => parser.parseForESLint('id: type: string\n  "unclosed\n\t{[')).not.toThrow();
  });
});

describe('spec/valid-spec through the ESLint Node API', () => {
  it('finds nothing in a clean project, and does lint every spec file', async () => {
    const root = copy('shop');
    const results = await eslintFor(root).lintFiles(['.']);
    const linted = results.map((r) => path.relative(root, r.filePath).split(path.sep).join('/')).sort();
    expect(linted).toEqual([
      'spec/events.yaml',
      'spec/models.yaml',
      'spec/rest/billing.yaml',
      'spec/rest/orders.yaml',
      'spec/rest/users.yaml',
      'spec/services.yaml',
      'spec/tasks.yaml',
      'specfirst.yaml',
    ]);
    expect(flatten(root, results)).toEqual([]);
  });

  it('reports each diagnostic at its line and column, with code and hint', async () => {
    const root = copy('invalid/unknown-model');
    const found = errorsOnly(root, await lint(root));
    const lines = readFileSync(path.join(root, 'spec/models.yaml'), 'utf8').split('\n');
    expect(found.map(({ ruleId, file, line, code }) => ({ ruleId, file, line, code }))).toEqual([
      { ruleId: RULE, file: 'spec/models.yaml', line: 7, code: 'SF2001' },
      { ruleId: RULE, file: 'spec/models.yaml', line: 8, code: 'SF2001' },
    ]);
    for (const m of found) {
      expect(m.message).toContain('(hint: did you mean `User`?)');
      // The column is spec-core's (1-based in both), pointing at the unknown name.
      expect(lines[m.line - 1]!.slice(m.column - 1)).toMatch(/^(?:Usr|\{ \$ref: Usr|Usr \})/);
    }
    const diagnostics = loadProjectSync(root).diagnostics.filter((d) => d.severity === 'error');
    expect(found.map((m) => [m.line, m.column])).toEqual(diagnostics.map((d) => [d.line, d.column]));
  });

  it('reports a YAML syntax error at its position', async () => {
    const root = copy('invalid/yaml-syntax-error');
    const found = errorsOnly(root, await lint(root));
    const [d] = loadProjectSync(root).diagnostics;
    expect(found).toEqual([
      {
        ruleId: RULE,
        file: 'spec/models.yaml',
        line: 4,
        column: d!.column,
        message: expect.stringMatching(/^SF1001 /),
        code: 'SF1001',
      },
    ]);
  });

  const projectFixtures = readdirSync(path.join(FIXTURES, 'invalid')).filter(
    (name) => expectedOf(`invalid/${name}`).target === '.' && name !== 'no-project',
  );
  it.each(projectFixtures)('invalid/%s: the codes, files and lines of expected.json', async (name) => {
    const root = copy(`invalid/${name}`);
    const found = errorsOnly(root, await lint(root));
    expect(found.every((m) => m.ruleId === RULE)).toBe(true);
    const actual = found.filter((m) => m.code !== undefined).map(({ file, line, code }) => ({ file, line, code }));
    const expected = expectedOf(`invalid/${name}`)
      .diagnostics.filter((d) => existsSync(path.join(root, d.file)))
      .map(({ file, line, code }) => ({ file, line: Math.max(line, 1), code }))
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    expect(actual).toEqual(expected);
    // Anything else is the one "not checked" notice of a file the broken project did not read.
    for (const m of found.filter((f) => f.code === undefined)) expect(m.message).toMatch(/^not checked: /);
  });
});

describe('the editor: unsaved buffers and a long-lived ESLint', () => {
  it('reports YAML errors of the unsaved buffer live, at their position in the buffer', async () => {
    const root = copy('shop', 'buffer');
    const file = path.join(root, 'spec/models.yaml');
    const saved = readFileSync(file, 'utf8');
    const eslint = eslintFor(root);
    expect(flatten(root, await eslint.lintText(saved, { filePath: file }))).toEqual([]);
    const lines = saved.split('\n');
    lines.splice(3, 0, '  Broken: { a: [1, 2');
    const found = flatten(root, await eslint.lintText(lines.join('\n'), { filePath: file }));
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((m) => m.code === 'SF1001' && m.ruleId === RULE && m.line >= 4)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(saved);
  });

  it('sees a saved spec edit on the next lint, without a restart', async () => {
    const root = copy('shop', 'long-lived');
    const eslint = eslintFor(root);
    const models = path.join(root, 'spec/models.yaml');
    const saved = readFileSync(models, 'utf8');
    expect(flatten(root, await eslint.lintFiles(['spec/models.yaml']))).toEqual([]);
    const edited = saved.replace('models:\n', 'models:\n  Extra:\n    properties:\n      owner: Usr\n');
    writeFileSync(models, edited);
    const found = flatten(root, await eslint.lintFiles(['spec/models.yaml']));
    const line = edited.split('\n').indexOf('      owner: Usr') + 1;
    expect(found.map(({ line, column, code }) => ({ line, column, code }))).toEqual([
      { line, column: 14, code: 'SF2001' },
    ]);
    writeFileSync(models, saved);
    expect(flatten(root, await eslint.lintFiles(['spec/models.yaml']))).toEqual([]);
  });
});

describe('files the project does not check', () => {
  it('a file the broken project could not read gets one notice naming the first error', async () => {
    const root = copy('shop', 'broken-services');
    const services = path.join(root, 'spec/services.yaml');
    // Refused whole (nesting too deep), services.yaml names no REST description.
    const deep = `services:\n  oops: ${'['.repeat(200)}\n`;
    writeFileSync(services, readFileSync(services, 'utf8').replace('services:\n', deep));
    const found = await lint(root, ['spec/rest/users.yaml', 'spec/services.yaml']);
    const notice = found.filter((m) => m.file === 'spec/rest/users.yaml');
    expect(notice).toHaveLength(1);
    expect(notice[0]).toMatchObject({ ruleId: RULE, line: 1, column: 1 });
    expect(notice[0]!.message).toMatch(/^not checked: .* the first is in spec\/services\.yaml:\d+:\d+: SF1004 /);
    expect(found.filter((m) => m.file === 'spec/services.yaml').map((m) => m.code)).toContain('SF1004');
  });

  it('a REST description named by a services.yaml with a YAML error is still checked', async () => {
    const root = copy('shop', 'services-syntax-error');
    const services = path.join(root, 'spec/services.yaml');
    writeFileSync(services, readFileSync(services, 'utf8').replace('services:\n', 'services:\n  oops: [\n'));
    const users = path.join(root, 'spec/rest/users.yaml');
    writeFileSync(users, readFileSync(users, 'utf8').replace('body: UserCreate\n', 'body: UserCreat\n'));
    const found = await lint(root, ['spec/rest/users.yaml', 'spec/services.yaml']);
    expect(found.filter((m) => m.file === 'spec/rest/users.yaml').map((m) => m.code)).toEqual(['SF2001']);
    expect(found.filter((m) => m.file === 'spec/services.yaml').map((m) => m.code)).toContain('SF1001');
  });

  it('a YAML file in spec/ that no service references is not part of the spec: nothing to report', async () => {
    const root = copy('shop', 'unreferenced');
    writeFileSync(path.join(root, 'spec/rest/draft.yaml'), 'whatever: [1, 2]\n');
    expect(await lint(root, ['spec/rest/draft.yaml'])).toEqual([]);
  });

  it('a spec file in no project gets one clear SF0001 message', async () => {
    const root = copy('invalid/no-project');
    const found = await lint(root);
    expect(found).toEqual([
      {
        ruleId: RULE,
        file: 'spec/services.yaml',
        line: 1,
        column: 1,
        code: 'SF0001',
        message: expect.stringContaining('no specfirst.yaml'),
      },
    ]);
  });

  it('an OpenAPI document in no project is checked on its own', async () => {
    const root = copy('invalid/openapi-schema-mistakes');
    const found = await lint(
      root,
      ['openapi.yaml'],
      [{ files: ['*.yaml'], languageOptions: { parser }, rules: { [RULE]: 'error' } }],
    );
    expect(found.map(({ file, line, code }) => ({ file, line, code }))).toEqual(
      expectedOf('invalid/openapi-schema-mistakes').diagnostics.map(({ file, line, code }) => ({ file, line, code })),
    );
  });
});
