import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SpecIR } from '@specfirst/spec-core';
import * as prettier from 'prettier';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { enqueuedArgsModel } from '../src/emit/tasks.js';
import { generate, syncOutput, type GeneratedFile } from '../src/index.js';
import { indexModels } from '../src/json-schema.js';
import { loadIR, OUT_ROOT, REPO_ROOT } from './support/project.js';
import { HOSTILE_TASK, tasksIR } from './support/tasks-spec.js';

/**
 * The tasks code `specfirst sync` writes (tasks/<service>/index.ts, validators.js and .d.ts): only
 * for the services that enqueue a task or are the worker of one, with spec strings that cannot
 * become code and validators that check args and results as the spec states them. Compiling the
 * generated modules against the runtime, and the goldens, are in generated-code.test.ts.
 */

function file(files: GeneratedFile[], at: string): string {
  const found = files.find((f) => f.path === at);
  if (!found) throw new Error(`${at} was not generated; got ${files.map((f) => f.path).join(', ')}`);
  return found.contents;
}

const taskPaths = (ir: SpecIR): string[] =>
  generate(ir)
    .map((f) => f.path)
    .filter((p) => p.startsWith('tasks/'));

function shopIR(): SpecIR {
  return loadIR(path.join(REPO_ROOT, 'fixtures/shop'));
}

describe('which services get tasks code', () => {
  const modules = (service: string) => [
    `tasks/${service}/validators.js`,
    `tasks/${service}/validators.d.ts`,
    `tasks/${service}/index.ts`,
  ];

  it.each<[string, () => SpecIR, string[]]>([
    // orders enqueues sendReceipt, mailer runs it and purgeCarts; users and billing do neither.
    ['fixtures/shop', shopIR, [...modules('mailer'), ...modules('orders')]],
    // front only enqueues, crew only works, relay does both; quiet neither (in ir.services order: by name).
    [
      'an enqueuer, a worker, one that is both and one that is neither',
      () => tasksIR(),
      [...modules('crew'), ...modules('front'), ...modules('relay')],
    ],
    ['a project without tasks.yaml', () => loadIR(path.join(REPO_ROOT, 'fixtures/small')), []],
  ])('%s', (_name, ir, expected) => {
    expect(taskPaths(ir())).toEqual(expected);
  });

  it.each<[string, string, RegExp[], RegExp[]]>([
    [
      'an enqueuer gets the task map, the tasks interface and its factory, and no worker',
      'tasks/front/index.ts',
      [
        /export interface FrontTaskMap \{/,
        /export interface FrontTasks extends TaskFlows<FrontTaskMap> \{/,
        /export function createFrontTasks\(backend: TaskBackend\): FrontTasks \{/,
      ],
      [/createWorker|TaskWorker|WorkerOptions|SandboxedHandlers|FrontTaskHandlers|createFrontWorker|sweep/],
    ],
    [
      'a worker gets the handlers and its worker, and nothing to enqueue with',
      'tasks/crew/index.ts',
      [/export interface CrewTaskHandlers \{/, /export function createCrewWorker\(/],
      [/enqueue|TaskMap|TaskFlows|createTasks|TaskBackend/],
    ],
    [
      'a service that is both gets both, each for its own tasks',
      'tasks/relay/index.ts',
      [
        /enqueueSweep\(args: M\.MCreate/,
        /relayThing: TaskHandler<M\.Stamped, M\.TaskHandle>;/,
        /createWorker\('relay', \{ relayThing: relayThingTask \}/,
      ],
      [/enqueueRelayThing|sweep: TaskHandler|makeThing/],
    ],
  ])('%s', (_name, at, present, absent) => {
    const source = file(generate(tasksIR()), at);
    for (const pattern of present) expect(source).toMatch(pattern);
    for (const pattern of absent) expect(source).not.toMatch(pattern);
  });

  it('nothing left behind when a service stops enqueueing and working: sync removes its tasks folder', async () => {
    const out = path.join(OUT_ROOT, 'tasks-stale');
    rmSync(out, { recursive: true, force: true });
    const ir = tasksIR('tasks-stale-spec');
    await syncOutput(ir, out);
    expect(existsSync(path.join(out, 'tasks/front/index.ts'))).toBe(true);
    // `front` no longer enqueues `makeThing`: its three files go, and the folder with them.
    const makeThing = ir.tasks.find((t) => t.name === 'makeThing')!;
    const report = await syncOutput(
      { ...ir, tasks: ir.tasks.map((t) => (t === makeThing ? { ...t, enqueuers: [] } : t)) },
      out,
    );
    expect(report.removed).toEqual([
      'tasks/front/index.ts',
      'tasks/front/validators.d.ts',
      'tasks/front/validators.js',
    ]);
    expect(existsSync(path.join(out, 'tasks/front'))).toBe(false);
    expect(existsSync(path.join(out, 'tasks/crew/index.ts'))).toBe(true);
  });
});

describe('the types of args', () => {
  it.each<[string, string, string]>([
    // A default is filled in by the validator: the caller may leave the field out.
    ['a model with a default: its Create variant', 'M', 'MCreate'],
    ['a model without a default: itself', 'CrewTaskHandlers', 'CrewTaskHandlers'],
    // A read-only field is still required by the validator: no variant that leaves it out.
    ['a model with a read-only field: itself, even with a default', 'Stamped', 'Stamped'],
  ])('enqueued args of %s', (_name, model, expected) => {
    const models = indexModels(tasksIR());
    expect(enqueuedArgsModel(models.get(model)!, models).identifier).toBe(expected);
  });

  it('the handler receives the model with its defaults, the caller gives the Create variant; no result is void (undefined in the task map)', () => {
    const source = file(generate(tasksIR()), 'tasks/relay/index.ts');
    expect(source).toContain('export const sweepTask: TaskDefinition<M.MCreate, void> = {');
    expect(source).toContain('sweep: { args: M.MCreate; result: undefined };');
    expect(source).toContain('enqueueSweep(args: M.MCreate, options?: EnqueueOptions): Promise<TaskHandle<void>>;');
    expect(file(generate(tasksIR()), 'tasks/crew/index.ts')).toContain('sweep: TaskHandler<M.M, void>;');
  });
});

describe('spec strings in the tasks module', () => {
  const kind = (s: ts.Statement): string =>
    ts.isImportDeclaration(s)
      ? 'import'
      : ts.isVariableStatement(s)
        ? 'const'
        : ts.isInterfaceDeclaration(s)
          ? 'interface'
          : ts.isFunctionDeclaration(s)
            ? 'function'
            : ts.SyntaxKind[s.kind];

  it.each<[string, string[]]>([
    ['tasks/front/index.ts', ['import', 'import', 'import', 'const', 'interface', 'interface', 'function']],
    ['tasks/crew/index.ts', ['import', 'import', 'import', 'const', 'const', 'const', 'interface', 'function']],
    [
      'tasks/relay/index.ts',
      ['import', 'import', 'import', 'const', 'const', 'interface', 'interface', 'function', 'interface', 'function'],
    ],
  ])('%s: no statement but the generated ones, values as written, formatted', async (at, statements) => {
    const source = file(generate(tasksIR()), at);
    const parsed = ts.createSourceFile('index.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    expect(parsed.statements.map(kind)).toEqual(statements);
    // The description is in doc comments only, its `*/` neutralised, and so is a cron's `*/5`.
    expect(source).not.toMatch(/^\s*console\.log/m);
    expect(source).not.toMatch(/\*\/ console\.log/);
    if (at !== 'tasks/relay/index.ts') expect(source).toContain("ends *\\/ console.log('PWNED'); /*");
    // And it reads like hand-written code: Prettier, with the repository's settings, changes nothing.
    const options = { ...(await prettier.resolveConfig(path.join(REPO_ROOT, 'x.ts'))), filepath: 'index.ts' };
    expect(await prettier.format(source, options)).toBe(source);
  });

  it('keeps the schedule and the names as string literals', () => {
    const source = file(generate(tasksIR()), 'tasks/crew/index.ts');
    const parsed = ts.createSourceFile('index.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const sweep = parsed.statements.filter(ts.isVariableStatement)[1]!.declarationList.declarations[0]!;
    const init = sweep.initializer as ts.ObjectLiteralExpression;
    const values = Object.fromEntries(
      init.properties
        .filter(ts.isPropertyAssignment)
        .map((p) => [
          p.name.getText(parsed),
          ts.isStringLiteral(p.initializer) ? p.initializer.text : p.initializer.getText(parsed),
        ]),
    );
    expect(values).toEqual({
      name: 'sweep',
      worker: 'crew',
      argsType: 'M',
      retry: "{ attempts: 3, backoff: 'exponential', delayMs: 1000 }",
      schedule: '*/5 * * * *',
      validateArgs: 'v.validateM',
    });
    expect(HOSTILE_TASK).toContain('*/');
  });
});

describe('names that meet', () => {
  it('a task named like a validator keeps its definition apart from it: validators come through `v`', () => {
    const source = file(generate(tasksIR()), 'tasks/crew/index.ts');
    expect(source).toContain("import * as v from './validators.js';");
    expect(source).toContain('export const validateThingTask: TaskDefinition<M.ThingTask, void> = {');
    expect(source).toContain('  validateArgs: v.validateThingTask,\n');
    // Models named like the runtime's types and the module's own interfaces are reached through `M`.
    expect(source).toContain('makeThing: TaskHandler<M.TaskHandle, M.CrewTaskHandlers>;');
    expect(source).toContain('export interface CrewTaskHandlers {');
  });
});

describe('determinism', () => {
  it('two generations from two loads are byte-identical', () => {
    const a = generate(tasksIR('tasks-det-a')).filter((f) => f.path.startsWith('tasks/'));
    const b = generate(tasksIR('tasks-det-b')).filter((f) => f.path.startsWith('tasks/'));
    expect(a.length).toBe(9);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('args and result validators', () => {
  it('check args as the spec states them: defaults filled in, unknown keys refused; results likewise', async () => {
    const files = generate(tasksIR());
    const dir = path.join(OUT_ROOT, 'tasks-validators');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'validators.js'), file(files, 'tasks/relay/validators.js'));
    type Validator = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string }[] | null };
    const { validateM, validateStamped, validateTaskHandle } = (await import(
      pathToFileURL(path.join(dir, 'validators.js')).href
    )) as Record<string, Validator>;
    // A scheduled task's args are `{}`: the default fills it.
    const empty: Record<string, unknown> = {};
    expect(validateM!(empty)).toBe(true);
    expect(empty).toEqual({ days: 30 });
    expect(validateM!({ days: 0 })).toBe(false);
    expect(validateM!({ days: 1, extra: true })).toBe(false);
    expect(validateM!.errors?.map((e) => e.keyword)).toEqual(['additionalProperties']);
    // A read-only field is a field like any other: required.
    expect(validateStamped!({ note: 'n' })).toBe(false);
    expect(validateStamped!.errors?.map((e) => e.keyword)).toEqual(['required']);
    expect(validateStamped!({ id: 's-1' })).toBe(true);
    // The result model of relayThing.
    expect(validateTaskHandle!({ name: '' })).toBe(false);
    const result: Record<string, unknown> = { name: 'x' };
    expect(validateTaskHandle!(result)).toBe(true);
    expect(result.count).toBe(2);
  });
});
