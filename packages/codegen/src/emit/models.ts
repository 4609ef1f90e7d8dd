import type { IRModel, SpecIR } from '@specfirst/spec-core';
import { indexModels } from '../json-schema.js';
import { print } from './doc.js';
import { comment } from './ts.js';
import { aliasDoc, interfaceDoc, objectMembers, typeOf, type TypeNaming } from './types.js';

/**
 * `models.ts`: one exported type per model and variant. Objects become interfaces; everything
 * else a type alias. It imports nothing and uses no global type a model could shadow except
 * `Record` (spec-core refuses models named after TypeScript built-ins).
 */
export function emitModels(ir: SpecIR): string {
  const models = indexModels(ir);
  const naming: TypeNaming = { models, modelType: (name) => models.get(name)!.identifier };
  return ir.models.map((model) => emitModel(model, naming)).join('\n');
}

function emitModel(model: IRModel, naming: TypeNaming): string {
  const lines = [model.description ?? model.schema.description];
  if (model.variant === 'create')
    lines.push(`Input that creates \`${model.variantOf}\`: read-only fields are left out.`);
  if (model.variant === 'update')
    lines.push(`A partial update of \`${model.variantOf}\`: every field is optional, read-only fields are left out.`);
  if (model.schema.deprecated) lines.push('@deprecated');
  const { schema } = model;
  if (schema.kind === 'object' && !schema.nullable && schema.properties.length > 0) {
    const members = objectMembers(schema, naming, {
      readonlyMarks: model.variant === 'model',
      writeonlyOptional: model.variant === 'model',
    });
    return print([comment(lines), interfaceDoc(`export interface ${model.identifier}`, members)]);
  }
  return print([comment(lines), `export type ${model.identifier}`, aliasDoc(typeOf(schema, naming)), ';']);
}
