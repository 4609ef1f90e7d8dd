import { createRequire } from 'node:module';
import type { Ajv2020 as Ajv2020Class, Options as AjvOptions } from 'ajv/dist/2020.js';
import type { JsonSchema } from '../json-schema.js';

/** One ajv compilation: JSON Schemas in, standalone JavaScript out. */

export type Purpose = 'params' | 'payloads';

export interface CompileJob {
  purpose: Purpose;
  /** Check own properties only: needed when a schema names an inherited one (`constructor`...). */
  ownProperties: boolean;
  /** Model schemas other schemas refer to, by `$id`. */
  models: { id: string; schema: JsonSchema }[];
  /** Export name → schema, in a fixed order. */
  exports: [string, JsonSchema][];
}

export interface CompiledJob {
  /** Statements that fill a local `exports` object (CommonJS style). */
  code: string;
  /** Exports of `@specfirst/runtime/validation` the code uses. */
  helpers: string[];
}

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
    standaloneCode: (
      require('ajv/dist/standalone/index.js') as { default: (ajv: Ajv2020Type, refs: Record<string, string>) => string }
    ).default,
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

function ajvFor(purpose: Purpose, ownProperties: boolean): Ajv2020Type {
  const options: AjvOptions = {
    allErrors: true,
    // `constructor`, `toString`... are properties a spec may declare: then only own keys may
    // count, or every plain object would seem to carry them (inherited from Object.prototype).
    // The check costs a third of validation time, so it is on only where such a name occurs.
    ownProperties,
    // A model used by many operations is compiled once and called, not copied into each: the
    // module stays proportional to the spec.
    inlineRefs: false,
    strict: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    // Response schemas carry no `default`, so filling in defaults only ever touches requests.
    useDefaults: true,
    coerceTypes: purpose === 'params' ? 'array' : false,
    // The schemas are made by json-schema.ts, not written by hand, and the OpenAPI tests check
    // them against the meta-schema; checking each again here cost a tenth of a large sync.
    validateSchema: false,
    code: {
      source: true,
      esm: false,
      lines: true,
      formats: ajvModules().code`require("ajv-formats/dist/formats").fullFormats` as never,
    },
  };
  const ajv = new (ajvModules().Ajv2020)(options);
  ajvModules().addFormats(ajv);
  return ajv;
}

export function compileJob(job: CompileJob): CompiledJob {
  const ajv = ajvFor(job.purpose, job.ownProperties);
  const formats = new Set<string>();
  for (const { id, schema } of job.models) {
    collectFormats(schema, formats);
    ajv.addSchema(
      typeof schema === 'boolean' ? schema : { ...schema, $id: id },
      typeof schema === 'boolean' ? id : undefined,
    );
  }
  // Each distinct schema is compiled once: a body that is just a model reference exports the
  // model's own validator, and operations with identical parameters share one function.
  const refs: Record<string, string> = {};
  const compiled = new Map<string, string>();
  for (const [name, schema] of job.exports) {
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
  const helpers = new Set<string>();
  code = code.replace(/require\("[^"]+"\)(?:\.\w+)?/g, (call) => {
    const helper = RUNTIME_HELPERS[call];
    if (helper === undefined)
      throw new Error(`ajv's standalone code needs ${call}, which @specfirst/runtime does not provide`);
    helpers.add(helper);
    return helper;
  });
  return { code, helpers: [...helpers].sort() };
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
