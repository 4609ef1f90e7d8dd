import { describe, expect, it } from 'vitest';
import { type IRObjectSchema, type IRProperty, type IRSchema, loadProjectSync, type SpecIR } from '../src/index.js';
import { tempProject } from './helpers.js';

/**
 * A `default` in our format: the server fills the value in when it is left out of a request, so it
 * is optional in `XCreate` and `XUpdate`, and always there in the read model `X` (it is stored).
 * An imported OpenAPI document keeps OpenAPI's meaning of `required`, default or not.
 */
const MODELS = `models:
  Account:
    properties:
      id: { type: string, readonly: true }
      name: string
      plan: { enum: [free, pro], default: free }
      nickname: string?
      locale: { type: string, default: en, optional: true }
      settings:
        properties:
          theme: { type: string, default: light }
          font: string?
      quota: Quota
  Quota:
    properties:
      limit: { type: integer, default: 10 }
`;

const OPENAPI = `openapi: 3.1.0
info: { title: Imported, version: '1' }
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: '#/components/schemas/Thing' }
components:
  schemas:
    Thing:
      type: object
      required: [name, size]
      properties:
        name: { type: string }
        size: { type: integer, default: 1 }
        color: { type: string, default: red }
`;

function load(): SpecIR {
  const root = tempProject({
    'specfirst.yaml': 'name: defaults\n',
    'spec/models.yaml': MODELS,
    'spec/services.yaml': 'services:\n  things:\n    type: http\n    port: 3000\n    openapi: things.yaml\n',
    'spec/things.yaml': OPENAPI,
  });
  const { ir, diagnostics } = loadProjectSync(root, { cache: false });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ir;
}

function objectOf(ir: SpecIR, model: string): IRObjectSchema {
  const found = ir.models.find((m) => m.name === model);
  if (found?.schema.kind !== 'object') throw new Error(`no object model ${model}`);
  return found.schema;
}

function propertyAt(schema: IRSchema, path: readonly string[]): IRProperty {
  let property: IRProperty | undefined;
  let at: IRSchema = schema;
  for (const name of path) {
    if (at.kind !== 'object') throw new Error(`${name}: not an object`);
    property = at.properties.find((p) => p.name === name);
    if (!property) throw new Error(`no property ${name}`);
    at = property.schema;
  }
  return property!;
}

describe('a property with a default', () => {
  const ir = load();

  it.each([
    // model, property path, required, why
    ['Account', 'plan', true, 'a default is stored: the read model always has it'],
    ['AccountCreate', 'plan', false, 'the server fills it in'],
    ['AccountUpdate', 'plan', false, 'a PATCH leaves it as it is'],
    ['Account', 'locale', false, '`optional: true` says so even with a default'],
    ['AccountCreate', 'locale', false, '`optional: true`'],
    ['Account', 'nickname', false, '`string?`'],
    ['Account', 'name', true, 'no default, not optional'],
    ['AccountCreate', 'name', true, 'no default, not optional'],
    ['Account', 'settings.theme', true, 'nested objects of a model follow the same rule'],
    ['AccountCreate', 'settings.theme', false, 'and are optional in the Create form'],
    ['Account', 'settings.font', false, '`string?` nested'],
    ['Quota', 'limit', true, 'a model with only a default'],
    ['QuotaCreate', 'limit', false, 'its Create form differs'],
    ['Thing', 'size', true, 'OpenAPI: in `required`'],
    ['ThingCreate', 'size', true, 'OpenAPI: `required` means required, default or not'],
    ['Thing', 'color', false, 'OpenAPI: not in `required`, default or not'],
  ] as [model: string, path: string, required: boolean, why: string][])(
    '%s.%s is required: %s (%s)',
    (model, path, required) => {
      expect(propertyAt(objectOf(ir, model), path.split('.')).required).toBe(required);
    },
  );

  it('keeps its default in the read model and the Create form, and drops it from the Update form', () => {
    expect(propertyAt(objectOf(ir, 'Account'), ['plan']).schema.default).toBe('free');
    expect(propertyAt(objectOf(ir, 'AccountCreate'), ['plan']).schema.default).toBe('free');
    expect(propertyAt(objectOf(ir, 'AccountUpdate'), ['plan']).schema.default).toBeUndefined();
  });

  it('makes a model that refers to a model with defaults refer to its Create form', () => {
    // QuotaCreate differs from Quota (its default is optional there), so AccountCreate uses it.
    const quota = propertyAt(objectOf(ir, 'AccountCreate'), ['quota']).schema;
    expect(quota).toMatchObject({ kind: 'ref', model: 'QuotaCreate' });
  });
});
