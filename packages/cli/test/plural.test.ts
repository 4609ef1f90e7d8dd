import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/run-cli.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-plural-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// plural() itself is spec-core's, tested there (packages/spec-core/test/suggest.test.ts); these
// tests read what each command prints for one and for many.

/** A copy of fixtures/small (one service, four operations, two models) changed by `edit`. */
function small(name: string, edit: (root: string) => void = () => undefined): string {
  const root = path.join(temp, name);
  cpSync(path.join(REPO, 'fixtures/small'), root, { recursive: true });
  edit(root);
  return root;
}

/** One service with one operation, one model, one topic and one task: every count is 1. */
function ones(root: string): void {
  writeFileSync(path.join(root, 'spec/models.yaml'), 'models:\n  Todo:\n    properties:\n      id: string\n');
  writeFileSync(
    path.join(root, 'spec/services.yaml'),
    'services:\n  todo: { type: http, port: 3000, rest: rest/todo.yaml }\n  jobs: { type: worker, consumes: { topics: [todo.done] } }\n',
  );
  writeFileSync(
    path.join(root, 'spec/rest/todo.yaml'),
    'tags:\n  todos:\n    operations:\n      getTodo: { method: get, path: /todo, responses: { 200: Todo } }\n',
  );
  writeFileSync(path.join(root, 'spec/events.yaml'), 'topics:\n  todo.done: { message: Todo, producers: [todo] }\n');
  writeFileSync(path.join(root, 'spec/tasks.yaml'), 'tasks:\n  sweep: { worker: jobs, args: Todo }\n');
}

/** One service with a single tag. */
function oneTag(root: string): void {
  writeFileSync(
    path.join(root, 'spec/rest/todo.yaml'),
    'tags:\n  todos:\n    operations:\n      listTodos: { method: get, path: /todos, responses: { 200: "Todo[]" } }\n',
  );
}

/** A spec with exactly one error: an unknown model. */
function oneError(root: string): void {
  const models = path.join(root, 'spec/models.yaml');
  writeFileSync(models, readFileSync(models, 'utf8').replace('tags: string[]?', 'tags: Usr[]?'));
}

/** A spec with two errors: two unknown models. */
function twoErrors(root: string): void {
  const models = path.join(root, 'spec/models.yaml');
  writeFileSync(
    models,
    readFileSync(models, 'utf8').replace('tags: string[]?', 'tags: Usr[]?').replace('detail: string?', 'detail: Usr?'),
  );
}

/** Every count a command prints, at one and at more than one: `1 file`, never `1 files`. */
describe('counts in what the commands print', () => {
  it.each<[string, () => Promise<string>, string]>([
    [
      'check, all ones',
      async () => (await runCli(['check', small('check-ones', ones)])).stdout,
      ': 2 services, 1 operation, 1 model, 1 topic, 1 task\n',
    ],
    [
      'check, several',
      async () => (await runCli(['check', small('check-many')])).stdout,
      ': 1 service, 4 operations, 2 models\n',
    ],
    [
      'check, one error',
      async () => (await runCli(['check', small('check-one-error', oneError)])).stdout,
      '✖ 1 error, 0 warnings\n',
    ],
    [
      'check, two errors',
      async () => (await runCli(['check', small('check-two-errors', twoErrors)])).stdout,
      '✖ 2 errors, 0 warnings\n',
    ],
    [
      'graph, one operation',
      async () => (await runCli(['graph', small('graph-ones', ones)])).stdout,
      'todo (http :3000, 1 operation)\n',
    ],
    [
      'graph, several',
      async () => (await runCli(['graph', small('graph-many')])).stdout,
      'todo (http :3000, 4 operations)\n',
    ],
    [
      'ir, one error',
      async () => (await runCli(['ir', small('ir-one-error', oneError)])).stderr,
      'specfirst: the spec has 1 error, so the IR is incomplete',
    ],
    [
      'ir, two errors',
      async () => (await runCli(['ir', small('ir-two-errors', twoErrors)])).stderr,
      'specfirst: the spec has 2 errors, so the IR is incomplete',
    ],
    [
      'sync, one error',
      async () => (await runCli(['sync', small('sync-one-error', oneError)])).stderr,
      '✖ 1 error in the spec: nothing was generated',
    ],
    [
      'sync, two errors',
      async () => (await runCli(['sync', small('sync-two-errors', twoErrors)])).stderr,
      '✖ 2 errors in the spec: nothing was generated',
    ],
    [
      'sync, one file rewritten',
      async () => {
        const root = small('sync-one');
        await runCli(['sync', root]);
        appendFileSync(path.join(root, 'generated/models.ts'), '// edited\n');
        return (await runCli(['sync', root])).stdout;
      },
      ': 1 file written, 0 stale files removed, 11 unchanged\n', // 8 code files, 3 deployment files
    ],
    [
      'sync --check, one file edited',
      async () => {
        const root = small('sync-check-one');
        await runCli(['sync', root]);
        appendFileSync(path.join(root, 'generated/models.ts'), '// edited\n');
        return (await runCli(['sync', root, '--check'])).stderr;
      },
      ' does not match the spec (1 file): run `specfirst sync`',
    ],
    [
      'sync, one stale file removed',
      async () => {
        const root = small('sync-stale');
        await runCli(['sync', root]);
        writeFileSync(
          path.join(root, 'spec/rest/todo.yaml'),
          'tags:\n  todos:\n    operations:\n      listTodos: { method: get, path: /todos, responses: { 200: "Todo[]" } }\n',
        );
        return (await runCli(['sync', root])).stdout;
      },
      ' 1 stale file removed, ',
    ],
    [
      'scaffold, one controller',
      async () => (await runCli(['scaffold', '--project', small('scaffold-one', oneTag)])).stdout,
      '✓ 1 controller scaffolded, 0 already there\n',
    ],
    [
      'scaffold, several',
      async () => (await runCli(['scaffold', '--project', small('scaffold-many')])).stdout,
      '✓ 2 controllers scaffolded, 0 already there\n',
    ],
  ])('%s', async (_case, output, expected) => {
    const text = await output();
    expect(text).toContain(expected);
    expect(text).not.toMatch(/\b1 [a-z]+s\b/);
  });
});
