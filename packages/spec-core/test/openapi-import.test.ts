import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type IRObjectSchema, loadProjectSync } from '../src/index.js';
import { OPENAPI_DOCUMENTS, REALWORLD_OPENAPI } from '../../../test/support/corpus.js';
import { FIXTURES, tempProject } from './helpers.js';

const corpusDocuments = OPENAPI_DOCUMENTS;

describe('the public corpus', () => {
  it('has the documents the issue names', () => {
    expect(corpusDocuments.map((f) => path.basename(f)).sort()).toEqual([
      'api-with-examples.yaml',
      'callback-example.yaml',
      'link-example.yaml',
      'openapi.yml',
      'petstore-expanded.yaml',
      'petstore.yaml',
      'uspto.yaml',
    ]);
  });

  it.each(corpusDocuments)('%s loads with no diagnostics and at least one operation', (file) => {
    const { ir, diagnostics } = loadProjectSync(file, { cache: false });
    expect(diagnostics).toEqual([]);
    expect(ir.project.kind).toBe('openapi');
    expect(ir.services).toHaveLength(1);
    expect(ir.services[0]!.operations.length).toBeGreaterThan(0);
  });

  it('imports RealWorld: tags become files, servers give the base path, security carries over', () => {
    const { ir } = loadProjectSync(REALWORLD_OPENAPI, { cache: false });
    const api = ir.services[0]!;
    expect(api.name).toBe('api');
    expect(api.basePath).toBe('/api');
    expect(api.tags.map((t) => `${t.fileName}:${t.identifier}`)).toEqual([
      'articles:Articles',
      'comments:Comments',
      'favorites:Favorites',
      'profile:Profile',
      'tags:Tags',
      'user-and-authentication:UserAndAuthentication',
    ]);
    expect(api.operations).toHaveLength(19);
    expect(api.securitySchemes).toMatchObject([
      { name: 'Token', type: 'apiKey', in: 'header', paramName: 'Authorization' },
    ]);
    const login = api.operations.find((o) => o.operationId === 'Login')!;
    expect(login).toMatchObject({
      identifier: 'login',
      method: 'post',
      path: '/users/login',
      tag: 'User and Authentication',
      security: [],
    });
    expect(login.body).toMatchObject({ contentType: 'application/json', required: true });
    const feed = api.operations.find((o) => o.operationId === 'GetArticlesFeed')!;
    expect(feed.security).toEqual([{ schemes: [{ scheme: 'Token', scopes: [] }] }]);
    const getArticle = api.operations.find((o) => o.operationId === 'GetArticle')!;
    expect(getArticle.expressPath).toBe('/articles/:slug');
    // components/responses and requestBodies are resolved to their schemas.
    expect(getArticle.responses.map((r) => r.status)).toEqual([200, 422]);
    expect(getArticle.responses[1]!.schema).toMatchObject({ kind: 'ref', model: 'GenericErrorModel' });
    expect(ir.models.filter((m) => m.variant === 'model').map((m) => m.name)).toContain('NewUser');
  });

  it("keeps RealWorld's info as the service's info", () => {
    const { ir } = loadProjectSync(REALWORLD_OPENAPI, { cache: false });
    expect(ir.services[0]!.info).toEqual({
      title: 'RealWorld Conduit API',
      description: 'Conduit API documentation',
      version: '1.1.0',
      contact: { name: 'RealWorld', url: 'https://realworld-docs.netlify.app/' },
      license: { name: 'MIT License', url: 'https://opensource.org/licenses/MIT' },
    });
    // The standalone document's description is still its title.
    expect(ir.services[0]!.description).toBe('RealWorld Conduit API');
  });
});

const openapi31 = `openapi: 3.1.0
info: { title: Pets, version: '1' }
servers: [{ url: 'https://example.test/v2/' }]
security: [{ key: [] }]
paths:
  /pets/{petId}:
    parameters:
      - { name: petId, in: path, required: true, schema: { type: string } }
      - { name: verbose, in: query, schema: { type: boolean } }
    get:
      parameters:
        - { name: verbose, in: query, required: true, schema: { type: integer } }
      responses:
        '200':
          description: ok
          content: { application/json: { schema: { $ref: 'models.yaml#/components/schemas/Pet' } } }
        4XX: { description: client error }
    delete:
      operationId: remove-pet
      tags: [Pet Store, other]
      security: []
      responses: { '204': { description: gone } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
`;

const models31 = `components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: { type: string, readOnly: true }
        name: { type: [string, 'null'] }
        kind: { type: [string, integer] }
        owner: { $ref: '#/components/schemas/Owner' }
    Owner:
      type: object
      properties:
        email: { type: string, format: email }
`;

describe('the info of an imported document', () => {
  it('is the info of a services.yaml service described by the document, its description left alone', () => {
    const dir = tempProject({
      'specfirst.yaml': 'name: conduit\n',
      'spec/services.yaml':
        'services:\n  conduit: { type: http, port: 3000, description: Ours., openapi: conduit/openapi.yml }\n',
      'spec/conduit/openapi.yml': readFileSync(REALWORLD_OPENAPI, 'utf8'),
    });
    const { ir, diagnostics } = loadProjectSync(dir, { cache: false });
    expect(diagnostics).toEqual([]);
    expect(ir.services[0]).toMatchObject({
      description: 'Ours.',
      info: { title: 'RealWorld Conduit API', version: '1.1.0', license: { name: 'MIT License' } },
    });
  });

  it('keeps every string field, summary, termsOfService and license identifier included', () => {
    const dir = tempProject({
      'api.yaml': `openapi: 3.1.0
info:
  title: Full
  summary: Short.
  description: Long.
  termsOfService: https://example.test/terms
  contact: { name: Team, url: 'https://example.test/', email: team@example.test }
  license: { name: Apache 2.0, identifier: Apache-2.0 }
  version: 2.0.0-beta.1
  x-audience: internal
paths: {}
`,
    });
    const { ir } = loadProjectSync(path.join(dir, 'api.yaml'), { cache: false });
    expect(ir.services[0]!.info).toEqual({
      title: 'Full',
      summary: 'Short.',
      description: 'Long.',
      version: '2.0.0-beta.1',
      termsOfService: 'https://example.test/terms',
      contact: { name: 'Team', url: 'https://example.test/', email: 'team@example.test' },
      license: { name: 'Apache 2.0', identifier: 'Apache-2.0' },
    });
  });

  it('leaves out what is not a string, silently, and is absent when nothing is left', () => {
    const malformed = `openapi: 3.1.0
info:
  title: [not, a, string]
  version: 1.0
  description: { text: no }
  contact: { name: 7, url: [x] }
  license: { url: 'https://opensource.org/licenses/MIT' }
paths: {}
`;
    const dir = tempProject({
      'a.yaml': malformed,
      'b.yaml': malformed.replace('version: 1.0', 'version: "1.0"'),
      'c.yaml': 'openapi: 3.1.0\ninfo: nothing\npaths: {}\n',
    });
    const a = loadProjectSync(path.join(dir, 'a.yaml'), { cache: false });
    // The check against the official schema reports each of these (SF6005, SF6007); the import itself does not fail on them.
    expect(a.diagnostics.map((d) => d.code).filter((code) => !['SF6005', 'SF6007'].includes(code))).toEqual([]);
    expect(a.ir.services[0]).not.toHaveProperty('info');
    expect(loadProjectSync(path.join(dir, 'b.yaml'), { cache: false }).ir.services[0]!.info).toEqual({
      version: '1.0',
    });
    const c = loadProjectSync(path.join(dir, 'c.yaml'), { cache: false });
    expect(c.ir.services[0]).not.toHaveProperty('info');
    expect(JSON.parse(JSON.stringify(c.ir))).toEqual(c.ir);
  });

  it('is absent for services in our own format', () => {
    const { ir } = loadProjectSync(path.join(FIXTURES, 'shop'), { cache: false });
    expect(ir.services.filter((s) => 'info' in s)).toEqual([]);
  });
});

describe('importing OpenAPI features', () => {
  it('resolves relative file $refs, merges path-level parameters and derives missing operationIds', () => {
    const dir = tempProject({ 'api/pets.yaml': openapi31, 'api/models.yaml': models31 });
    const { ir, diagnostics } = loadProjectSync(path.join(dir, 'api/pets.yaml'), { cache: false });
    expect(diagnostics).toEqual([]);
    const service = ir.services[0]!;
    expect(service.name).toBe('pets');
    expect(service.basePath).toBe('/v2');
    const get = service.operations.find((o) => o.method === 'get')!;
    expect(get.operationId).toBe('getPetsPetId');
    expect(get.tag).toBe('default');
    // The operation's own `verbose` replaces the path-level one.
    expect(get.parameters.map((p) => `${p.in}:${p.name}:${p.schema.kind}:${p.required}`)).toEqual([
      'path:petId:string:true',
      'query:verbose:integer:true',
    ]);
    expect(get.responses.map((r) => r.status)).toEqual([200, '4XX']);
    expect(get.security).toEqual([{ schemes: [{ scheme: 'key', scopes: [] }] }]);
    const remove = service.operations.find((o) => o.method === 'delete')!;
    expect(remove).toMatchObject({
      operationId: 'remove-pet',
      identifier: 'removePet',
      tag: 'Pet Store',
      security: [],
    });
    expect(service.tags.map((t) => t.fileName)).toEqual(['default', 'pet-store']);
  });

  it('reads 3.1 type arrays as nullable or as unions, and readOnly as readonly', () => {
    const dir = tempProject({
      'pets.yaml': `openapi: 3.1.0
info: { title: Pets, version: '1' }
paths:
  /pets:
    post:
      operationId: createPet
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Pet' } } } }
      responses: { '201': { description: created } }
${models31}`,
    });
    const { ir, diagnostics } = loadProjectSync(path.join(dir, 'pets.yaml'), { cache: false });
    expect(diagnostics).toEqual([]);
    const pet = ir.models.find((m) => m.name === 'Pet')!.schema as IRObjectSchema;
    const byName = Object.fromEntries(pet.properties.map((p) => [p.name, p]));
    expect(byName.id).toMatchObject({ readonly: true, required: true });
    expect(byName.name!.schema).toMatchObject({ kind: 'string', nullable: true });
    expect(byName.kind!.schema).toMatchObject({ kind: 'anyOf', variants: [{ kind: 'string' }, { kind: 'integer' }] });
    expect(byName.owner!.schema).toMatchObject({ kind: 'ref', model: 'Owner' });
    expect(
      (ir.models.find((m) => m.name === 'PetCreate')!.schema as IRObjectSchema).properties.map((p) => p.name),
    ).toEqual(['name', 'kind', 'owner']);
    // OpenAPI request bodies are optional unless they say `required: true`.
    expect(ir.services[0]!.operations[0]!.body).toMatchObject({
      required: false,
      schema: { kind: 'ref', model: 'Pet' },
    });
  });

  it('reads 3.0 nullable and records both ends of a $ref across files', () => {
    const dir = tempProject({
      'spec.yaml': `openapi: 3.0.3
info: { title: T, version: '1' }
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: { $ref: './schemas/thing.yaml#/Thing' }
components:
  schemas:
    Named:
      type: object
      properties:
        name: { type: string, nullable: true }
`,
      'schemas/thing.yaml': `Thing:
  type: object
  properties:
    parent: { $ref: '../spec.yaml#/components/schemas/Named' }
`,
    });
    const { ir, diagnostics } = loadProjectSync(path.join(dir, 'spec.yaml'), { cache: false });
    expect(diagnostics).toEqual([]);
    expect(ir.sources).toEqual(['schemas/thing.yaml', 'spec.yaml']);
    const named = ir.models.find((m) => m.name === 'Named')!.schema as IRObjectSchema;
    expect(named.properties[0]!.schema).toMatchObject({ kind: 'string', nullable: true });
    // Thing is not under components/schemas: it is inlined, and its `parent` refers to the model.
    const schema = ir.services[0]!.operations[0]!.responses[0]!.schema as IRObjectSchema;
    const parent = schema.properties[0]!.schema;
    expect(parent).toMatchObject({
      kind: 'ref',
      model: 'Named',
      loc: { file: 'schemas/thing.yaml', line: 4 },
      target: { file: 'spec.yaml', pointer: '/components/schemas/Named', line: 15 },
    });
  });

  it('never turns a tag into a path: `../x` becomes a plain file name', () => {
    const dir = tempProject({
      'evil.yaml': `openapi: 3.1.0
info: { title: T, version: '1' }
paths:
  /a:
    get: { operationId: a, tags: ['../../etc/passwd'], responses: { '200': { description: ok } } }
  /b:
    get: { operationId: b, tags: ['..'], responses: { '200': { description: ok } } }
`,
    });
    const { ir, diagnostics } = loadProjectSync(path.join(dir, 'evil.yaml'), { cache: false });
    expect(ir.services[0]!.tags.map((t) => t.fileName)).toEqual(['', 'etc-passwd']);
    // `..` has no letters at all: refused with a located error rather than guessed at.
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['SF3008', 7]]);
    for (const tag of ir.services[0]!.tags) expect(tag.fileName).toMatch(/^[a-z0-9-]*$/);
  });

  it('gives schemas that normalise to the same type numbered identifiers instead of failing', () => {
    const dir = tempProject({
      'api.yaml': `openapi: 3.1.0
info: { title: T, version: '1' }
paths: {}
components:
  schemas:
    user: { type: object }
    User: { type: object }
    Foo: { type: object }
    foo_create: { type: object }
    Promise: { type: object }
    PromiseModelUpdate: { type: object }
`,
    });
    const { ir, diagnostics } = loadProjectSync(path.join(dir, 'api.yaml'), { cache: false });
    expect(diagnostics).toEqual([]);
    const identifiers = Object.fromEntries(
      ir.models.filter((m) => m.variant === 'model').map((m) => [m.name, m.identifier]),
    );
    // Names that already are their identifier keep it; the others take the first free number,
    // counting every model's Create/Update variants.
    expect(identifiers).toEqual({
      user: 'User2',
      User: 'User',
      Foo: 'Foo',
      foo_create: 'FooCreate2',
      Promise: 'PromiseModel2',
      PromiseModelUpdate: 'PromiseModelUpdate',
    });
    const all = ir.models.map((m) => m.identifier);
    expect(new Set(all).size).toBe(all.length);
  });

  it('numbers operationIds that become the same method name, in document order, instead of refusing them', () => {
    const op = (id: string) =>
      `    get:\n      operationId: '${id}'\n      responses: { '204': { description: Done. } }\n`;
    const dir = tempProject({
      'api.yaml': `openapi: 3.1.0
info: { title: T, version: '1' }
paths:
  /a:
${op('get-user')}  /b:
${op('getUser')}  /c:
${op('__proto__')}  /d:
${op('proto')}  /e:
${op('GetUser')}  /f:
${op('getUser3')}  /g:
    post:
      operationId: add-item
      responses: { '204': { description: Done. } }
    get:
      operationId: addItem
      responses: { '204': { description: Done. } }
`,
    });
    const { ir, diagnostics } = loadProjectSync(path.join(dir, 'api.yaml'), { cache: false });
    expect(diagnostics).toEqual([]);
    expect(ir.services[0]!.operations.map((o) => [o.operationId, o.identifier])).toEqual([
      ['get-user', 'getUser'],
      ['getUser', 'getUser2'],
      ['__proto__', 'proto'],
      ['proto', 'proto2'],
      ['GetUser', 'getUser4'],
      ['getUser3', 'getUser3'],
      // Within a path item too, the one written first keeps the name.
      ['addItem', 'addItem2'],
      ['add-item', 'addItem'],
    ]);
  });
});

describe('remote references in disguise', () => {
  it('are refused even when the key spells `$` as an escape', () => {
    const dir = tempProject({
      'api.json': JSON.stringify({
        openapi: '3.1.0',
        info: { title: 'T', version: '1' },
        paths: {
          '/a': {
            get: {
              operationId: 'a',
              responses: {
                '200': {
                  description: 'ok',
                  content: { 'application/json': { schema: { $ref: 'https://example.test/x.json' } } },
                },
              },
            },
          },
        },
      }).replace('"$ref"', '"\\u0024ref"'),
    });
    const { diagnostics } = loadProjectSync(path.join(dir, 'api.json'), { cache: false });
    expect(diagnostics.map((d) => d.code)).toEqual(['SF6002']);
  });
});
