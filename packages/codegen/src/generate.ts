import type { IRService, SpecIR } from '@specfirst/spec-core';
import { callersOf } from '@specfirst/spec-core/connectivity';
import { asyncApiDocument } from './asyncapi/document.js';
import { emitClient } from './emit/client.js';
import { emitEvents, eventServices, messageModels, serviceEvents } from './emit/events.js';
import { emitInternalClient, internalEdges } from './emit/internal-client.js';
import { emitModels } from './emit/models.js';
import { emitTagRouter } from './emit/router.js';
import { emitTasks, serviceTasks, taskModels, taskPayloadModels, taskServices } from './emit/tasks.js';
import { emitServiceIndex } from './emit/service-index.js';
import { deployFiles } from './emit/deploy/files.js';
import { compileJob } from './emit/ajv-compile.js';
import {
  assembleValidators,
  planMessageValidators,
  planTaskValidators,
  planValidators,
  type ValidatorModule,
} from './emit/validators.js';
import { indexModels, referencedModels } from './json-schema.js';
import {
  asyncApiFile,
  clientModule,
  eventsModule,
  eventValidatorsModule,
  internalClientModule,
  MODELS_MODULE,
  openApiFile,
  serviceIndexModule,
  tagRouterModule,
  tasksModule,
  taskValidatorsModule,
  validatorsModule,
} from './names.js';
import { openApiDocument } from './openapi/document.js';
import { stampCode, stampJson } from './write/stamp.js';

/** A file `specfirst sync` owns: its path relative to the output folder, and its full text. */
export interface GeneratedFile {
  path: string;
  contents: string;
}

/**
 * Everything `specfirst sync` writes for a project, in a fixed order. Pure: the same IR gives the
 * same files, byte for byte. Paths come only from names spec-core has made safe (service names are
 * kebab-case, tag file names `[a-z0-9-]`); the writer checks them again before touching the disk.
 */
export function generate(ir: SpecIR): GeneratedFile[] {
  const validators = new Map<string, ValidatorModule>();
  for (const service of httpServices(ir)) {
    const plan = planValidators(ir, service);
    validators.set(service.name, assembleValidators(plan, plan.jobs.map(compileJob)));
  }
  const messageValidators = new Map<string, ValidatorModule<Map<string, string>>>();
  for (const service of eventServices(ir)) {
    const plan = planMessageValidators(
      ir,
      serviceEvents(ir, service).topics.map((topic) => topic.message),
    );
    messageValidators.set(service.name, assembleValidators(plan, plan.jobs.map(compileJob)));
  }
  const taskValidators = new Map<string, ValidatorModule<Map<string, string>>>();
  const models = indexModels(ir);
  for (const service of taskServices(ir)) {
    const plan = planTaskValidators(ir, taskPayloadModels(serviceTasks(ir, service).tasks, models));
    taskValidators.set(service.name, assembleValidators(plan, plan.jobs.map(compileJob)));
  }
  return emitAll(ir, validators, messageValidators, taskValidators);
}

function httpServices(ir: SpecIR): IRService[] {
  return ir.services.filter((service) => service.type === 'http' && service.operations.length > 0);
}

function emitAll(
  ir: SpecIR,
  validatorModules: ReadonlyMap<string, ValidatorModule>,
  messageValidatorModules: ReadonlyMap<string, ValidatorModule<Map<string, string>>>,
  taskValidatorModules: ReadonlyMap<string, ValidatorModule<Map<string, string>>>,
): GeneratedFile[] {
  const models = indexModels(ir);
  const modelFiles = unique(ir.models.map((m) => m.loc.file));
  const files: GeneratedFile[] = [{ path: `${MODELS_MODULE}.ts`, contents: stampCode(modelFiles, emitModels(ir)) }];
  for (const service of httpServices(ir)) {
    const sources = serviceSources(ir, service);
    const validators = validatorModules.get(service.name)!;
    files.push(
      { path: `${validatorsModule(service)}.js`, contents: stampCode(sources, validators.js) },
      { path: `${validatorsModule(service)}.d.ts`, contents: stampCode(sources, validators.dts) },
    );
    for (const tag of service.tags) {
      if (tag.operations.length === 0) continue;
      files.push({
        path: `${tagRouterModule(service, tag)}.ts`,
        contents: stampCode(
          sources,
          emitTagRouter(service, tag, models, validators.names, (id) => callersOf(ir, service.name, id)),
        ),
      });
    }
    files.push(
      { path: `${serviceIndexModule(service)}.ts`, contents: stampCode(sources, emitServiceIndex(service)) },
      { path: `${clientModule(service)}.ts`, contents: stampCode(sources, emitClient(service, models)) },
      { path: openApiFile(service), contents: stampJson(sources, openApiDocument(ir, service)) },
    );
  }
  // Events: only for the services that publish or consume a topic, and only what they declared.
  for (const service of eventServices(ir)) {
    const events = serviceEvents(ir, service);
    const sources = eventSources(ir, service);
    const validators = messageValidatorModules.get(service.name)!;
    files.push(
      { path: `${eventValidatorsModule(service)}.js`, contents: stampCode(sources, validators.js) },
      { path: `${eventValidatorsModule(service)}.d.ts`, contents: stampCode(sources, validators.dts) },
      {
        path: `${eventsModule(service)}.ts`,
        contents: stampCode(sources, emitEvents(service, events, models, validators.names)),
      },
      { path: asyncApiFile(service), contents: stampJson(sources, asyncApiDocument(ir, service)) },
    );
  }
  // Tasks: only for the services that enqueue a task (`consumes.tasks`) or are the worker of one.
  for (const service of taskServices(ir)) {
    const tasks = serviceTasks(ir, service);
    const sources = taskSources(ir, service);
    const validators = taskValidatorModules.get(service.name)!;
    files.push(
      { path: `${taskValidatorsModule(service)}.js`, contents: stampCode(sources, validators.js) },
      { path: `${taskValidatorsModule(service)}.d.ts`, contents: stampCode(sources, validators.dts) },
      {
        path: `${tasksModule(service)}.ts`,
        contents: stampCode(sources, emitTasks(service, tasks, models, validators.names)),
      },
    );
  }
  // Internal clients: only for the declared `consumes.operations` edges, holding only their operations.
  for (const edge of internalEdges(ir)) {
    files.push({
      path: `${internalClientModule(edge.caller, edge.callee)}.ts`,
      contents: stampCode(internalSources(ir, edge.caller, edge.callee), emitInternalClient(edge)),
    });
  }
  // Deployment files (compose, Kubernetes, Redis ACL, PostgreSQL roles): see emit/deploy/files.ts.
  files.push(...deployFiles(ir));
  return files;
}

/** The spec files an internal client derives from: the caller's declaration (its edges) and the callee's sources. */
function internalSources(ir: SpecIR, caller: IRService, callee: IRService): string[] {
  return unique([caller.loc.file, ...serviceSources(ir, callee)]);
}

/** The spec files a service's tasks code derives from: its declaration, its tasks' file, and their args' and results' models' files. */
function taskSources(ir: SpecIR, service: IRService): string[] {
  const models = indexModels(ir);
  const tasks = serviceTasks(ir, service).tasks;
  const used = taskModels(tasks, models).map((name) => models.get(name)!.loc.file);
  return unique([service.loc.file, ...tasks.map((task) => task.loc.file), ...used]);
}

/** The spec files a service's events code derives from: its declaration, its topics' file and their messages' models' files. */
function eventSources(ir: SpecIR, service: IRService): string[] {
  const models = indexModels(ir);
  const topics = serviceEvents(ir, service).topics;
  const used = messageModels(topics, models).map((name) => models.get(name)!.loc.file);
  return unique([service.loc.file, ...topics.map((topic) => topic.loc.file), ...used]);
}

/** The spec files a service's generated code derives from: its declaration, its REST file and its models' files. */
function serviceSources(ir: SpecIR, service: IRService): string[] {
  const models = indexModels(ir);
  const schemas = service.operations.flatMap((op) => [
    ...op.parameters.map((p) => p.schema),
    ...(op.body ? [op.body.schema] : []),
    ...op.responses.flatMap((r) => [...(r.schema ? [r.schema] : []), ...r.headers.map((h) => h.schema)]),
  ]);
  const used = referencedModels(schemas, models).map((name) => models.get(name)!.loc.file);
  return unique([service.loc.file, ...(service.rest ? [service.rest.file] : []), ...used]);
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
