import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SpecIR } from '@specfirst/spec-core';
import { loadIR, OUT_ROOT } from './project.js';

/**
 * A spec of tasks for the tasks generator: `front` enqueues `makeThing`; `crew` is the worker of
 * `makeThing`, of `sweep` (scheduled, no result) and of `validateThing`; `relay` enqueues `sweep` and is the worker of
 * `relayThing`, so it gets both sides; `quiet` is a worker that neither enqueues nor runs a task.
 * The task descriptions are hostile (a `*\/`, backticks, a template, line separators), and models
 * are named after what the generated module imports or declares (`TaskHandle`, `CrewTaskHandlers`,
 * `M`; `ThingTask`, whose validator is named as the task `validateThing`'s definition): they must
 * stay comments and models.
 */
export const HOSTILE_TASK = 'ends */ console.log(\'PWNED\'); /*\nconsole.log("PWNED")\u2028`${process.exit(1)}` ``';

export function tasksSpec(name = 'tasks-hostile'): string {
  const root = path.join(OUT_ROOT, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(path.join(root, 'spec'), { recursive: true });
  const files: Record<string, string> = {
    'specfirst.yaml': 'name: tk\nspec: spec\noutput: generated\nservices: services\n',
    'spec/services.yaml': `services:
  front:
    type: worker
    consumes:
      tasks: [makeThing]
  crew:
    type: worker
  relay:
    type: worker
    consumes:
      tasks: [sweep]
  quiet:
    type: worker
`,
    'spec/models.yaml': `models:
  TaskHandle:
    description: ${JSON.stringify(HOSTILE_TASK)}
    properties:
      name: { type: string, minLength: 1 }
      count: { type: integer, minimum: 1, default: 2 }
  CrewTaskHandlers:
    properties:
      made: string
  M:
    properties:
      days: { type: integer, minimum: 1, default: 30 }
  ThingTask:
    properties:
      thing: string
  Stamped:
    properties:
      id: { type: string, readonly: true }
      note: { type: string, default: none }
`,
    'spec/tasks.yaml': `tasks:
  makeThing:
    description: ${JSON.stringify(HOSTILE_TASK)}
    worker: crew
    args: TaskHandle
    result: CrewTaskHandlers
    retry: { attempts: 2, backoff: fixed, delayMs: 10, maxDelayMs: 20 }
    timeoutMs: 500
  sweep:
    description: Sweeps \`*/\` away.
    worker: crew
    args: M
    schedule: '*/5 * * * *'
  validateThing:
    description: Its definition, validateThingTask, is named like the validator of ThingTask.
    worker: crew
    args: ThingTask
  relayThing:
    worker: relay
    args: Stamped
    result: TaskHandle
`,
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
  return root;
}

/** The spec's IR, written afresh under test/.out/<name>. */
export function tasksIR(name?: string): SpecIR {
  return loadIR(tasksSpec(name));
}
