/**
 * The OpenAPI importer as a user meets it: a document (and the files its `$ref`s reach) in, the
 * IR and located diagnostics out, through the package's entry. Each table row is a small document
 * and what a user would read from the result.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Diagnostic, type IROperation, type IRService, loadProjectSync } from '../src/index.js';
import { lineOf, tempProject } from './helpers.js';

/** Loads `files[entry]` as an OpenAPI document. */
function load(files: Record<string, string>, entry = 'api.yaml') {
  const dir = tempProject(files);
  return loadProjectSync(path.join(dir, entry), { cache: false });
}

/** `SF6003 api.yaml:7 message`: what a user reads of a diagnostic. */
function said(d: Diagnostic): string {
  return `${d.code} ${d.file}:${d.line} ${d.message}`;
}

/**
 * The diagnostics of the importer itself. Documents of the tests that use this are malformed on
 * purpose, to show what the importer makes of them; the check against the official schema reports
 * them as well (SF6005–SF6007, tested in openapi-validate.test.ts).
 */
function fromImporter(result: ReturnType<typeof load>): Diagnostic[] {
  return result.diagnostics.filter((d) => !['SF6005', 'SF6006', 'SF6007'].includes(d.code));
}

const HEAD = "openapi: 3.1.0\ninfo: { title: T, version: '1' }\n";

/** A document with one `get /a` whose 200 response has `schema`, plus `components`. */
function withSchema(schema: string, components = ''): string {
  return `${HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n        '200':\n          description: ok\n          content: { application/json: { schema: ${schema} } }\n${components}`;
}

function onlyService(result: ReturnType<typeof load>): IRService {
  expect(result.ir.services).toHaveLength(1);
  return result.ir.services[0]!;
}

function operation(result: ReturnType<typeof load>, operationId: string): IROperation {
  const found = onlyService(result).operations.find((o) => o.operationId === operationId);
  if (!found)
    throw new Error(
      `no operation ${operationId}: ${onlyService(result)
        .operations.map((o) => o.operationId)
        .join(', ')}`,
    );
  return found;
}

describe('which documents are OpenAPI', () => {
  it.each<[string, string, string[], string | undefined]>([
    [
      'a list, not a mapping',
      '- openapi\n- 3.1.0\n',
      ['SF6004 api.yaml:1 not an OpenAPI document: expected a mapping with an `openapi` key'],
      'an OpenAPI document starts with `openapi: 3.1.0` (or 3.0.x)',
    ],
    [
      'Swagger 2',
      "swagger: '2.0'\ninfo: { title: T, version: '1' }\npaths: {}\n",
      ['SF6001 api.yaml:1 Swagger 2.0 is not supported; SpecFirst reads OpenAPI 3.0 and 3.1'],
      'convert the document to OpenAPI 3 first, e.g. with `npx swagger2openapi in.yaml -o out.yaml`',
    ],
    [
      'no openapi key',
      "info: { title: T, version: '1' }\npaths: {}\n",
      ['SF6004 api.yaml:1 not an OpenAPI document: the `openapi` key is missing'],
      'add `openapi: 3.1.0` at the top',
    ],
    [
      'a number for a version',
      'info: { title: T }\nopenapi: 3.1\npaths: {}\n',
      ['SF6001 api.yaml:2 OpenAPI version 3.1 is not supported; SpecFirst reads 3.0.x and 3.1.x'],
      'quote the version: `openapi: "3.1.0"`',
    ],
    [
      'OpenAPI 3.2',
      "info: { title: T }\nopenapi: '3.2.0'\npaths: {}\n",
      ['SF6001 api.yaml:2 OpenAPI version "3.2.0" is not supported; SpecFirst reads 3.0.x and 3.1.x'],
      'use `openapi: 3.1.0`',
    ],
    [
      'a version with a prefix',
      "openapi: 'v3.1.0'\npaths: {}\n",
      ['SF6001 api.yaml:1 OpenAPI version "v3.1.0" is not supported; SpecFirst reads 3.0.x and 3.1.x'],
      'use `openapi: 3.1.0`',
    ],
    [
      'a version with a suffix',
      "openapi: '3.1.0x'\npaths: {}\n",
      ['SF6001 api.yaml:1 OpenAPI version "3.1.0x" is not supported; SpecFirst reads 3.0.x and 3.1.x'],
      'use `openapi: 3.1.0`',
    ],
    [
      'a version without a patch',
      "openapi: '3.1'\npaths: {}\n",
      ['SF6001 api.yaml:1 OpenAPI version "3.1" is not supported; SpecFirst reads 3.0.x and 3.1.x'],
      'use `openapi: 3.1.0`',
    ],
    ['3.0.3', "openapi: 3.0.3\ninfo: { title: T, version: '1' }\npaths: {}\n", [], undefined],
    ['a pre-release of 3.1', "openapi: 3.1.0-rc1\ninfo: { title: T, version: '1' }\npaths: {}\n", [], undefined],
    ['3.1.12', "openapi: 3.1.12\ninfo: { title: T, version: '1' }\npaths: {}\n", [], undefined],
  ])('%s', (_case, text, diagnostics, hint) => {
    const result = load({ 'api.yaml': text });
    expect(result.diagnostics.map(said)).toEqual(diagnostics);
    expect(result.diagnostics[0]?.hint).toBe(hint);
    if (diagnostics.length === 0) expect(onlyService(result).name).toBe('api');
  });
});

describe('$refs that cannot be followed', () => {
  const byName = withSchema(
    "{ $ref: '#/components/schemas/Pett' }",
    'components:\n  schemas:\n    Pet: { type: object }\n    Owner: { type: object }\n',
  );
  it.each<[string, Record<string, string>, string[], (string | undefined)[]]>([
    [
      'a remote URL',
      { 'api.yaml': withSchema("{ $ref: 'https://example.test/pet.yaml' }") },
      [
        'SF6002 api.yaml:10 remote $ref `https://example.test/pet.yaml` refused: SpecFirst never fetches specs over the network',
      ],
      ['download the file into the project and refer to it by a relative path'],
    ],
    [
      'a protocol-relative URL',
      { 'api.yaml': withSchema("{ $ref: '//example.test/pet.yaml' }") },
      [
        'SF6002 api.yaml:10 remote $ref `//example.test/pet.yaml` refused: SpecFirst never fetches specs over the network',
      ],
      ['download the file into the project and refer to it by a relative path'],
    ],
    [
      'a URN',
      { 'api.yaml': withSchema("{ $ref: 'urn:pet' }") },
      ['SF6002 api.yaml:10 remote $ref `urn:pet` refused: SpecFirst never fetches specs over the network'],
      ['download the file into the project and refer to it by a relative path'],
    ],
    [
      'a malformed %-escape in the file name',
      { 'api.yaml': withSchema("{ $ref: 'pet%zz.yaml' }") },
      ['SF6003 api.yaml:10 cannot resolve $ref `pet%zz.yaml`: malformed %-escape in the file name'],
      ['write `%25` for a literal `%`'],
    ],
    [
      'a missing file',
      { 'api.yaml': withSchema("{ $ref: 'pet.yaml' }") },
      ['SF0002 api.yaml:10 $ref target `pet.yaml`: file not found'],
      ['check the path; it is relative to the file that names it'],
    ],
    [
      'a name that is not there',
      { 'api.yaml': byName },
      [
        'SF6003 api.yaml:10 cannot resolve $ref `#/components/schemas/Pett`: `Pett` does not exist under `/components/schemas`',
      ],
      ['did you mean `Pet`?'],
    ],
    [
      'a top-level key that is not there',
      { 'api.yaml': withSchema("{ $ref: '#/definitions/Pet' }") },
      ['SF6003 api.yaml:10 cannot resolve $ref `#/definitions/Pet`: `definitions` does not exist'],
      ['known keys: `info`, `openapi`, `paths`'],
    ],
    [
      'a pointer into a string',
      { 'api.yaml': withSchema("{ $ref: '#/info/title/x' }") },
      ['SF6003 api.yaml:10 cannot resolve $ref `#/info/title/x`: `x` does not exist under `/info/title`'],
      ['check the JSON pointer'],
    ],
    [
      'a fragment that is no pointer',
      { 'api.yaml': withSchema("{ $ref: '#Pet' }") },
      ['SF6003 api.yaml:10 cannot resolve $ref `#Pet`: the fragment must be a JSON pointer starting with `/`'],
      ['e.g. `#/components/schemas/User`'],
    ],
    [
      'a malformed %-escape in the pointer',
      {
        'api.yaml': withSchema(
          "{ $ref: '#/components/schemas/P%zz' }",
          'components:\n  schemas:\n    Pet: { type: object }\n',
        ),
      },
      ['SF6003 api.yaml:10 cannot resolve $ref `#/components/schemas/P%zz`: malformed %-escape in `P%zz`'],
      ['write `%25` for a literal `%`'],
    ],
    [
      'a name that is not there, in another file',
      { 'api.yaml': withSchema("{ $ref: 'models.yaml#/Pett' }"), 'models.yaml': 'Pet: { type: object }\n' },
      ['SF6003 api.yaml:10 cannot resolve $ref `models.yaml#/Pett`: `Pett` does not exist'],
      ['did you mean `Pet`?'],
    ],
  ])('%s', (_case, files, diagnostics, hints) => {
    const result = load(files);
    expect(result.diagnostics.map(said)).toEqual(diagnostics);
    expect(result.diagnostics.map((d) => d.hint)).toEqual(hints);
    // The operation is still there; what the $ref stood for is left open.
    expect(operation(result, 'getA').responses[0]!.schema).toMatchObject({ kind: 'any' });
  });

  it('refuses a file outside the project root, where the $ref is written', () => {
    const result = load(
      { 'api/api.yaml': withSchema("{ $ref: '../secret.yaml' }"), 'secret.yaml': 'type: object\n' },
      'api/api.yaml',
    );
    expect(result.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([['SF0004', 'api.yaml', 10]]);
  });

  it('names each $ref chain that loops, and one longer than 32 hops', () => {
    const hops = Array.from(
      { length: 34 },
      (_, i) => `    P${i}: { $ref: '#/components/parameters/P${i + 1}' }\n`,
    ).join('');
    const text = `${HEAD}paths:
  /a:
    get:
      operationId: getA
      parameters:
        - $ref: '#/components/parameters/Loop'
        - $ref: '#/components/parameters/P0'
        - $ref: '#/components/parameters/Fine'
      responses: { '204': { description: none } }
components:
  parameters:
    Loop: { $ref: '#/components/parameters/Back' }
    Back: { $ref: '#/components/parameters/Loop' }
    Fine: { $ref: '#/components/parameters/Real' }
    Real: { name: q, in: query, schema: { type: string } }
${hops}    P34: { name: deep, in: query, schema: { type: string } }
`;
    const result = load({ 'api.yaml': text });
    expect(result.diagnostics.map((d) => `${d.code} ${d.line} ${d.message}`)).toEqual([
      `SF2002 ${lineOf(text, '    Loop:')} $ref chain loops back on itself at \`/components/parameters/Loop\``,
      `SF1004 ${lineOf(text, '    P31:')} $ref chain longer than 32 hops`,
    ]);
    expect(result.diagnostics.map((d) => d.hint)).toEqual([
      'point the $ref at the object itself',
      'point the $ref at the object itself instead of at another $ref',
    ]);
    expect(operation(result, 'getA').parameters.map((p) => p.name)).toEqual(['q']);
  });

  it('follows a chain of exactly 32 hops', () => {
    const hops = Array.from(
      { length: 31 },
      (_, i) => `    P${i}: { $ref: '#/components/parameters/P${i + 1}' }\n`,
    ).join('');
    const text = `${HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      parameters: [{ $ref: '#/components/parameters/P0' }]\n      responses: { '204': { description: none } }\ncomponents:\n  parameters:\n${hops}    P31: { name: deep, in: query, schema: { type: string } }\n`;
    const result = load({ 'api.yaml': text });
    expect(result.diagnostics).toEqual([]);
    expect(operation(result, 'getA').parameters.map((p) => p.name)).toEqual(['deep']);
  });
});

describe('schemas reached through $refs', () => {
  it.each<[string, Record<string, string>, unknown]>([
    [
      'a model under components/schemas is a reference',
      {
        'api.yaml': withSchema(
          "{ $ref: '#/components/schemas/Pet' }",
          'components:\n  schemas:\n    Pet: { type: object }\n',
        ),
      },
      { kind: 'ref', model: 'Pet' },
    ],
    [
      'a %-escaped and ~-escaped model name',
      {
        'api.yaml': withSchema(
          "{ $ref: '#/components/schemas/Pet%20Owner' }",
          'components:\n  schemas:\n    Pet Owner: { type: object }\n',
        ),
      },
      { kind: 'ref', model: 'Pet Owner' },
    ],
    [
      'a whole file is a model named after the file',
      { 'api.yaml': withSchema("{ $ref: 'schemas/pet-owner.yaml' }"), 'schemas/pet-owner.yaml': 'type: object\n' },
      { kind: 'ref', model: 'PetOwner' },
    ],
    [
      'a file in a folder with a %-escaped name',
      { 'api.yaml': withSchema("{ $ref: 'my%20schemas/pet.yaml' }"), 'my schemas/pet.yaml': 'type: object\n' },
      { kind: 'ref', model: 'Pet' },
    ],
    [
      'a schema elsewhere is copied in',
      {
        'api.yaml': withSchema(
          "{ $ref: '#/x-shapes/pet' }",
          'x-shapes:\n  pet: { type: string, description: inner }\n',
        ),
      },
      { kind: 'string', description: 'inner' },
    ],
    [
      'a schema inside an array',
      { 'api.yaml': withSchema("{ $ref: '#/x-shapes/0' }", 'x-shapes:\n  - { type: integer }\n') },
      { kind: 'integer' },
    ],
    [
      'a ~1-escaped key',
      { 'api.yaml': withSchema("{ $ref: '#/x-shapes/a~1b' }", "x-shapes:\n  'a/b': { type: boolean }\n") },
      { kind: 'boolean' },
    ],
    [
      'siblings of $ref refine the copy: description and nullable',
      {
        'api.yaml': withSchema(
          "{ $ref: '#/x-shapes/pet', description: outer, nullable: true }",
          'x-shapes:\n  pet: { type: string, description: inner }\n',
        ).replace('openapi: 3.1.0', 'openapi: 3.0.3'),
      },
      { kind: 'string', description: 'outer', nullable: true },
    ],
  ])('%s', (_case, files, schema) => {
    const result = load(files);
    expect(fromImporter(result)).toEqual([]);
    expect(operation(result, 'getA').responses[0]!.schema).toMatchObject(schema as object);
  });

  it('places a model reference at the $ref, and the model where it is declared', () => {
    const text = withSchema(
      "{ $ref: '#/components/schemas/Pet' }",
      'components:\n  schemas:\n    Pet:\n      type: object\n      description: A pet.\n',
    );
    const result = load({ 'api.yaml': text });
    expect(operation(result, 'getA').responses[0]!.schema).toMatchObject({
      kind: 'ref',
      model: 'Pet',
      loc: { file: 'api.yaml', line: 10 },
    });
    const pet = result.ir.models.find((m) => m.name === 'Pet')!;
    expect(pet).toMatchObject({
      identifier: 'Pet',
      description: 'A pet.',
      loc: { file: 'api.yaml', line: lineOf(text, '    Pet:') },
    });
  });

  it('declares a model reached from two places once', () => {
    const text = withSchema("{ $ref: 'pet.yaml' }", '').replace(
      'responses:',
      "parameters: [{ name: p, in: query, schema: { $ref: 'pet.yaml' } }]\n      responses:",
    );
    const result = load({ 'api.yaml': text, 'pet.yaml': 'type: string\n' });
    expect(result.diagnostics).toEqual([]);
    expect(result.ir.models.filter((m) => m.variant === 'model').map((m) => m.name)).toEqual(['Pet']);
  });

  it('refuses a copy that contains itself, at the $ref that closes the cycle', () => {
    const text = withSchema(
      "{ $ref: '#/x-shapes/node' }",
      "x-shapes:\n  node:\n    type: object\n    properties:\n      next: { $ref: '#/x-shapes/node' }\n",
    );
    const result = load({ 'api.yaml': text });
    expect(result.diagnostics.map(said)).toEqual([
      `SF2002 api.yaml:${lineOf(text, 'next:')} $ref \`#/x-shapes/node\` refers back to a schema that contains it, and no named model breaks the cycle`,
    ]);
    expect(result.diagnostics[0]!.hint).toBe(
      'move the recursive schema under `components/schemas` so it becomes a named model',
    );
  });

  it('copies the same schema twice side by side without calling it a cycle', () => {
    const text = withSchema(
      "{ type: object, properties: { a: { $ref: '#/x-shapes/s' }, b: { $ref: '#/x-shapes/s' } } }",
      'x-shapes:\n  s: { type: string }\n',
    );
    const result = load({ 'api.yaml': text });
    expect(result.diagnostics).toEqual([]);
    expect(operation(result, 'getA').responses[0]!.schema).toMatchObject({
      kind: 'object',
      properties: [
        { name: 'a', schema: { kind: 'string' } },
        { name: 'b', schema: { kind: 'string' } },
      ],
    });
  });

  it('stops copying 64 levels deep, once', () => {
    const levels = Array.from(
      { length: 70 },
      (_, i) => `  s${i}: { type: object, properties: { inner: { $ref: '#/x-shapes/s${i + 1}' } } }\n`,
    ).join('');
    const text = withSchema("{ $ref: '#/x-shapes/s0' }", `x-shapes:\n${levels}  s70: { type: string }\n`);
    const result = load({ 'api.yaml': text });
    expect(result.diagnostics.map(said)).toEqual([
      `SF1004 api.yaml:${lineOf(text, '  s63:')} $ref \`#/x-shapes/s64\` inlines schemas more than 64 levels deep`,
    ]);
    expect(result.diagnostics[0]!.hint).toBe(
      'move the schemas it reaches under `components/schemas`, so they are referenced by name instead of copied',
    );
  });

  it('stops copying after 20,000 copies, and says so once', () => {
    // Each level refers twice to the next: 2^15 copies in all.
    const levels = Array.from(
      { length: 15 },
      (_, i) =>
        `  s${i}: { type: object, properties: { a: { $ref: '#/x-shapes/s${i + 1}' }, b: { $ref: '#/x-shapes/s${i + 1}' } } }\n`,
    ).join('');
    const text = withSchema("{ $ref: '#/x-shapes/s0' }", `x-shapes:\n${levels}  s15: { type: string }\n`);
    const result = load({ 'api.yaml': text });
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      expect.stringMatching(/^SF1003 \$ref `#\/x-shapes\/s\d+` inlines schemas more than 20000 times$/),
    ]);
  });

  it('names a model whose name cannot become a type, and still declares it', () => {
    const text = withSchema(
      "{ $ref: '#/components/schemas/1pet' }",
      'components:\n  schemas:\n    1pet: { type: object }\n',
    );
    const result = load({ 'api.yaml': text });
    expect(result.diagnostics.map(said)).toEqual([
      `SF2005 api.yaml:${lineOf(text, '1pet:')} schema name \`1pet\` cannot become a TypeScript type name`,
    ]);
    expect(result.diagnostics[0]!.hint).toBe('rename it to start with a letter, e.g. `Model1pet`');
    expect(result.ir.models.find((m) => m.name === '1pet')).toMatchObject({ identifier: 'Model1' });
  });
});

describe('operations', () => {
  const doc = `${HEAD}paths:
  /users/{id}/posts:
    parameters:
      - { name: id, in: path, required: true, schema: { type: string } }
      - { name: X-Trace, in: header, schema: { type: string }, description: Trace id., deprecated: true }
    get:
      responses: { '200': { description: ok } }
    post:
      operationId: ''
      summary: Adds a post.
      description: Long text.
      deprecated: true
      tags: [7, Posts]
      parameters:
        - { name: X-Trace, in: cookie, schema: { type: integer } }
        - { name: id, in: path, required: true, schema: { type: integer } }
      responses: { '201': { description: made } }
    put:
      operationId: 42put
      responses: { '200': { description: ok } }
    patch:
      operationId: editPost
      deprecated: 'yes'
      tags: [Posts, Other]
      responses: { '200': { description: ok } }
    x-other: { operationId: ignored }
`;

  it('derives missing operationIds, keeps summaries and deprecation, and refuses one that cannot be a method', () => {
    const result = load({ 'api.yaml': doc });
    expect(fromImporter(result).map(said)).toEqual([
      `SF2005 api.yaml:${lineOf(doc, '42put')} operationId \`42put\` cannot become a method name`,
    ]);
    expect(fromImporter(result)[0]!.hint).toBe('use letters and digits, starting with a letter, e.g. `getUser`');
    const service = onlyService(result);
    expect(
      service.operations.map((o) => `${o.method} ${o.operationId} ${o.identifier} ${o.tag} ${o.deprecated}`),
    ).toEqual([
      'get getUsersIdPosts getUsersIdPosts default false',
      'post postUsersIdPosts postUsersIdPosts default true',
      'patch editPost editPost Posts false',
    ]);
    const post = operation(result, 'postUsersIdPosts');
    expect(post).toMatchObject({ summary: 'Adds a post.', description: 'Long text.', expressPath: '/users/:id/posts' });
    const get = operation(result, 'getUsersIdPosts');
    expect(get).not.toHaveProperty('summary');
    expect(get).not.toHaveProperty('description');
    expect(get).not.toHaveProperty('body');
  });

  it('overrides a path-level parameter only with the same name and location', () => {
    const result = load({ 'api.yaml': doc });
    const post = operation(result, 'postUsersIdPosts');
    expect(post.parameters.map((p) => `${p.in}:${p.name}:${p.schema.kind}:${p.required}`)).toEqual([
      'header:X-Trace:string:false',
      'cookie:X-Trace:integer:false',
      'path:id:integer:true',
    ]);
    const get = operation(result, 'getUsersIdPosts');
    expect(get.parameters[1]).toMatchObject({
      name: 'X-Trace',
      description: 'Trace id.',
      deprecated: true,
      loc: { line: lineOf(doc, 'name: X-Trace, in: header') },
    });
    expect(get.parameters[0]).not.toHaveProperty('description');
    expect(get.parameters[0]).not.toHaveProperty('deprecated');
  });

  it('groups operations by their first tag, with the descriptions of the top-level tags', () => {
    const text = `${HEAD}tags:
  - { name: Posts, description: Writing. }
  - { name: Other }
  - just-a-string
paths:
  /a:
    get: { operationId: a, tags: [Posts], responses: { '200': { description: ok } } }
    put: { operationId: b, tags: [Pets, Posts], responses: { '200': { description: ok } } }
    post: { operationId: c, tags: [Posts], responses: { '200': { description: ok } } }
`;
    const service = onlyService(load({ 'api.yaml': text }));
    expect(service.tags.map((t) => ({ ...t, loc: t.loc.line }))).toEqual([
      { name: 'Pets', identifier: 'Pets', fileName: 'pets', operations: ['b'], loc: lineOf(text, 'operationId: b') },
      {
        name: 'Posts',
        identifier: 'Posts',
        fileName: 'posts',
        description: 'Writing.',
        operations: ['a', 'c'],
        loc: lineOf(text, 'operationId: a'),
      },
    ]);
  });

  it('reads parameters: required only when true, a schema in content, and skips malformed ones', () => {
    const text = `${HEAD}paths:
  /a:
    get:
      operationId: getA
      parameters:
        - { name: filter, in: query, required: 'yes', content: { text/plain: { schema: { type: string } }, application/json: { schema: { type: object } } } }
        - { name: page, in: query }
        - { name: bad, in: body, schema: { type: string } }
        - { name: 7, in: query, schema: { type: string } }
        - { $ref: '#/components/parameters/Limit' }
        - not-a-parameter
      responses: { '200': { description: ok } }
components:
  parameters:
    Limit: { name: limit, in: query, required: true, schema: { type: integer } }
`;
    const result = load({ 'api.yaml': text });
    expect(fromImporter(result)).toEqual([]);
    const params = operation(result, 'getA').parameters;
    expect(params.map((p) => `${p.in}:${p.name}:${p.schema.kind}:${p.required}`)).toEqual([
      'query:filter:object:false',
      'query:page:any:false',
      'query:limit:integer:true',
    ]);
    // A parameter's schema in `content` is located under it; a referenced one where it is declared.
    expect(params[0]!.schema.loc).toMatchObject({ line: lineOf(text, 'name: filter') });
    expect(params[2]!.loc).toMatchObject({ line: lineOf(text, 'Limit:') });
  });
});

describe('request bodies', () => {
  function body(requestBody: string, components = '') {
    const text = `${HEAD}paths:\n  /a:\n    post:\n      operationId: postA\n      requestBody: ${requestBody}\n      responses: { '204': { description: none } }\n${components}`;
    const result = load({ 'api.yaml': text });
    expect(fromImporter(result)).toEqual([]);
    return operation(result, 'postA').body;
  }

  it.each<[string, string, string, unknown]>([
    [
      'JSON is preferred to what is listed first',
      '{ content: { text/plain: { schema: { type: string } }, application/json: { schema: { type: object } } } }',
      '',
      { contentType: 'application/json', required: false, schema: { kind: 'object' } },
    ],
    [
      'a JSON suffix is preferred to other types',
      '{ required: true, content: { text/plain: {}, application/vnd.api+json: { schema: { type: object } } } }',
      '',
      { contentType: 'application/vnd.api+json', required: true, schema: { kind: 'object' } },
    ],
    [
      'exact JSON is preferred to a suffix',
      '{ content: { application/problem+json: { schema: { type: string } }, application/json: { schema: { type: object } } } }',
      '',
      { contentType: 'application/json', schema: { kind: 'object' } },
    ],
    [
      'JSON with parameters counts as JSON',
      "{ content: { text/plain: {}, 'application/json; charset=utf-8': { schema: { type: integer } } } }",
      '',
      { contentType: 'application/json; charset=utf-8', schema: { kind: 'integer' } },
    ],
    [
      'otherwise the first listed',
      '{ content: { text/csv: { schema: { type: string } }, text/plain: {} } }',
      '',
      { contentType: 'text/csv', schema: { kind: 'string' } },
    ],
    [
      'no schema: anything',
      '{ description: Raw., content: { application/octet-stream: {} } }',
      '',
      { contentType: 'application/octet-stream', description: 'Raw.', schema: { kind: 'any' } },
    ],
    [
      'from components/requestBodies',
      "{ $ref: '#/components/requestBodies/New' }",
      'components:\n  requestBodies:\n    New: { required: true, content: { application/json: { schema: { type: boolean } } } }\n',
      { required: true, schema: { kind: 'boolean' }, loc: { line: 11 } },
    ],
    [
      'a media type object behind a $ref',
      "{ content: { application/json: { $ref: '#/x-media' } } }",
      'x-media: { schema: { type: number } }\n',
      { contentType: 'application/json', schema: { kind: 'number', loc: { line: 9 } } },
    ],
    [
      'a media type $ref that does not resolve to an object',
      "{ content: { application/json: { $ref: '#/x-media' } } }",
      'x-media: 7\n',
      { contentType: 'application/json', schema: { kind: 'any' } },
    ],
  ])('%s', (_case, requestBody, components, expected) => {
    expect(body(requestBody, components)).toMatchObject(expected as object);
  });

  it.each([
    ['no content', '{ description: nothing }'],
    ['empty content', '{ content: {} }'],
    ['not an object', '7'],
  ])('%s: no body', (_case, requestBody) => {
    expect(body(requestBody)).toBeUndefined();
  });

  it('a body without a description has none', () => {
    expect(body('{ content: { application/json: {} } }')).not.toHaveProperty('description');
  });
});

describe('responses', () => {
  const text = `${HEAD}paths:
  /a:
    get:
      operationId: getA
      responses:
        default: { description: trouble }
        '404': { $ref: '#/components/responses/Missing' }
        2xx: { description: fine }
        '201': { content: { application/json: {} } }
        '200':
          description: ok
          content: { application/json: { schema: { type: string } } }
          headers:
            X-Rate: { required: true, description: Left., schema: { type: integer } }
            X-Page: { $ref: '#/components/headers/Page' }
            X-Odd: 7
        '422': { $ref: '#/components/responses/Gone' }
        '600': { description: not a status }
        '20': { description: not a status }
        oops: { description: not a status }
        '500': 7
components:
  headers:
    Page: { schema: { type: string } }
  responses:
    Missing: { description: Not here., content: { text/plain: { schema: { type: string } } } }
`;

  it('reads statuses, descriptions, content and headers, in status order', () => {
    const result = load({ 'api.yaml': text });
    expect(fromImporter(result).map((d) => d.code)).toEqual(['SF6003']);
    const responses = operation(result, 'getA').responses;
    expect(responses.map((r) => [r.status, r.description, r.contentType ?? null, r.schema?.kind ?? null])).toEqual([
      [200, 'ok', 'application/json', 'string'],
      [201, 'Created', 'application/json', null],
      ['2XX', 'fine', null, null],
      [404, 'Not here.', 'text/plain', 'string'],
      // The broken $ref is reported; the status stays, with its reason phrase.
      [422, 'Unprocessable Content', null, null],
      ['default', 'trouble', null, null],
    ]);
    const ok = responses[0]!;
    expect(
      ok.headers.map((h) => ({
        name: h.name,
        required: h.required,
        kind: h.schema.kind,
        description: h.description ?? null,
        line: h.loc.line,
      })),
    ).toEqual([
      { name: 'X-Rate', required: true, kind: 'integer', description: 'Left.', line: lineOf(text, 'X-Rate:') },
      { name: 'X-Page', required: false, kind: 'string', description: null, line: lineOf(text, '    Page:') },
    ]);
    // Each response is located at its status, also when it comes from components.
    expect(responses.map((r) => r.loc.line)).toEqual([
      lineOf(text, "'200':"),
      lineOf(text, "'201':"),
      lineOf(text, '2xx:'),
      lineOf(text, "'404':"),
      lineOf(text, "'422':"),
      lineOf(text, 'default:'),
    ]);
  });

  it('has none when `responses` is not a mapping', () => {
    const result = load({ 'api.yaml': `${HEAD}paths:\n  /a:\n    get: { operationId: getA, responses: [x] }\n` });
    expect(operation(result, 'getA').responses).toEqual([]);
  });
});

describe('security', () => {
  const text = `${HEAD}security: [{ key: [] }]
paths:
  /a:
    get: { operationId: open, security: [], responses: { '200': { description: ok } } }
    put: { operationId: scoped, security: [{ oauth: [read, 7] }, { key: nope }], responses: { '200': { description: ok } } }
    post: { operationId: byDefault, responses: { '200': { description: ok } } }
    patch: { operationId: typo, security: [{ kee: [] }, 7], responses: { '200': { description: ok } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
    oauth: { $ref: '#/x-schemes/oauth' }
    broken: 7
x-schemes:
  oauth: { type: oauth2, description: Sign in. }
`;

  it('reads schemes (also behind a $ref), the default requirement, and per-operation ones', () => {
    const result = load({ 'api.yaml': text });
    const service = onlyService(result);
    expect(service.securitySchemes.map((s) => ({ name: s.name, type: s.type, line: s.loc.line }))).toEqual([
      { name: 'key', type: 'apiKey', line: lineOf(text, '    key:') },
      { name: 'oauth', type: 'oauth2', line: lineOf(text, '  oauth: { type') },
    ]);
    expect(operation(result, 'open').security).toEqual([]);
    expect(operation(result, 'byDefault').security).toEqual([{ schemes: [{ scheme: 'key', scopes: [] }] }]);
    expect(operation(result, 'scoped').security).toEqual([
      { schemes: [{ scheme: 'oauth', scopes: ['read', '7'] }] },
      { schemes: [{ scheme: 'key', scopes: [] }] },
    ]);
    expect(operation(result, 'typo').security).toEqual([{ schemes: [{ scheme: 'kee', scopes: [] }] }, { schemes: [] }]);
  });

  it('names an unknown scheme where it is required', () => {
    const result = load({ 'api.yaml': text });
    expect(fromImporter(result).map(said)).toEqual([
      `SF3007 api.yaml:${lineOf(text, 'operationId: typo')} unknown security scheme \`kee\``,
    ]);
    expect(fromImporter(result)[0]!.pointer).toBe('/paths/~1a/patch/security/0');
  });

  it('names an unknown scheme in the default requirement at the top', () => {
    const result = load({ 'api.yaml': `${HEAD}security: [{ nope: [] }]\npaths: {}\n` });
    expect(result.diagnostics.map((d) => [d.code, d.line, d.pointer])).toEqual([['SF3007', 3, '/security/0']]);
  });
});

describe('the base path from servers', () => {
  it.each<[string, string, string, string[]]>([
    ['no servers', '', '', []],
    ['a full URL', "servers: [{ url: 'https://api.example.test/v2/' }]\n", '/v2', []],
    [
      'only the first server counts',
      "servers: [{ url: 'https://a.test/one' }, { url: 'https://b.test/two' }]\n",
      '/one',
      [],
    ],
    ['a relative URL', "servers: [{ url: '/api//' }]\n", '/api', []],
    ['a host only', "servers: [{ url: 'https://api.example.test' }]\n", '', []],
    ['query and fragment left out', "servers: [{ url: 'https://a.test/v1?x=1#top' }]\n", '/v1', []],
    [
      'variables with defaults',
      "servers:\n  - url: '{scheme}://{host}/{base}/v{major}'\n    variables: { scheme: { default: https }, host: { default: a.test }, base: { default: api }, major: { default: 3 } }\n",
      '/api/v3',
      [],
    ],
    ['a variable left as the scheme and host', "servers: [{ url: '{origin}://x/api' }]\n", '/api', []],
    [
      'a variable without a default',
      "servers: [{ url: 'https://a.test/{version}', variables: { version: { enum: [v1] } } }]\n",
      '',
      [
        'SF3010 warning 3 the path of the first server URL, `/{version}`, is not a plain path; routes are mounted at `/`',
      ],
    ],
    [
      'a variable not declared',
      "servers: [{ url: 'https://a.test/{version}' }]\n",
      '',
      [
        'SF3010 warning 3 the path of the first server URL, `/{version}`, is not a plain path; routes are mounted at `/`',
      ],
    ],
    [
      'odd characters',
      "servers: [{ url: 'https://a.test/a b' }]\n",
      '',
      ['SF3010 warning 3 the path of the first server URL, `/a b`, is not a plain path; routes are mounted at `/`'],
    ],
    ['a URL that is no string', 'servers: [{ url: 7 }]\n', '', []],
    ['a server that is no mapping', 'servers: [x]\n', '', []],
  ])('%s', (_case, servers, basePath, diagnostics) => {
    const result = load({ 'api.yaml': `${HEAD}${servers}paths: {}\n` });
    expect(fromImporter(result).map((d) => `${d.code} ${d.severity} ${d.line} ${d.message}`)).toEqual(diagnostics);
    if (diagnostics.length > 0)
      expect(fromImporter(result)[0]!.hint).toBe(
        'use a path of letters, digits, `.`, `_`, `~` and `-` segments, e.g. `https://api.example.com/v1`',
      );
    expect(onlyService(result).basePath).toBe(basePath);
  });
});

describe('the paths of a document', () => {
  it('reads path items behind a $ref, and skips what is no path item or operation', () => {
    const text = `${HEAD}paths:
  /a: { $ref: '#/x-items/a' }
  /b: 7
  /c: { $ref: '#/x-items/missing' }
  /d: { get: 7, post: { operationId: postD, responses: { '204': { description: none } } } }
x-items:
  a: { get: { operationId: getA, responses: { '200': { description: ok } } } }
`;
    const result = load({ 'api.yaml': text });
    expect(fromImporter(result).map((d) => d.code)).toEqual(['SF6003']);
    expect(onlyService(result).operations.map((o) => `${o.method} ${o.path} ${o.loc.line}`)).toEqual([
      `get /a ${lineOf(text, '  a: { get')}`,
      `post /d ${lineOf(text, '/d:')}`,
    ]);
  });

  it('skips the walk for local $refs only, yet loads a file named after them', () => {
    const text = withSchema(
      "{ type: object, properties: { a: { $ref: '#/components/schemas/A' }, b: { \"$ref\" : 'b.yaml' } } }",
      'components:\n  schemas:\n    A: { type: string }\n',
    );
    const result = load({ 'api.yaml': text, 'b.yaml': 'type: integer\n' });
    expect(result.diagnostics).toEqual([]);
    expect(
      result.ir.models
        .filter((m) => m.variant === 'model')
        .map((m) => m.name)
        .sort(),
    ).toEqual(['A', 'B']);
  });

  it('follows a $ref from a referenced file to a third one, relative to the second', () => {
    const result = load({
      'api.yaml': withSchema("{ $ref: 'schemas/pet.yaml' }"),
      'schemas/pet.yaml': "type: object\nproperties:\n  owner: { $ref: 'people/owner.yaml' }\n",
      'schemas/people/owner.yaml': 'type: object\n',
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.ir.sources).toEqual(['api.yaml', 'schemas/people/owner.yaml', 'schemas/pet.yaml']);
  });
});

describe('where each part of an operation is located', () => {
  // What "go to definition" and the diagnostics of later stages start from: the JSON pointer of each part.
  const text = `${HEAD}paths:
  /a/{id}:
    parameters:
      - name: id
        in: path
        required: true
        schema:
          type: string
    post:
      parameters:
        - name: q
          in: query
          content:
            application/json:
              schema:
                type: object
      requestBody:
        content:
          application/json:
            schema:
              type: string
      responses:
        '200':
          description: ok
          headers:
            X-Rate:
              schema:
                type: integer
          content:
            application/json:
              schema:
                type: boolean
`;

  it('by JSON pointer, for parameters, body, responses and headers', () => {
    const result = load({ 'api.yaml': text });
    expect(result.diagnostics).toEqual([]);
    const op = operation(result, 'postAId');
    expect(op.loc.pointer).toBe('/paths/~1a~1{id}/post');
    expect(op.parameters.map((p) => [p.loc.pointer, p.schema.loc.pointer])).toEqual([
      ['/paths/~1a~1{id}/parameters/0', '/paths/~1a~1{id}/parameters/0/schema'],
      ['/paths/~1a~1{id}/post/parameters/0', '/paths/~1a~1{id}/post/parameters/0/content/application~1json/schema'],
    ]);
    expect([op.body!.loc.pointer, op.body!.schema.loc.pointer]).toEqual([
      '/paths/~1a~1{id}/post/requestBody',
      '/paths/~1a~1{id}/post/requestBody/content/application~1json/schema',
    ]);
    const response = op.responses[0]!;
    expect([response.loc.pointer, response.schema!.loc.pointer]).toEqual([
      '/paths/~1a~1{id}/post/responses/200',
      '/paths/~1a~1{id}/post/responses/200/content/application~1json/schema',
    ]);
    expect(response.headers.map((h) => [h.loc.pointer, h.schema.loc.pointer])).toEqual([
      [
        '/paths/~1a~1{id}/post/responses/200/headers/X-Rate',
        '/paths/~1a~1{id}/post/responses/200/headers/X-Rate/schema',
      ],
    ]);
  });
});

describe('methods and statuses', () => {
  it('reads every HTTP method of a path item, and nothing else', () => {
    const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
    const text = `${HEAD}paths:\n  /a:\n${[...methods, 'connect', 'query'].map((m) => `    ${m}: { responses: { '204': { description: none } } }\n`).join('')}`;
    const result = load({ 'api.yaml': text });
    expect(onlyService(result).operations.map((o) => `${o.method} ${o.operationId}`)).toEqual([
      'get getA',
      'put putA',
      'post postA',
      'delete deleteA',
      'options optionsA',
      'head headA',
      'patch patchA',
      'trace traceA',
    ]);
  });

  it('reads 1XX to 5XX and three-digit statuses from 100, and skips others', () => {
    const statuses = ['1XX', '5XX', '6XX', '0XX', 'X2XX', '100', '599', '600', '099', '2000', 'a200'];
    const text = `${HEAD}paths:\n  /a:\n    get:\n      operationId: getA\n      responses:\n${statuses.map((s) => `        '${s}': { description: d${s} }\n`).join('')}`;
    const result = load({ 'api.yaml': text });
    expect(operation(result, 'getA').responses.map((r) => r.status)).toEqual([100, '1XX', 599, '5XX']);
  });
});

describe('$refs inside lists, in other files', () => {
  it('loads files named in a list, and refuses remote ones there, at their item', () => {
    const text = `${HEAD}paths:
  /a:
    get:
      operationId: getA
      parameters:
        - $ref: 'params.yaml#/Limit'
        - $ref: 'https://example.test/params.yaml#/Page'
      responses: { '204': { description: none } }
`;
    const result = load({
      'api.yaml': text,
      'params.yaml': 'Limit: { name: limit, in: query, schema: { type: integer } }\n',
    });
    expect(result.diagnostics.map((d) => [d.code, d.line, d.pointer])).toEqual([
      ['SF6002', lineOf(text, 'https://'), '/paths/~1a/get/parameters/1/$ref'],
    ]);
    expect(operation(result, 'getA').parameters.map((p) => p.name)).toEqual(['limit']);
  });
});
