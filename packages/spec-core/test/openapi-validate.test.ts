import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProjectSync } from '../src/index.js';
import { tempProject } from './helpers.js';

/**
 * Imported documents are checked against the official OpenAPI 3.0 and 3.1 schemas: each mistake is
 * reported once, with our code, where it is written, and with what was expected.
 */
const BODY_PROPERTY = (type: string) => `
paths:
  /things:
    post:
      operationId: createThing
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                name:
                  type: ${type}
      responses:
        '204':
          description: created
`;
const PARAMETER = (where: string, extra = '') => `
paths:
  /things:
    get:
      operationId: listThings
      parameters:
        - name: thing
          in: ${where}
          schema: { type: string }${extra}
      responses:
        '204':
          description: none
`;
const HEAD = (version: string) => `openapi: ${version}\ninfo: { title: T, version: '1' }`;

function check(version: string, body: string) {
  const dir = tempProject({ 'openapi.yaml': `${HEAD(version)}${body}` });
  return loadProjectSync(path.join(dir, 'openapi.yaml'), { cache: false }).diagnostics.map((d) => ({
    code: d.code,
    line: d.line,
    column: d.column,
    message: d.message,
    hint: d.hint ?? '',
  }));
}

describe.each(['3.0.3', '3.1.0'])('OpenAPI %s', (version) => {
  it.each([
    ['a misspelt type in a request-body schema', BODY_PROPERTY('strin'), 14, 25, 'did you mean `string`?'],
    ['a type that is no JSON Schema type', BODY_PROPERTY('date'), 14, 25, '`type` must be one of `array`, `boolean`'],
    ['a parameter in the body (Swagger 2)', PARAMETER('body'), 9, 15, 'a body is a `requestBody`'],
    ['a parameter in a misspelt place', PARAMETER('querry'), 9, 15, 'did you mean `query`?'],
  ])('%s is one SF6005 where it is written, with the expected values', (_what, body, line, column, hint) => {
    const diagnostics = check(version, body);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'SF6005', line, column });
    expect(diagnostics[0]!.hint).toContain(hint);
  });

  it('an unknown key is SF6006, at the key, with the extension form as hint', () => {
    const diagnostics = check(version, PARAMETER('query', '\n          requird: true'));
    expect(diagnostics).toEqual([expect.objectContaining({ code: 'SF6006', line: 11, column: 11 })]);
    expect(diagnostics[0]!.message).toContain('`requird`');
    expect(diagnostics[0]!.hint).toContain('`x-requird`');
  });

  it('a missing required key is SF6007', () => {
    const diagnostics = check(
      version,
      PARAMETER('query').replace('        - name: thing\n', '        - description: no name\n'),
    );
    expect(diagnostics.map((d) => d.code)).toEqual(['SF6007']);
    expect(diagnostics[0]!.message).toContain('`name`');
  });

  it('valid types, in every place a schema may sit, give nothing', () => {
    for (const type of ['string', 'integer', 'number', 'boolean', 'array', 'object'])
      expect(
        check(version, BODY_PROPERTY(type === 'array' ? 'array\n                  items: { type: string }' : type)),
      ).toEqual([]);
    for (const where of ['query', 'header', 'cookie']) expect(check(version, PARAMETER(where))).toEqual([]);
  });
});

it('3.1 type lists are checked item by item', () => {
  const diagnostics = check('3.1.0', BODY_PROPERTY('[strng, "null"]'));
  expect(diagnostics).toEqual([expect.objectContaining({ code: 'SF6005', line: 14 })]);
  expect(diagnostics[0]!.hint).toContain('did you mean `string`?');
  expect(check('3.1.0', BODY_PROPERTY('[string, "null"]'))).toEqual([]);
});

it('a problem the importer explains itself is not reported twice', () => {
  const diagnostics = check(
    '3.0.3',
    BODY_PROPERTY('string')
      .replace(
        '            schema:\n              type: object',
        '            schema: Thing\n              # type: object',
      )
      .replace(/ {14}properties:[\s\S]*?type: string\n/, ''),
  );
  expect(diagnostics.map((d) => d.code)).toEqual(['SF1202']);
});
