import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The plugin as users run it: the real ESLint Node API on a project that has a spec (the shop's),
 * hand-written services and an eslint.config.mjs that imports the built plugin. The project is
 * copied under test/.out so `eslint-plugin-spec` resolves to this package, as an install would.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, '.out');
const SHOP = path.resolve(HERE, '../../../fixtures/shop');

function project(name: string): string {
  const root = path.join(OUT, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(SHOP, root, { recursive: true, filter: (source) => path.basename(source) !== 'generated' });
  cpSync(path.join(HERE, 'projects', name), root, { recursive: true });
  return root;
}

interface Expected {
  ruleId: string;
  file: string;
  line: number;
}

/**
 * `new ESLint(options)` with the process warnings of that one instance recorded instead of printed.
 *
 * After a run in worker threads, ESLint 10 emits `ESLintPoorConcurrencyWarning` ("You may disable
 * concurrency to improve performance") when a thread spent less than 70% of its life linting
 * (eslint/lib/eslint/eslint.js, LOW_NET_LINTING_RATIO): starting a thread and loading the config,
 * the plugin and the spec cost more than linting a three-file project does, so here the warning is
 * expected and says nothing about the plugin. No project small enough for a unit test lints long
 * enough to avoid it, and the ratio is measured in time, so whether it appears cannot be arranged.
 * ESLint's warning service takes `process.emitWarning` when the instance is made, so the recorder
 * is in place only for that instance, and for nothing else in the process.
 */
function recordingWarnings(options: ConstructorParameters<typeof ESLint>[0]): {
  eslint: ESLint;
  warnings: { type: string; message: string }[];
} {
  const warnings: { type: string; message: string }[] = [];
  const emitWarning = process.emitWarning;
  // A plain function, not a vi.spyOn: a restored spy calls the original again, and ESLint keeps it.
  process.emitWarning = ((warning: string | Error, type?: unknown) => {
    warnings.push({
      type: typeof type === 'string' ? type : String((type as { type?: string } | undefined)?.type),
      message: String(warning),
    });
  }) as typeof process.emitWarning;
  try {
    return { eslint: new ESLint(options), warnings };
  } finally {
    process.emitWarning = emitWarning;
  }
}

describe('a flat-config project under ESLint 10', () => {
  it.each([['in one thread', 'off'] as const, ['with --concurrency=2', 2] as const])(
    'reports exactly the expected diagnostics %s',
    async (_how, concurrency) => {
      const root = project('flat');
      // With concurrency, each worker thread loads the plugin and the IR on its own.
      const { eslint, warnings } = recordingWarnings({ cwd: root, concurrency });
      const results = await eslint.lintFiles(['services/**/*.ts']);
      // The only warning ESLint may give is its advice on concurrency (see recordingWarnings).
      expect(warnings.filter((w) => w.type !== 'ESLintPoorConcurrencyWarning')).toEqual([]);
      const found = results
        .flatMap((r) =>
          r.messages.map((m) => ({
            ruleId: m.ruleId ?? `(fatal) ${m.message}`,
            file: path.relative(root, r.filePath).split(path.sep).join('/'),
            line: m.line,
          })),
        )
        .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
      const expected = JSON.parse(readFileSync(path.join(root, 'expected.json'), 'utf8')) as Expected[];
      expect(found).toEqual(expected);
    },
  );
});

describe('eslint --cache', () => {
  it('does not serve results from before a spec edit: the configs carry a digest of the spec', () => {
    const root = project('cached');
    const eslint = path.resolve(HERE, '../node_modules/.bin/eslint');
    const lint = () => {
      const run = spawnSync(eslint, ['--cache', '--cache-location', '.eslintcache', '--format', 'json', 'services'], {
        cwd: root,
        encoding: 'utf8',
      });
      return (JSON.parse(run.stdout) as { messages: { ruleId: string }[] }[]).flatMap((r) =>
        r.messages.map((m) => m.ruleId),
      );
    };
    expect(lint()).toEqual([]);
    expect(lint()).toEqual([]); // from the cache
    const models = path.join(root, 'spec/models.yaml');
    writeFileSync(
      models,
      readFileSync(models, 'utf8').replace('models:\n', 'models:\n  UserRow:\n    properties:\n      id: string\n'),
    );
    // The service file did not change; its verdict did.
    expect(lint()).toEqual(['spec/no-shadow-model']);
    // Three ESLint processes, each loading typescript-eslint: seconds on a busy machine.
  }, 30_000);
});

describe('a long-lived ESLint (an editor)', () => {
  it('sees a spec edit on the next lint of an unchanged service file, without a restart', async () => {
    const root = project('cached');
    rmSync(path.join(root, '.eslintcache'), { force: true });
    const eslint = new ESLint({ cwd: root });
    const rules = async () =>
      (await eslint.lintFiles(['services/users/src/rows.ts'])).flatMap((r) => r.messages.map((m) => m.ruleId));
    expect(await rules()).toEqual([]);
    const models = path.join(root, 'spec/models.yaml');
    writeFileSync(
      models,
      readFileSync(models, 'utf8').replace('models:\n', 'models:\n  UserRow:\n    properties:\n      id: string\n'),
    );
    // A watcher usually reports the save at once; without it the rules look again after 200 ms
    // at most. Waiting that long makes the test independent of when the file event arrives.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await rules()).toEqual(['spec/no-shadow-model']);
  });
});

describe('an .eslintrc.cjs project under ESLint 9 in eslintrc mode', () => {
  it('reports exactly the expected diagnostics', async () => {
    const root = project('legacy');
    const { loadESLint } = createRequire(import.meta.url)('eslint-v9') as {
      loadESLint(options: { useFlatConfig: boolean }): Promise<typeof ESLint>;
    };
    const LegacyESLint = await loadESLint({ useFlatConfig: false });
    const eslint = new LegacyESLint({ cwd: root, extensions: ['.ts'] } as ConstructorParameters<typeof ESLint>[0]);
    const results = await eslint.lintFiles(['services']);
    const found = results
      .flatMap((r) =>
        r.messages.map((m) => ({
          ruleId: m.ruleId ?? `(fatal) ${m.message}`,
          file: path.relative(root, r.filePath).split(path.sep).join('/'),
          line: m.line,
        })),
      )
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    expect(found).toEqual(JSON.parse(readFileSync(path.join(root, 'expected.json'), 'utf8')) as Expected[]);
  });
});

describe('a broken spec', () => {
  const NOTICE =
    /^the spec has 1 error, so the spec\/ rules work from a partial spec: spec\/models\.yaml:\d+:\d+ SF2001 unknown model `Adress`/;
  function broken(): { root: string; repair: () => void } {
    const root = project('flat');
    const models = path.join(root, 'spec/models.yaml');
    const original = readFileSync(models, 'utf8');
    writeFileSync(
      models,
      original.replace('address: { $ref: Address, optional: true }', 'address: { $ref: Adress, optional: true }'),
    );
    return { root, repair: () => writeFileSync(models, original) };
  }
  const notices = (result: ESLint.LintResult) => result.messages.filter((m) => m.message.startsWith('the spec has'));

  it('in an editor (one long-lived ESLint): on every lint of every services file, for as long as the spec is broken', async () => {
    const { root, repair } = broken();
    const eslint = new ESLint({ cwd: root });
    const lint = async (file: string, edit = '') => {
      const filePath = path.join(root, file);
      const [result] = await eslint.lintText(readFileSync(filePath, 'utf8') + edit, { filePath });
      return result!;
    };
    // Three keystrokes in one file, then another open file: each result has the notice, once, on line 1.
    for (const result of [
      await lint('services/users/src/users.ts'),
      await lint('services/users/src/users.ts', '\n'),
      await lint('services/users/src/users.ts', '\n\n'),
      await lint('services/users/src/extra.ts'),
      await lint('services/users/src/controllers/users.ts'),
    ]) {
      expect(notices(result).map((m) => [m.line, m.message])).toEqual([[1, expect.stringMatching(NOTICE) as string]]);
    }
    repair();
    // The spec's watcher sees the save on its own schedule (the rules look again after 200 ms at
    // most): lint until the notice is gone, for up to 20 s on a loaded machine, then both files agree.
    const deadline = Date.now() + 20_000;
    while (notices(await lint('services/users/src/users.ts')).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    for (const result of [await lint('services/users/src/users.ts'), await lint('services/users/src/extra.ts')])
      expect(notices(result)).toEqual([]);
  }, 30_000);

  it('on the command line: one notice for the run, not one per file', () => {
    const { root } = broken();
    const run = spawnSync(
      process.execPath,
      [path.resolve(HERE, '../node_modules/eslint/bin/eslint.js'), '--format', 'json', 'services'],
      { cwd: root, encoding: 'utf8' },
    );
    const results = JSON.parse(run.stdout) as ESLint.LintResult[];
    // Several services files were linted, each with the spec rules on.
    expect(results.length).toBeGreaterThanOrEqual(4);
    const all = results.flatMap(notices);
    expect(all.map((m) => [m.line, m.message])).toEqual([[1, expect.stringMatching(NOTICE) as string]]);
  }, 30_000);
});
