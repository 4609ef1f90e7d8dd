import {
  type IRModel,
  type IRParameter,
  type IRSchema,
  type IRService,
  type SpecIR,
  walkIR,
} from '@specfirst/spec-core';
import {
  indexModels,
  inputView,
  modelToJsonSchema,
  referencedModels,
  schemaToJsonSchema,
  type JsonSchema,
  type JsonSchemaMode,
  type ModelIndex,
} from '../json-schema.js';
import { parameterKey } from '@specfirst/runtime/validation';
import { compileJob, type CompiledJob, type CompileJob, type Purpose } from './ajv-compile.js';
import { bodyKind, isJsonContentType } from './naming.js';
import { messageValidator, requestValidator, responseValidator, taskModelValidator } from '../names.js';

/**
 * `validators/<service>.js`: every request and response check of a service as ajv "standalone"
 * code, compiled now so the service compiles no schema when it starts. Two ajv set-ups end up in
 * one module:
 * - parameters: strings from the URL and headers are coerced to the declared types, defaults filled in;
 * - payloads: bodies as sent (no coercion), defaults filled in, unknown keys refused unless the spec
 *   allows them; and responses as returned, against schemas that carry no defaults, so a check
 *   never changes an answer.
 * Planning (this file: IR → JSON Schemas) and compiling (ajv-compile.ts: JSON Schemas → code) are
 * apart; compiling in worker threads was tried and measured no faster on these 2-core machines,
 * where two allocation-heavy ajv compilations slow each other to the same total.
 */

export interface ValidatorModule<Names = Map<string, OperationValidators>> {
  js: string;
  dts: string;
  /** Export names, by operation and part, for the router generator (by model, for the events and tasks generators). */
  names: Names;
}

export interface OperationValidators {
  params?: string;
  query?: string;
  headers?: string;
  body?: string;
  /** By response key (`201`, `4XX`, `default`). */
  responses: Map<string, string>;
}

/** What to compile for one service, and the names the router generator refers to. */
export interface ValidatorPlan<Names = Map<string, OperationValidators>> {
  names: Names;
  /** One per purpose that has schemas: params, then payloads. */
  jobs: CompileJob[];
}

export function planValidators(ir: SpecIR, service: IRService): ValidatorPlan {
  const models = indexModels(ir);
  const openParts = allOfParts(ir);
  const params = new Map<string, JsonSchema>();
  const payloads = new Map<string, JsonSchema>();
  const roots = { params: [] as IRSchema[], bodies: [] as IRSchema[], responses: [] as IRSchema[] };
  const names = new Map<string, OperationValidators>();
  // Collected first: which models read the same in a request and in a response decides the refs.
  for (const op of service.operations) {
    for (const p of op.parameters) roots.params.push(p.schema);
    if (op.body && isJsonContentType(op.body.contentType)) roots.bodies.push(inputView(op.body.schema, models));
    for (const r of op.responses)
      if (r.schema && isJsonContentType(r.contentType ?? 'application/json')) roots.responses.push(r.schema);
  }
  const responseModels = referencedModels(roots.responses, models);
  const shared = sharedModels(responseModels, models, openParts);
  const request = modeFor('request', models, shared);
  const response = modeFor('response', models, shared);
  // Parameters and form fields arrive as text: numbers in them must read as decimals.
  const text: JsonSchemaMode = { ...request, text: true };

  for (const op of service.operations) {
    const entry: OperationValidators = { responses: new Map() };
    names.set(op.operationId, entry);
    for (const [part, location] of [
      ['params', 'path'],
      ['query', 'query'],
      ['headers', 'header'],
    ] as const) {
      const parameters = op.parameters.filter((p) => p.in === location);
      if (parameters.length === 0) continue;
      const name = requestValidator(op, part);
      params.set(name, parametersSchema(parameters, models, text, location === 'path'));
      entry[part] = name;
    }
    if (op.body && isJsonContentType(op.body.contentType)) {
      const name = requestValidator(op, 'body');
      payloads.set(name, schemaToJsonSchema(inputView(op.body.schema, models), models, request));
      entry.body = name;
    } else if (op.body && bodyKind(op.body.contentType) === 'form') {
      // Form fields are strings, like query parameters: checked by the coercing set-up.
      const name = requestValidator(op, 'body');
      params.set(name, schemaToJsonSchema(inputView(op.body.schema, models), models, text));
      roots.params.push(op.body.schema);
      entry.body = name;
    }
    for (const r of op.responses) {
      if (!r.schema || !isJsonContentType(r.contentType ?? 'application/json')) continue;
      const name = responseValidator(op, r.status);
      payloads.set(name, schemaToJsonSchema(r.schema, models, response));
      entry.responses.set(String(r.status), name);
    }
  }

  // The open form of a model (its unknown keys left to an enclosing `allOf`) only where one uses it.
  const forms = (names: string[], mode: JsonSchemaMode) =>
    names.flatMap((name) =>
      (openParts.has(name) ? [false, true] : [false]).map((open) => ({
        id: mode.ref(name, open),
        schema: modelToJsonSchema(models.get(name)!, models, mode, open),
      })),
    );
  const jobs: CompileJob[] = [];
  if (params.size > 0) jobs.push(job('params', forms(referencedModels(roots.params, models), text), params));
  if (payloads.size > 0) {
    const requestForms = new Set([
      ...referencedModels(roots.bodies, models),
      ...responseModels.filter((m) => shared.has(m)),
    ]);
    const responseForms = responseModels.filter((m) => !shared.has(m));
    jobs.push(
      job('payloads', [...forms([...requestForms].sort(), request), ...forms(responseForms, response)], payloads),
    );
  }
  return { names, jobs };
}

function job(purpose: Purpose, models: CompileJob['models'], exports: Map<string, JsonSchema>): CompileJob {
  const all = [...models.map((m) => m.schema), ...exports.values()];
  return { purpose, ownProperties: all.some(declaresInheritedName), models, exports: [...exports] };
}

/**
 * Models a response can check with the request form: the same schema once defaults (which only
 * requests apply) and write-only requirements are considered, for the model and every model it
 * uses. Compiled once instead of twice, which on a large spec halves validator compilation.
 */
function sharedModels(candidates: string[], models: ModelIndex, openParts: ReadonlySet<string>): Set<string> {
  const neutral = (purpose: 'request' | 'response'): JsonSchemaMode => ({
    purpose,
    ref: (model, open) => modelId(models, model, open, 'm'),
  });
  const same = (name: string): boolean => {
    const model = models.get(name)!;
    return (openParts.has(name) ? [false, true] : [false]).every(
      (open) =>
        JSON.stringify(modelToJsonSchema(model, models, neutral('request'), open)) ===
        JSON.stringify(modelToJsonSchema(model, models, neutral('response'), open)),
    );
  };
  const local = new Set(candidates.filter(same));
  return new Set(
    [...local].filter((name) => referencedModels([models.get(name)!.schema], models).every((used) => local.has(used))),
  );
}

/**
 * `events/<service>/validators.js`: the validators of the message models of the topics a service
 * publishes or consumes, one export per model ({@link messageValidator}). A message is checked as
 * a request body is (as sent, no coercion; defaults filled in; unknown keys refused unless the spec
 * allows them), except that `readonly` and `writeonly` change nothing (the `message` purpose of
 * json-schema.ts). Publishers check before sending, consumers again on receipt (a message that
 * fails there is poison). `names` maps each model name to its export.
 */
export function planMessageValidators(ir: SpecIR, messages: readonly string[]): ValidatorPlan<Map<string, string>> {
  return planPayloadValidators(ir, messages, messageValidator);
}

/**
 * `tasks/<service>/validators.js`: the validators of the args and result models of the tasks a
 * service enqueues or runs, one export per model ({@link taskModelValidator}), checked as event
 * messages are (the `message` purpose: as sent, no coercion; defaults filled in; unknown keys
 * refused unless the spec allows them; `readonly` and `writeonly` change nothing). Args are checked
 * before they are enqueued and again when the worker receives them (defaults filled in then);
 * results when the handler returns. `names` maps each model name to its export.
 */
export function planTaskValidators(ir: SpecIR, payloads: readonly string[]): ValidatorPlan<Map<string, string>> {
  return planPayloadValidators(ir, payloads, taskModelValidator);
}

/** One validator per model, each exported under `exportName(model)`, with the `message` purpose. */
function planPayloadValidators(
  ir: SpecIR,
  payloads: readonly string[],
  exportName: (model: IRModel) => string,
): ValidatorPlan<Map<string, string>> {
  const models = indexModels(ir);
  const openParts = allOfParts(ir);
  const mode: JsonSchemaMode = { purpose: 'message', ref: (model, open) => modelId(models, model, open, 'm') };
  const known = [...new Set(payloads)].filter((name) => models.has(name)).sort();
  const names = new Map(known.map((name) => [name, exportName(models.get(name)!)]));
  if (known.length === 0) return { names, jobs: [] };
  const used = referencedModels(
    known.map((name) => models.get(name)!.schema),
    models,
  );
  const forms = [...new Set([...known, ...used])].sort().flatMap((name) =>
    (openParts.has(name) ? [false, true] : [false]).map((open) => ({
      id: mode.ref(name, open),
      schema: modelToJsonSchema(models.get(name)!, models, mode, open),
    })),
  );
  const exports = new Map<string, JsonSchema>(known.map((name) => [names.get(name)!, { $ref: mode.ref(name, false) }]));
  return { names, jobs: [job('payloads', forms, exports)] };
}

/** The module text from the compiled jobs of a plan (in the plan's order). */
export function assembleValidators<Names>(
  plan: ValidatorPlan<Names>,
  compiled: readonly CompiledJob[],
): ValidatorModule<Names> {
  const parts: string[] = [];
  const helpers = new Set<string>();
  const exportLines: string[] = [];
  plan.jobs.forEach((job, i) => {
    const { code, helpers: used } = compiled[i]!;
    for (const helper of used) helpers.add(helper);
    parts.push(`const ${job.purpose} = (() => {\n  const exports = {};\n${code}\n  return exports;\n})();\n`);
    for (const name of job.exports.map(([n]) => n).sort())
      exportLines.push(`export const ${name} = ${job.purpose}.${name};`);
  });
  const imports =
    helpers.size > 0 ? `import { ${[...helpers].sort().join(', ')} } from '@specfirst/runtime/validation';\n\n` : '';
  const allNames = plan.jobs.flatMap((job) => job.exports.map(([n]) => n)).sort();
  // ajv's output is machine-made JavaScript whose idioms (unused destructured options, `var`
  // re-declarations, coercion reassignments) trip lint rules; which ones depends on the schemas, so
  // the whole module opts out rather than listing rules that may go unused. Everything else that
  // sync writes, this module's `.d.ts` included, is linted in full.
  const lintNote = '/* eslint-disable -- ajv standalone output */\n';
  const js = `${lintNote}${imports}${parts.join('\n')}\n${exportLines.join('\n')}\n`;
  const dts =
    allNames.length === 0
      ? 'export {};\n'
      : `import type { CompiledValidator } from '@specfirst/runtime/validation';\n\n${allNames.map((n) => `export declare const ${n}: CompiledValidator;`).join('\n')}\n`;
  return { js, dts, names: plan.names };
}

/** Plans and compiles in this thread. */
export function emitValidators(ir: SpecIR, service: IRService): ValidatorModule {
  const plan = planValidators(ir, service);
  return assembleValidators(plan, plan.jobs.map(compileJob));
}

/** Models are known to ajv by their identifier, a safe URI segment whatever the model's name is. */
function modelId(models: ModelIndex, model: string, open: boolean, form: 'm' | 'r'): string {
  return `/${form}${open ? 'o' : ''}/${models.get(model)?.identifier ?? 'unknown'}`;
}

/** Requests use the request form of every model; responses too where it is {@link sharedModels shared}. */
function modeFor(purpose: 'request' | 'response', models: ModelIndex, shared: ReadonlySet<string>): JsonSchemaMode {
  return {
    purpose,
    ref: (model, open) => modelId(models, model, open, purpose === 'request' || shared.has(model) ? 'm' : 'r'),
  };
}

/** Path, query or header parameters as one object (keys as the spec names them). */
function parametersSchema(
  parameters: IRParameter[],
  models: ModelIndex,
  mode: JsonSchemaMode,
  allRequired: boolean,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const p of parameters) {
    // The runtime validates a `__proto__` parameter under another key, which ajv does look at.
    const key = parameterKey(p.name);
    Object.defineProperty(properties, key, { value: schemaToJsonSchema(p.schema, models, mode), enumerable: true });
    if (p.required || allRequired) required.push(key);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

/** Models referenced directly as a part of some `allOf`, anywhere in the spec. */
function allOfParts(ir: SpecIR): Set<string> {
  const parts = new Set<string>();
  walkIR(ir, {
    // Response headers' schemas are left out, as they always were here: only parameters, bodies and models count.
    enter: (_node, at) => (at.owner.kind === 'header' ? 'skip' : undefined),
    allOf: (node) => {
      for (const part of node.parts) if (part.kind === 'ref') parts.add(part.model);
    },
  });
  return parts;
}

/** Whether a schema names a property every object inherits (`constructor`, `toString`, `__proto__`...). */
function declaresInheritedName(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(declaresInheritedName);
  if (typeof schema !== 'object' || schema === null) return false;
  for (const [key, value] of Object.entries(schema)) {
    if (
      key === 'properties' &&
      typeof value === 'object' &&
      value !== null &&
      Object.keys(value).some((name) => name in Object.prototype)
    )
      return true;
    if (
      key === 'required' &&
      Array.isArray(value) &&
      value.some((name) => typeof name === 'string' && name in Object.prototype)
    )
      return true;
    if (declaresInheritedName(value)) return true;
  }
  return false;
}
