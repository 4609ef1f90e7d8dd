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

/** Small documents that break the schema in one way each (after `openapi:`), and what the user is told. */
const INFO = "info: { title: T, version: '1' }\n";
const OK = `paths:\n  /a:\n    get:\n      responses:\n        '204':\n          description: none\n`;
const PARAM = (parameter: string) =>
  `${INFO}paths:\n  /a/{q}:\n    get:\n      parameters:\n        - ${parameter}\n      responses:\n        '204':\n          description: none\n`;
const SCHEMA = (schema: string) => `${INFO}${OK}components:\n  schemas:\n    A: ${schema}\n`;
const RESPONSE = (status: string, response: string) =>
  `${INFO}paths:\n  /a:\n    get:\n      responses:\n        '${status}': ${response}\n`;
const DOCS = {
  topUnknown: `${INFO}${OK}servers2: []\n`,
  infoMissingTitle: `info: { version: '1' }\n${OK}`,
  noPaths: INFO,
  pathsList: `${INFO}paths: []\n`,
  titleNumber: `info: { title: 5, version: '1' }\n${OK}`,
  titleList: `info: { title: [a], version: '1' }\n${OK}`,
  infoString: `info: hello\n${OK}`,
  response5: RESPONSE('204', '5'),
  responseNoDesc: RESPONSE('204', '{ content: {} }'),
  status600: RESPONSE('600', '{ description: x }'),
  badName: `${INFO}${OK}components:\n  schemas:\n    'bad name': { type: string }\n`,
  schemaType5: SCHEMA('{ type: 5 }'),
  schemaTypeList: SCHEMA('{ type: [strng, intger] }'),
  schemaRequiredEmpty: SCHEMA('{ type: object, required: [] }'),
  schemaNegativeLength: SCHEMA('{ type: string, maxLength: -1 }'),
  paramSchema5: PARAM('{ name: q, in: query, schema: 5 }'),
  paramInBody: PARAM('{ name: q, in: body, schema: { type: string } }'),
  paramIn5: PARAM('{ name: q, in: 5, schema: { type: string } }'),
  paramNoIn: PARAM('{ name: q, schema: { type: string } }'),
  paramPathNoRequired: PARAM('{ name: q, in: path, schema: { type: string } }'),
  paramPathOptional: PARAM('{ name: q, in: path, required: false, schema: { type: string } }'),
  paramQueryStyle: PARAM('{ name: q, in: query, style: weird, schema: { type: string } }'),
  paramStyleBody: PARAM('{ name: q, in: query, style: body, schema: { type: string } }'),
  paramBodyStyle: PARAM('{ name: q, in: body, style: weird, schema: { type: string } }'),
  paramSchemaAndContent: PARAM(
    "{ name: q, in: path, required: true, schema: { type: string }, content: { 'text/plain': {} } }",
  ),
};

/** `code line:column message | hint` of each OpenAPI schema diagnostic (SF6005-SF6007) of a document. */
function schemaDiagnostics(version: string, body: string): string[] {
  const dir = tempProject({ 'openapi.yaml': `openapi: ${version}\n${body}` });
  return loadProjectSync(path.join(dir, 'openapi.yaml'), { cache: false })
    .diagnostics.filter((d) => /^SF600[567]$/.test(d.code))
    .map((d) => `${d.code} ${d.line}:${d.column} ${d.message} | ${d.hint ?? ''}`);
}

it.each([
  [
    '3.0.3',
    'an unknown top-level key',
    DOCS.topUnknown,
    [
      'SF6006 9:1 unknown key `servers2` at the top level | OpenAPI 3.0 defines no `servers2` here: check its spelling and indentation, or write an extension as `x-servers2`',
    ],
  ],
  [
    '3.0.3',
    'an info without title',
    DOCS.infoMissingTitle,
    ['SF6007 2:1 missing required key `title` at info | OpenAPI 3.0 requires `title` here: add `title:`'],
  ],
  [
    '3.0.3',
    'a document without paths',
    DOCS.noPaths,
    ['SF6007 1:1 missing required key `paths` at the top level | OpenAPI 3.0 requires `paths` here: add `paths:`'],
  ],
  [
    '3.0.3',
    'paths written as a list',
    DOCS.pathsList,
    ['SF6005 3:8 expected a mapping, got a list at paths | OpenAPI 3.0 wants a mapping here'],
  ],
  [
    '3.0.3',
    'a number for a string',
    DOCS.titleNumber,
    ['SF6005 2:16 expected a string, got number 5 at info.title | OpenAPI 3.0 wants a string here'],
  ],
  [
    '3.0.3',
    'a list for a string',
    DOCS.titleList,
    ['SF6005 2:16 expected a string, got a list at info.title | OpenAPI 3.0 wants a string here'],
  ],
  [
    '3.0.3',
    'a string for a mapping',
    DOCS.infoString,
    ['SF6005 2:7 expected a mapping, got the string "hello" at info | OpenAPI 3.0 wants a mapping here'],
  ],
  [
    '3.0.3',
    'a number for a response',
    DOCS.response5,
    [
      'SF6005 7:16 number 5 matches none of the forms OpenAPI 3.0 allows at paths./a.get.responses.204 | expected a mapping',
    ],
  ],
  [
    '3.0.3',
    'a response without description',
    DOCS.responseNoDesc,
    [
      'SF6007 7:9 missing required key `description` at paths./a.get.responses.204 | OpenAPI 3.0 requires `description` here: add `description:`',
    ],
  ],
  [
    '3.0.3',
    'a status code out of range',
    DOCS.status600,
    [
      'SF6006 7:9 unknown key `600` at paths./a.get.responses | OpenAPI 3.0 defines no `600` here: check its spelling and indentation, or write an extension as `x-600`',
    ],
  ],
  [
    '3.0.3',
    'a number as a schema type',
    DOCS.schemaType5,
    [
      'SF6005 11:16 `5` is not a JSON Schema type at components.schemas.A.type | `type` must be one of `array`, `boolean`, `integer`, `number`, `object`, `string`',
    ],
  ],
  [
    '3.0.3',
    'misspelt types in a type list',
    DOCS.schemaTypeList,
    [
      'SF6005 11:16 `["strng","intger"]` is not a JSON Schema type at components.schemas.A.type | `type` must be one of `array`, `boolean`, `integer`, `number`, `object`, `string`',
    ],
  ],
  [
    '3.0.3',
    'an empty `required` list',
    DOCS.schemaRequiredEmpty,
    [
      'SF6005 11:34 must NOT have fewer than 1 items at components.schemas.A.required | see the OpenAPI 3.0 specification for `required`',
    ],
  ],
  [
    '3.0.3',
    'a negative `maxLength`',
    DOCS.schemaNegativeLength,
    ['SF6005 11:35 must be >= 0 at components.schemas.A.maxLength | see the OpenAPI 3.0 specification for `maxLength`'],
  ],
  [
    '3.0.3',
    'a number as a parameter schema',
    DOCS.paramSchema5,
    [
      'SF6005 7:41 number 5 matches none of the forms OpenAPI 3.0 allows at paths./a/{q}.get.parameters.0.schema | expected a mapping',
    ],
  ],
  [
    '3.0.3',
    'a parameter in the body (Swagger 2)',
    DOCS.paramInBody,
    [
      'SF6005 7:26 `body` is not allowed as `in` at paths./a/{q}.get.parameters.0.in | `in` must be one of `path`, `query`, `header`, `cookie` — a body is a `requestBody` of the operation, not a parameter (`in: body` was Swagger 2)',
    ],
  ],
  [
    '3.0.3',
    'a number as a parameter location',
    DOCS.paramIn5,
    [
      'SF6005 7:26 `5` is not allowed as `in` at paths./a/{q}.get.parameters.0.in | `in` must be one of `path`, `query`, `header`, `cookie`',
    ],
  ],
  [
    '3.0.3',
    'a parameter without `in`',
    DOCS.paramNoIn,
    [
      'SF6007 7:11 missing required key `in` at paths./a/{q}.get.parameters.0 | OpenAPI 3.0 requires `in` here: add `in:`',
    ],
  ],
  [
    '3.0.3',
    'a path parameter without `required`',
    DOCS.paramPathNoRequired,
    [
      'SF6007 7:11 missing required key `required` at paths./a/{q}.get.parameters.0 | OpenAPI 3.0 requires `required` here: add `required:`',
    ],
  ],
  [
    '3.0.3',
    'a path parameter with `required: false`',
    DOCS.paramPathOptional,
    [
      'SF6005 7:42 `false` is not allowed as `required` at paths./a/{q}.get.parameters.0.required | `required` must be `true`',
    ],
  ],
  [
    '3.0.3',
    'a query parameter with an unknown style',
    DOCS.paramQueryStyle,
    [
      'SF6005 7:40 `weird` is not allowed as `style` at paths./a/{q}.get.parameters.0.style | `style` must be one of `form`, `spaceDelimited`, `pipeDelimited`, `deepObject`',
    ],
  ],
  [
    '3.0.3',
    'a parameter with both `schema` and `content`',
    DOCS.paramSchemaAndContent,
    [
      'SF6005 7:11 a mapping fits more than one of the forms OpenAPI 3.0 allows at paths./a/{q}.get.parameters.0 | it must fit exactly one: see the OpenAPI 3.0 specification for `parameters`',
    ],
  ],
  [
    '3.1.0',
    'an unknown top-level key',
    DOCS.topUnknown,
    [
      'SF6006 9:1 unknown key `servers2` at the top level | OpenAPI 3.1 defines no `servers2` here: check its spelling and indentation, or write an extension as `x-servers2`',
    ],
  ],
  [
    '3.1.0',
    'an info without title',
    DOCS.infoMissingTitle,
    ['SF6007 2:1 missing required key `title` at info | OpenAPI 3.1 requires `title` here: add `title:`'],
  ],
  [
    '3.1.0',
    'a document without paths',
    DOCS.noPaths,
    [
      'SF6005 1:1 a mapping matches none of the forms OpenAPI 3.1 allows at the top level | expected a mapping with `paths`, or a mapping with `components`, or a mapping with `webhooks`',
    ],
  ],
  [
    '3.1.0',
    'paths written as a list',
    DOCS.pathsList,
    ['SF6005 3:8 expected a mapping, got a list at paths | OpenAPI 3.1 wants a mapping here'],
  ],
  [
    '3.1.0',
    'a number for a string',
    DOCS.titleNumber,
    ['SF6005 2:16 expected a string, got number 5 at info.title | OpenAPI 3.1 wants a string here'],
  ],
  [
    '3.1.0',
    'a list for a string',
    DOCS.titleList,
    ['SF6005 2:16 expected a string, got a list at info.title | OpenAPI 3.1 wants a string here'],
  ],
  [
    '3.1.0',
    'a string for a mapping',
    DOCS.infoString,
    ['SF6005 2:7 expected a mapping, got the string "hello" at info | OpenAPI 3.1 wants a mapping here'],
  ],
  [
    '3.1.0',
    'a number for a response',
    DOCS.response5,
    ['SF6005 7:16 expected a mapping, got number 5 at paths./a.get.responses.204 | OpenAPI 3.1 wants a mapping here'],
  ],
  [
    '3.1.0',
    'a response without description',
    DOCS.responseNoDesc,
    [
      'SF6007 7:9 missing required key `description` at paths./a.get.responses.204 | OpenAPI 3.1 requires `description` here: add `description:`',
    ],
  ],
  [
    '3.1.0',
    'a status code out of range',
    DOCS.status600,
    [
      'SF6006 7:9 unknown key `600` at paths./a.get.responses | OpenAPI 3.1 defines no `600` here: check its spelling and indentation, or write an extension as `x-600`',
    ],
  ],
  [
    '3.1.0',
    'a component name with a space',
    DOCS.badName,
    [
      'SF6005 11:5 name `bad name` is not allowed at components.schemas | OpenAPI 3.1 allows names of letters, digits, `.`, `_` and `-` here',
    ],
  ],
  [
    '3.1.0',
    'a number as a schema type',
    DOCS.schemaType5,
    [
      'SF6005 11:16 number 5 is not a JSON Schema type at components.schemas.A.type | `type` must be one of `array`, `boolean`, `integer`, `null`, `number`, `object`, `string`, or a list of them',
    ],
  ],
  [
    '3.1.0',
    'misspelt types in a type list',
    DOCS.schemaTypeList,
    [
      'SF6005 11:17 `strng` is not a JSON Schema type at components.schemas.A.type.0 | `type` must be one of `array`, `boolean`, `integer`, `null`, `number`, `object`, `string` — did you mean `string`?',
      'SF6005 11:24 `intger` is not a JSON Schema type at components.schemas.A.type.1 | `type` must be one of `array`, `boolean`, `integer`, `null`, `number`, `object`, `string` — did you mean `integer`?',
    ],
  ],
  [
    '3.1.0',
    'a number as a parameter schema',
    DOCS.paramSchema5,
    [
      'SF6005 7:41 expected a mapping or a boolean, got number 5 at paths./a/{q}.get.parameters.0.schema | OpenAPI 3.1 wants a mapping or a boolean here',
    ],
  ],
  [
    '3.1.0',
    'a parameter in the body (Swagger 2)',
    DOCS.paramInBody,
    [
      'SF6005 7:26 `body` is not allowed as `in` at paths./a/{q}.get.parameters.0.in | `in` must be one of `query`, `header`, `path`, `cookie` — a body is a `requestBody` of the operation, not a parameter (`in: body` was Swagger 2)',
    ],
  ],
  [
    '3.1.0',
    'a number as a parameter location',
    DOCS.paramIn5,
    [
      'SF6005 7:26 `5` is not allowed as `in` at paths./a/{q}.get.parameters.0.in | `in` must be one of `query`, `header`, `path`, `cookie`',
    ],
  ],
  [
    '3.1.0',
    'a parameter without `in`',
    DOCS.paramNoIn,
    [
      'SF6007 7:11 missing required key `in` at paths./a/{q}.get.parameters.0 | OpenAPI 3.1 requires `in` here: add `in:`',
    ],
  ],
  [
    '3.1.0',
    'a path parameter without `required`',
    DOCS.paramPathNoRequired,
    [
      'SF6007 7:11 missing required key `required` at paths./a/{q}.get.parameters.0 | OpenAPI 3.1 requires `required` here: add `required:`',
    ],
  ],
  [
    '3.1.0',
    'a path parameter with `required: false`',
    DOCS.paramPathOptional,
    [
      'SF6005 7:42 `false` is not allowed as `required` at paths./a/{q}.get.parameters.0.required | `required` must be `true`',
    ],
  ],
  [
    '3.1.0',
    'a query parameter with an unknown style',
    DOCS.paramQueryStyle,
    [
      'SF6006 7:33 unknown key `style` at paths./a/{q}.get.parameters.0 | OpenAPI 3.1 defines no `style` here: check its spelling and indentation, or write an extension as `x-style`',
      'SF6005 7:40 `weird` is not allowed as `style` at paths./a/{q}.get.parameters.0.style | `style` must be one of `form`, `spaceDelimited`, `pipeDelimited`, `deepObject`',
    ],
  ],
  [
    '3.1.0',
    'a parameter with both `schema` and `content`',
    DOCS.paramSchemaAndContent,
    [
      'SF6005 7:11 a mapping fits more than one of the forms OpenAPI 3.1 allows at paths./a/{q}.get.parameters.0 | it must fit exactly one: see the OpenAPI 3.1 specification for `parameters`',
    ],
  ],
  [
    '3.0.3',
    'a query parameter with style `body`',
    DOCS.paramStyleBody,
    [
      'SF6005 7:40 `body` is not allowed as `style` at paths./a/{q}.get.parameters.0.style | `style` must be one of `form`, `spaceDelimited`, `pipeDelimited`, `deepObject`',
    ],
  ],
  [
    '3.0.3',
    'a parameter in the body with an unknown style',
    DOCS.paramBodyStyle,
    [
      'SF6005 7:26 `body` is not allowed as `in` at paths./a/{q}.get.parameters.0.in | `in` must be one of `path`, `query`, `header`, `cookie` — a body is a `requestBody` of the operation, not a parameter (`in: body` was Swagger 2)',
      'SF6005 7:39 `weird` is not allowed as `style` at paths./a/{q}.get.parameters.0.style | `style` must be one of `matrix`, `label`, `simple`, `form`, `spaceDelimited`, `pipeDelimited`, `deepObject`',
    ],
  ],
  [
    '3.1.0',
    'a query parameter with style `body`',
    DOCS.paramStyleBody,
    [
      'SF6006 7:33 unknown key `style` at paths./a/{q}.get.parameters.0 | OpenAPI 3.1 defines no `style` here: check its spelling and indentation, or write an extension as `x-style`',
      'SF6005 7:40 `body` is not allowed as `style` at paths./a/{q}.get.parameters.0.style | `style` must be one of `form`, `spaceDelimited`, `pipeDelimited`, `deepObject`',
    ],
  ],
  [
    '3.1.0',
    'a parameter in the body with an unknown style',
    DOCS.paramBodyStyle,
    [
      'SF6005 7:26 `body` is not allowed as `in` at paths./a/{q}.get.parameters.0.in | `in` must be one of `query`, `header`, `path`, `cookie` — a body is a `requestBody` of the operation, not a parameter (`in: body` was Swagger 2)',
    ],
  ],
] as [string, string, string, string[]][])(
  'OpenAPI %s, %s: exactly the code, place, message and hint the user reads',
  (version, _what, body, expected) => {
    expect(schemaDiagnostics(version, body)).toEqual(expected);
  },
);
