import { createRequire } from 'node:module';
import type { IROperation, IRParameter, IRSchema, IRService, SpecIR } from '@specfirst/spec-core';
import type { Ajv2020 as Ajv2020Class, Options as AjvOptions } from 'ajv/dist/2020.js';
import {
  indexModels,
  modelToJsonSchema,
  referencedModels,
  schemaToJsonSchema,
  type JsonSchema,
  type JsonSchemaMode,
  type ModelIndex,
} from '../json-schema.js';
import { isJsonContentType, responseKey } from './naming.js';

/**
 * `validators/<service>.js`: every request and response check of a service as ajv "standalone"
 * code, compiled now so the service compiles no schema when it starts. Three ajv set-ups, one per
 * purpose, end up in one module:
 * - parameters: strings from the URL and headers are coerced to the declared types, defaults filled in;
 * - bodies: JSON as sent (no coercion), defaults filled in, unknown keys refused unless the spec allows them;
 * - responses: checked as returned, nothing filled in (a check must not change the answer).
 */

type AjvClass = typeof Ajv2020Class;
type Ajv2020Type = InstanceType<AjvClass>;

// ajv and ajv-formats are CommonJS; requiring them avoids the default-export dance of ESM
// interop. They load on first use: a `sync` that finds its output current never needs them.
const require = createRequire(import.meta.url);
interface AjvModules {
  Ajv2020: AjvClass;
  addFormats: (ajv: Ajv2020Type) => void;
  standaloneCode: (ajv: Ajv2020Type, refs: Record<string, string>) => string;
  code: (strings: TemplateStringsArray) => unknown;
  knownFormats: Set<string>;
}
let loaded: AjvModules | undefined;
function ajvModules(): AjvModules {
  loaded ??= {
    Ajv2020: (require('ajv/dist/2020.js') as { default: AjvClass }).default,
    addFormats: (require('ajv-formats') as { default: (ajv: Ajv2020Type) => void }).default,
    standaloneCode: (require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv2020Type, refs: Record<string, string>) => string }).default,
    code: (require('ajv') as { _: (strings: TemplateStringsArray) => unknown })._,
    knownFormats: new Set(Object.keys((require('ajv-formats/dist/formats.js') as { fullFormats: object }).fullFormats)),
  };
  return loaded;
}

/** What ajv's output may `require`, and the runtime export standing in for it. */
const RUNTIME_HELPERS: Record<string, string> = {
  'require("ajv/dist/runtime/ucs2length").default': 'ucs2length',
  'require("ajv/dist/runtime/equal").default': 'equal',
  'require("ajv/dist/runtime/uri").default': 'uri',
  'require("ajv-formats/dist/formats").fullFormats': 'fullFormats',
};

export interface ValidatorModule {
  js: string;
  dts: string;
  /** Export names, by operation and part, for the router generator. */
  names: Map<string, OperationValidators>;
}

export interface OperationValidators {
  params?: string;
  query?: string;
  headers?: string;
  body?: string;
  /** By response key (`201`, `4XX`, `default`). */
  responses: Map<string, string>;
}

type Purpose = 'params' | 'bodies' | 'responses';

export function emitValidators(ir: SpecIR, service: IRService): ValidatorModule {
  const models = indexModels(ir);
  const exports: Record<Purpose, Map<string, JsonSchema>> = { params: new Map(), bodies: new Map(), responses: new Map() };
  const roots: Record<Purpose, IRSchema[]> = { params: [], bodies: [], responses: [] };
  const names = new Map<string, OperationValidators>();

  for (const op of service.operations) {
    const entry: OperationValidators = { responses: new Map() };
    names.set(op.operationId, entry);
    for (const [part, location] of [['params', 'path'], ['query', 'query'], ['headers', 'header']] as const) {
      const parameters = op.parameters.filter((p) => p.in === location);
      if (parameters.length === 0) continue;
      const name = `${op.identifier}${part[0]!.toUpperCase()}${part.slice(1)}`;
      exports.params.set(name, parametersSchema(parameters, models, location === 'path'));
      roots.params.push(...parameters.map((p) => p.schema));
      entry[part] = name;
    }
    if (op.body && isJsonContentType(op.body.contentType)) {
      const name = `${op.identifier}Body`;
      exports.bodies.set(name, schemaToJsonSchema(op.body.schema, models, modeFor('request', models)));
      roots.bodies.push(op.body.schema);
      entry.body = name;
    }
    for (const response of op.responses) {
      if (!response.schema || !isJsonContentType(response.contentType ?? 'application/json')) continue;
      const name = `${op.identifier}Response${responseKey(response.status)}`;
      exports.responses.set(name, schemaToJsonSchema(response.schema, models, modeFor('response', models)));
      roots.responses.push(response.schema);
      entry.responses.set(String(response.status), name);
    }
  }

  const parts: string[] = [];
  const helpers = new Set<string>();
  const exportLines: string[] = [];
  for (const purpose of ['params', 'bodies', 'responses'] as const) {
    if (exports[purpose].size === 0) continue;
    const code = compile(purpose, exports[purpose], referencedModels(roots[purpose], models), models, helpers);
    parts.push(`const ${purpose} = (() => {\n  const exports = {};\n${code}\n  return exports;\n})();\n`);
    for (const name of [...exports[purpose].keys()].sort()) exportLines.push(`export const ${name} = ${purpose}.${name};`);
  }
  const imports = helpers.size > 0 ? `import { ${[...helpers].sort().join(', ')} } from '@specfirst/runtime/validation';\n\n` : '';
  const allNames = [...Object.values(exports)].flatMap((m) => [...m.keys()]).sort();
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
  return { js, dts, names };
}

/** Models are known to ajv by their identifier, a safe URI segment whatever the model's name is. */
function modelId(models: ModelIndex, model: string, open: boolean): string {
  return `/${open ? 'o' : 'm'}/${models.get(model)?.identifier ?? 'unknown'}`;
}

function modeFor(purpose: 'request' | 'response', models: ModelIndex): JsonSchemaMode {
  return { purpose, ref: (model, open) => modelId(models, model, open) };
}

/** Path, query or header parameters as one object (keys as the spec names them). */
function parametersSchema(parameters: IRParameter[], models: ModelIndex, allRequired: boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const p of parameters) {
    Object.defineProperty(properties, p.name, { value: schemaToJsonSchema(p.schema, models, modeFor('request', models)), enumerable: true });
    if (p.required || allRequired) required.push(p.name);
  }
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
}

function ajvFor(purpose: Purpose, ownProperties: boolean): Ajv2020Type {
  const options: AjvOptions = {
    allErrors: true,
    // `constructor`, `toString`... are properties a spec may declare: then only own keys may
    // count, or every plain object would seem to carry them (inherited from Object.prototype).
    // The check costs a third of validation time, so it is on only where such a name occurs.
    ownProperties,
    // A model used by many operations is compiled once and called, not copied into each: the
    // module stays proportional to the spec (13 MB → far less on a 1,000-operation document).
    inlineRefs: false,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    useDefaults: purpose !== 'responses',
    coerceTypes: purpose === 'params' ? 'array' : false,
    code: { source: true, esm: false, lines: true, formats: ajvModules().code`require("ajv-formats/dist/formats").fullFormats` as never },
  };
  const ajv = new (ajvModules().Ajv2020)(options);
  ajvModules().addFormats(ajv);
  return ajv;
}

function compile(purpose: Purpose, schemas: Map<string, JsonSchema>, modelNames: string[], models: ModelIndex, helpers: Set<string>): string {
  const mode = modeFor(purpose === 'responses' ? 'response' : 'request', models);
  const modelSchemas = modelNames.flatMap((name) =>
    [false, true].map((open) => ({ id: modelId(models, name, open), schema: modelToJsonSchema(models.get(name)!, models, mode, open) })),
  );
  const all = [...modelSchemas.map((m) => m.schema), ...schemas.values()];
  const ajv = ajvFor(purpose, all.some(declaresInheritedName));
  const formats = new Set<string>();
  for (const { id, schema } of modelSchemas) {
    collectFormats(schema, formats);
    ajv.addSchema(typeof schema === 'boolean' ? schema : { ...schema, $id: id }, typeof schema === 'boolean' ? id : undefined);
  }
  // Each distinct schema is compiled once: a body that is just a model reference exports the
  // model's own validator, and operations with identical parameters share one function.
  const refs: Record<string, string> = {};
  const compiled = new Map<string, string>();
  for (const [name, schema] of schemas) {
    if (typeof schema === 'object' && Object.keys(schema).length === 1 && typeof schema.$ref === 'string') {
      refs[name] = schema.$ref;
      continue;
    }
    const key = JSON.stringify(schema);
    let id = compiled.get(key);
    if (id === undefined) {
      id = `/x/${name}`;
      compiled.set(key, id);
      collectFormats(schema, formats);
      ajv.addSchema(schema, id);
    }
    refs[name] = id;
  }
  // Formats ajv-formats does not know (`int32` is known; `phone` is not) are annotations, as JSON Schema says.
  for (const format of [...formats].sort()) if (!ajvModules().knownFormats.has(format)) ajv.addFormat(format, true);
  // ajv's standalone writer emits a function once per export name, so several names for one
  // schema would copy its code: export each schema once and alias the other names to it.
  const firstName = new Map<string, string>();
  const aliases: string[] = [];
  for (const [name, id] of Object.entries(refs)) {
    const first = firstName.get(id);
    if (first === undefined) firstName.set(id, name);
    else aliases.push(`exports.${name} = exports.${first};`);
  }
  let code = ajvModules().standaloneCode(ajv, Object.fromEntries([...firstName].map(([id, name]) => [name, id])));
  code = `${code.replace(/^"use strict";\s*/, '')}\n${aliases.join('\n')}`;
  code = code.replace(/require\("[^"]+"\)(?:\.\w+)?/g, (call) => {
    const helper = RUNTIME_HELPERS[call];
    if (helper === undefined) throw new Error(`ajv's standalone code needs ${call}, which @specfirst/runtime does not provide`);
    helpers.add(helper);
    return helper;
  });
  return indentCode(code);
}

/** Whether a schema names a property every object inherits (`constructor`, `toString`, `__proto__`...). */
function declaresInheritedName(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.some(declaresInheritedName);
  if (typeof schema !== 'object' || schema === null) return false;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && typeof value === 'object' && value !== null && Object.keys(value).some((name) => name in Object.prototype)) return true;
    if (key === 'required' && Array.isArray(value) && value.some((name) => typeof name === 'string' && name in Object.prototype)) return true;
    if (declaresInheritedName(value)) return true;
  }
  return false;
}

function collectFormats(schema: unknown, into: Set<string>): void {
  if (Array.isArray(schema)) {
    for (const item of schema) collectFormats(item, into);
  } else if (typeof schema === 'object' && schema !== null) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'format' && typeof value === 'string') into.add(value);
      else collectFormats(value, into);
    }
  }
}

function indentCode(code: string): string {
  return code
    .split('\n')
    .map((line) => (line === '' ? line : `  ${line}`))
    .join('\n');
}

export function operationNeedsValidators(op: IROperation): boolean {
  return op.parameters.length > 0 || op.body !== undefined || op.responses.some((r) => r.schema !== undefined);
}
