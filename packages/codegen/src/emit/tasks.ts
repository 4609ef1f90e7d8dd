import { walkSchema, type IRModel, type IRService, type IRTask, type SpecIR } from '@specfirst/spec-core';
import { referencedModels, type ModelIndex } from '../json-schema.js';
import {
  enqueueMethod,
  MODELS_MODULE,
  relativeSpecifier,
  taskConst,
  taskHandlerKey,
  taskHandlersInterface,
  taskKey,
  taskMapType,
  tasksFactory,
  tasksInterface,
  tasksModule,
  taskValidatorsModule,
  workerFactory,
} from '../names.js';
import {
  call,
  functionDeclaration,
  group,
  hardline,
  indent,
  objectLiteral,
  parameterList,
  print,
  type Doc,
} from './doc.js';
import { comment, propertyKey, str } from './ts.js';
import { interfaceDoc, member, objectType, text } from './types.js';

/** The tasks a service enqueues and those it runs (each sorted by name), and all it touches. */
export interface ServiceTasks {
  /** Declared in its `consumes.tasks` (spec-core's `task.enqueuers`). */
  enqueued: IRTask[];
  /** Tasks whose `worker` it is. */
  run: IRTask[];
  /** Enqueued or run, once each, sorted by name. */
  tasks: IRTask[];
}

const byName = (a: IRTask, b: IRTask): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** What a service does with tasks, from what the spec declares only: `enqueuers` of a task, and its `worker`. */
export function serviceTasks(ir: SpecIR, service: Pick<IRService, 'name'>): ServiceTasks {
  const enqueued = ir.tasks.filter((t) => t.enqueuers.includes(service.name)).sort(byName);
  const run = ir.tasks.filter((t) => t.worker === service.name).sort(byName);
  const tasks = ir.tasks.filter((t) => enqueued.includes(t) || run.includes(t)).sort(byName);
  return { enqueued, run, tasks };
}

/** The services that enqueue or run at least one task, in `ir.services` order. */
export function taskServices(ir: SpecIR): IRService[] {
  return ir.services.filter((service) => serviceTasks(ir, service).tasks.length > 0);
}

/** The args and result models of some tasks, without repeats, sorted; unknown models (a spec with errors) left out. */
export function taskPayloadModels(tasks: readonly IRTask[], models: ModelIndex): string[] {
  return [...new Set(tasks.flatMap((task) => [task.args, ...(task.result !== undefined ? [task.result] : [])]))]
    .filter((name) => models.has(name))
    .sort();
}

/** Those models and every model they use, sorted: what a service's tasks code derives from. */
export function taskModels(tasks: readonly IRTask[], models: ModelIndex): string[] {
  const payloads = taskPayloadModels(tasks, models);
  const used = referencedModels(
    payloads.map((name) => models.get(name)!.schema),
    models,
  );
  return [...new Set([...payloads, ...used])].sort();
}

/**
 * The model a caller of `enqueue<Task>` gives: the args model's `Create` variant when the only
 * thing it leaves out is what the args validator fills in (fields with a `default`, optional
 * there), else the args model itself. A model that has a read-only field anywhere keeps its own
 * type: tasks validate args as events validate messages (`readonly` changes nothing), so a
 * `Create` variant without that field would let a call compile that the validator then refuses.
 */
export function enqueuedArgsModel(args: IRModel, models: ModelIndex): IRModel {
  const create = [...models.values()].find((m) => m.variant === 'create' && m.variantOf === args.name);
  if (create === undefined || args.variant !== 'model') return args;
  const closure = [args.schema, ...referencedModels([args.schema], models).map((name) => models.get(name)!.schema)];
  let readonly = false;
  for (const schema of closure)
    walkSchema(schema, {
      object: (node) => {
        if (node.properties.some((p) => p.readonly)) readonly = true;
      },
    });
  if (readonly) return args;
  // Without a default anywhere, `Create` is the same type under another name: keep the model's.
  return JSON.stringify(create.schema) === JSON.stringify(args.schema) ? args : create;
}

/** The TypeScript types of one task in generated code. */
interface TaskTypes {
  /** What `enqueue<Task>` takes (and the definition's `Args`). */
  enqueued: string;
  /** What the handler receives: the args model, defaults filled in. */
  received: string;
  /** The result model, or `void` for a task without one (`null` on the wire). */
  result: string;
  /** The result in `<Service>TaskMap`: `undefined` for a task without one. */
  mapResult: string;
}

function taskTypes(task: IRTask, models: ModelIndex): TaskTypes {
  const args = models.get(task.args);
  const result = task.result !== undefined ? models.get(task.result) : undefined;
  const resultType = result ? `M.${result.identifier}` : 'unknown';
  return {
    enqueued: args ? `M.${enqueuedArgsModel(args, models).identifier}` : 'unknown',
    received: args ? `M.${args.identifier}` : 'unknown',
    result: task.result === undefined ? 'void' : resultType,
    mapResult: task.result === undefined ? 'undefined' : resultType,
  };
}

/**
 * `tasks/<service>/index.ts`: the definition of every task the service enqueues or runs
 * (`<task>Task`: its worker, retry policy, time limit, schedule and precompiled validators, which
 * the runtime reads), then, when it enqueues, `<Service>TaskMap`, `<Service>Tasks` with one
 * `enqueue<Task>` per enqueued task (and typed chains and groups, from the runtime's `TaskFlows`)
 * and `create<Service>Tasks(backend)`, and when it is a worker, `<Service>TaskHandlers` with one
 * handler per task it runs and `create<Service>Worker(handlers, options)`. Every loop is the
 * runtime's (`@specfirst/runtime/tasks`); this module only holds tables and typed wrappers.
 *
 * `validators` names the export of each args and result model in `tasks/<service>/validators.js`,
 * which the module imports as `v`.
 */
export function emitTasks(
  service: IRService,
  tasks: ServiceTasks,
  models: ModelIndex,
  validators: ReadonlyMap<string, string>,
): string {
  const self = tasksModule(service);
  const { enqueued, run } = tasks;
  const types = new Map(tasks.tasks.map((task) => [task, taskTypes(task, models)]));
  const typesOf = (task: IRTask): TaskTypes => types.get(task)!;
  const out: string[] = [];

  const values = [...(enqueued.length > 0 ? ['createTasks'] : []), ...(run.length > 0 ? ['createWorker'] : [])];
  const imported = [
    ...(enqueued.length > 0 ? ['EnqueueOptions'] : []),
    ...(run.length > 0 ? ['SandboxedHandlers'] : []),
    ...(enqueued.length > 0 ? ['TaskBackend'] : []),
    'TaskDefinition',
    ...(enqueued.length > 0 ? ['TaskFlows', 'TaskHandle'] : []),
    ...(run.length > 0 ? ['TaskHandler', 'TaskWorker', 'WorkerOptions'] : []),
  ];
  out.push(
    print([
      'import ',
      objectLiteral([...values, ...imported.map((t) => `type ${t}`)]),
      ` from '@specfirst/runtime/tasks';`,
    ]).trimEnd(),
  );
  if ([...types.values()].some((t) => /\bM\./.test(`${t.enqueued} ${t.received} ${t.result}`)))
    out.push(`import type * as M from '${relativeSpecifier(self, MODELS_MODULE)}';`);
  // A namespace, as the routers import theirs: `validate<Model>` may equal a task's `<task>Task`
  // (task `validateThing`, model `ThingTask`), which named imports would make a duplicate name.
  if (tasks.tasks.some((task) => validators.has(task.args)))
    out.push(`import * as v from '${relativeSpecifier(self, taskValidatorsModule(service))}';`);
  out.push('');

  for (const task of tasks.tasks) out.push(emitTask(task, typesOf(task), models, validators));

  if (enqueued.length > 0) {
    const entries = enqueued.map((task) =>
      member(
        [],
        propertyKey(taskKey(task)),
        // `void` is for return types: a task without a result gives the next step of a chain `undefined`.
        objectType([`args: ${typesOf(task).enqueued}`, `result: ${typesOf(task).mapResult}`], false),
      ),
    );
    out.push(
      print([
        comment([
          `Each task \`${service.name}\` enqueues, with its args (as enqueued) and its result: what its typed chains and groups are checked against.`,
        ]),
        interfaceDoc(`export interface ${taskMapType(service)}`, entries),
      ]),
    );
    const methods = enqueued.map((task) => [
      comment([
        task.description,
        `Validates \`args\` and enqueues \`${task.name}\` on the queue of \`${task.worker}\`; resolves to a handle on the job, whose \`result()\` waits for its outcome. Invalid args throw \`TaskValidationError\` and nothing is enqueued.`,
      ]),
      group([
        enqueueMethod(task),
        parameterList([`args: ${typesOf(task).enqueued}`, 'options?: EnqueueOptions']),
        `: Promise<TaskHandle<${typesOf(task).result}>>`,
      ]),
    ]);
    out.push(
      print([
        comment([
          `What \`${service.name}\` enqueues: one method per task, and chains and groups of those tasks (\`chain\`, \`group\`), typed so that each step's result must fit the next step's args.`,
        ]),
        interfaceDoc(`export interface ${tasksInterface(service)} extends TaskFlows<${taskMapType(service)}>`, methods),
      ]),
    );
    const entriesOf: Doc[] = enqueued.map((task) => [
      enqueueMethod(task),
      '(args, options) {',
      indent([hardline, 'return ', call('tasks.enqueue', [taskConst(task), 'args', 'options']), ';']),
      hardline,
      '}',
    ]);
    out.push(
      print([
        comment([
          `Enqueues what \`${service.name}\` declares in \`consumes.tasks\`, on the queues of their workers, through a task backend (\`${tasksFactory(service)}(bullmqTaskBackend(url))\`, or \`memoryTaskBackend()\` in one process).`,
        ]),
        functionDeclaration(
          `export function ${tasksFactory(service)}`,
          ['backend: TaskBackend'],
          tasksInterface(service),
          [
            [
              'const tasks = ',
              call(`createTasks<${taskMapType(service)}>`, [definitions(enqueued), objectLiteral(['backend'])]),
              ';',
            ],
            [
              'return ',
              objectLiteral(['chain: tasks.chain.bind(tasks)', 'group: tasks.group.bind(tasks)', ...entriesOf], {
                expanded: true,
              }),
              ';',
            ],
          ],
        ),
      ]),
    );
  }

  if (run.length > 0) {
    const handlers = run.map((task) =>
      member(
        [
          task.description,
          `Runs \`${task.name}\`${task.schedule !== undefined ? ` (also on its schedule, \`${task.schedule}\`)` : ''}.`,
        ],
        propertyKey(taskHandlerKey(task)),
        text(`TaskHandler<${typesOf(task).received}, ${typesOf(task).result}>`),
      ),
    );
    out.push(
      print([
        comment([
          `The handlers of \`${service.name}\`, one per task it runs: each gets the validated args (defaults filled in) and its context (job id, attempt, abort signal, time left, logger, request id, trace context), and returns the task's result.`,
        ]),
        interfaceDoc(`export interface ${taskHandlersInterface(service)}`, handlers),
      ]),
    );
    const handlersType = taskHandlersInterface(service);
    out.push(
      print([
        comment([
          `The worker of \`${service.name}\` on its queue \`${service.name}\`. \`start()\` brings the schedules of its tasks in line with the spec, then takes jobs (\`options.concurrency\` at a time); \`stop()\` takes no new job and waits for those in flight. Handlers run in this process, or in child processes with \`sandboxed(module)\`, where one that outlives its time limit is killed.`,
        ]),
        functionDeclaration(
          `export function ${workerFactory(service)}`,
          // `Readonly<…>`: a mapped type, which (unlike the interface itself) TypeScript lets
          // through to `createWorker`'s `Record<string, TaskHandler>`; any object with the
          // handlers, a class instance too, is one.
          [`handlers: Readonly<${handlersType}> | SandboxedHandlers<${handlersType}>`, 'options: WorkerOptions'],
          'TaskWorker',
          [['return ', call('createWorker', [str(service.name), definitions(run), 'handlers', 'options']), ';']],
        ),
      ]),
    );
  }
  return out.join('\n');
}

/** `v.validateSendReceiptArgs`; `undefined` for a model unknown to the IR (a spec with errors), which then does not compile. */
function validatorRef(name: string | undefined): string {
  return name !== undefined ? `v.${name}` : 'undefined';
}

/** `{ purgeCarts: purgeCartsTask, sendReceipt: sendReceiptTask }`: definitions by task name, for the runtime. */
function definitions(tasks: readonly IRTask[]): Doc {
  return objectLiteral(tasks.map((task) => `${propertyKey(taskKey(task))}: ${taskConst(task)}`));
}

/** `export const sendReceiptTask: TaskDefinition<M.SendReceiptArgs, M.SendReceiptResult> = { … }`: only the keys the IR has. */
function emitTask(task: IRTask, types: TaskTypes, models: ModelIndex, validators: ReadonlyMap<string, string>): string {
  const retry = task.retry;
  const argsModel = models.get(task.args);
  const resultModel = task.result !== undefined ? models.get(task.result) : undefined;
  const fields: Doc[] = [
    `name: ${str(task.name)}`,
    `worker: ${str(task.worker)}`,
    `argsType: ${str(argsModel?.name ?? task.args)}`,
    ...(task.result !== undefined ? [`resultType: ${str(resultModel?.name ?? task.result)}`] : []),
    [
      'retry: ',
      objectLiteral([
        `attempts: ${retry.attempts}`,
        `backoff: ${str(retry.backoff)}`,
        `delayMs: ${retry.delayMs}`,
        ...(retry.maxDelayMs !== undefined ? [`maxDelayMs: ${retry.maxDelayMs}`] : []),
      ]),
    ],
    ...(task.timeoutMs !== undefined ? [`timeoutMs: ${task.timeoutMs}`] : []),
    ...(task.schedule !== undefined ? [`schedule: ${str(task.schedule)}`] : []),
    `validateArgs: ${validatorRef(validators.get(task.args))}`,
    ...(task.result !== undefined ? [`validateResult: ${validatorRef(validators.get(task.result))}`] : []),
  ];
  return print([
    comment([
      task.description,
      `The task \`${task.name}\`, run by \`${task.worker}\`: its retry policy, its time limit and schedule where the spec sets them, and its validators.`,
    ]),
    `export const ${taskConst(task)}: TaskDefinition<${types.enqueued}, ${types.result}> = `,
    objectLiteral(fields, { expanded: true }),
    ';',
  ]);
}
