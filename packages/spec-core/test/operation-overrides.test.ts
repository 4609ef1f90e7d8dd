/**
 * `operations` overrides in services.yaml: what an unmodified third-party OpenAPI document leaves
 * out, stated in the spec. Exercised on the real RealWorld document, whose optional
 * authentication exists only in prose ("Auth is optional").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Diagnostic,
  type IROperation,
  type IRSecurityRequirement,
  type LoadResult,
  loadProjectSync,
  SCHEMAS_DIR,
} from '../src/index.js';
import { REALWORLD_OPENAPI } from '../../../test/support/corpus.js';
import { lineOf, tempProject } from './helpers.js';

const REALWORLD = readFileSync(REALWORLD_OPENAPI, 'utf8');

/** The operations RealWorld describes as "Auth is optional" (or whose answer depends on the viewer). */
const OPTIONAL_AUTH = ['GetArticles', 'GetArticle', 'GetArticleComments', 'GetProfileByUsername'];
const ANONYMOUS_OR_TOKEN: IRSecurityRequirement[] = [{ schemes: [] }, { schemes: [{ scheme: 'Token', scopes: [] }] }];
const TOKEN: IRSecurityRequirement[] = [{ schemes: [{ scheme: 'Token', scopes: [] }] }];

interface Loaded {
  result: LoadResult;
  /** The text of spec/services.yaml, to locate what a diagnostic must point at. */
  services: string;
  operation: (operationId: string, service?: string) => IROperation;
}

/** A project whose `conduit` service imports RealWorld's document, copied unmodified, with `conduitExtra` below its `openapi:`. */
function conduitProject(conduitExtra: string, otherServices = '', files: Record<string, string> = {}): Loaded {
  const services = `services:
  conduit:
    type: http
    port: 3000
    openapi: conduit/openapi.yml
${conduitExtra}${otherServices}`;
  const dir = tempProject({
    'specfirst.yaml': 'name: conduit\n',
    'spec/services.yaml': services,
    'spec/conduit/openapi.yml': REALWORLD,
    ...files,
  });
  const result = loadProjectSync(dir, { cache: false });
  const operation = (operationId: string, service = 'conduit'): IROperation => {
    const op = result.ir.services
      .find((s) => s.name === service)
      ?.operations.find((o) => o.operationId === operationId);
    if (!op) throw new Error(`no operation ${service}.${operationId} in the IR`);
    return op;
  };
  return { result, services, operation };
}

/** Where `needle` starts on the first line containing `lineNeedle`, 1-based as diagnostics say. */
function position(text: string, lineNeedle: string, needle = lineNeedle): { line: number; column: number } {
  const line = lineOf(text, lineNeedle);
  const column = (text.split('\n')[line - 1] ?? '').indexOf(needle) + 1;
  if (column === 0) throw new Error(`\`${needle}\` is not on the line of \`${lineNeedle}\``);
  return { line, column };
}

function only(diagnostics: readonly Diagnostic[]): Diagnostic {
  expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toHaveLength(1);
  return diagnostics[0]!;
}

const optionalAuthOverlay = `    operations:
${OPTIONAL_AUTH.map((id) => `      ${id}:\n        security: [{}, {Token: []}]\n`).join('')}`;

describe('operation overrides on the RealWorld document', () => {
  it('make authentication optional where the document says so only in prose, and change nothing else', () => {
    const plain = conduitProject('');
    const overlaid = conduitProject(optionalAuthOverlay);
    expect(plain.result.diagnostics).toEqual([]);
    expect(overlaid.result.diagnostics).toEqual([]);

    const all = plain.result.ir.services[0]!.operations.map((o) => o.operationId);
    expect(all).toHaveLength(19);
    for (const id of OPTIONAL_AUTH) {
      // Without the override the router would never authenticate, and controllers could not know the viewer.
      expect(plain.operation(id).security, id).toEqual([]);
      expect(overlaid.operation(id).security, id).toEqual(ANONYMOUS_OR_TOKEN);
    }
    for (const id of all.filter((id) => !OPTIONAL_AUTH.includes(id))) {
      expect(overlaid.operation(id), id).toEqual(plain.operation(id));
    }
    expect(overlaid.operation('GetArticlesFeed').security).toEqual(TOKEN);
    expect(overlaid.operation('Login').security).toEqual([]);
  });

  it('show in the IR that `specfirst ir` prints, which stays JSON and keeps its version', () => {
    const { result } = conduitProject(optionalAuthOverlay);
    const printed = JSON.parse(JSON.stringify(result.ir)) as typeof result.ir;
    expect(printed).toEqual(result.ir);
    expect(printed.irVersion).toBe(1);
    const getArticles = printed.services[0]!.operations.find((o) => o.operationId === 'GetArticles')!;
    expect(getArticles.security).toEqual(ANONYMOUS_OR_TOKEN);
    // The operation itself is still the document's: only its security changed.
    expect(getArticles.loc.file).toBe('spec/conduit/openapi.yml');
  });

  it('apply to the service that states them, also when two services import the same document', () => {
    const { result, operation } = conduitProject(
      '    operations:\n      GetArticles:\n        security: [{}, {Token: []}]\n',
      '  mirror:\n    type: http\n    port: 3001\n    openapi: conduit/openapi.yml\n',
    );
    expect(result.diagnostics).toEqual([]);
    expect(operation('GetArticles').security).toEqual(ANONYMOUS_OR_TOKEN);
    expect(operation('GetArticles', 'mirror').security).toEqual([]);
  });

  it('can take authentication away too: `[]` makes an operation public', () => {
    const { result, operation } = conduitProject('    operations:\n      GetArticlesFeed:\n        security: []\n');
    expect(result.diagnostics).toEqual([]);
    expect(operation('GetArticlesFeed').security).toEqual([]);
  });
});

describe('operation overrides against a document-level default', () => {
  const pets = `openapi: 3.1.0
info: { title: Pets, version: '1' }
security: [{ key: [] }]
paths:
  /pets:
    get:
      operationId: listPets
      responses: { '200': { description: ok } }
  /pets/{id}:
    get:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
    delete:
      operationId: deletePet
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses: { '204': { description: gone } }
components:
  securitySchemes:
    key: { type: apiKey, in: header, name: X-Key }
    oauth: { type: oauth2, flows: { clientCredentials: { tokenUrl: /token, scopes: { 'read:pets': read, 'write:pets': write } } } }
`;

  it('replace it, with scopes and AND-ed schemes as OpenAPI writes them, and name derived operationIds as the IR does', () => {
    const dir = tempProject({
      'specfirst.yaml': 'name: pets\n',
      'spec/pets.yaml': pets,
      'spec/services.yaml': `services:
  pets:
    type: http
    port: 3000
    openapi: pets.yaml
    operations:
      listPets:
        security: []
      getPetsId:
        security: [{ oauth: ['read:pets'] }, {}]
      deletePet:
        security: [{ key: [], oauth: ['write:pets'] }]
`,
    });
    const { ir, diagnostics } = loadProjectSync(dir, { cache: false });
    expect(diagnostics).toEqual([]);
    const security = Object.fromEntries(ir.services[0]!.operations.map((o) => [o.operationId, o.security]));
    expect(security).toEqual({
      listPets: [],
      getPetsId: [{ schemes: [{ scheme: 'oauth', scopes: ['read:pets'] }] }, { schemes: [] }],
      deletePet: [
        {
          schemes: [
            { scheme: 'key', scopes: [] },
            { scheme: 'oauth', scopes: ['write:pets'] },
          ],
        },
      ],
    });
  });
});

describe('response overrides on the RealWorld document', () => {
  const notFound = `    operations:
      GetArticle:
        responses:
          404: { description: No article has this slug, contentType: application/problem+json, body: GenericErrorModel }
      DeleteArticleComment:
        responses:
          '404': GenericErrorModel
          403: null
`;

  it.each([
    ['GetArticle', [200, 404, 422]],
    ['DeleteArticleComment', [204, 401, 403, 404, 422]],
  ])("add what the implementation sends to %s, in status order, beside the document's own", (id, statuses) => {
    const { result, operation } = conduitProject(notFound);
    expect(result.diagnostics).toEqual([]);
    expect(operation(id).responses.map((r) => r.status)).toEqual(statuses);
  });

  it('read each response as a REST file does: description, body (a model of the document), content type', () => {
    const { result, operation, services } = conduitProject(notFound);
    expect(result.diagnostics).toEqual([]);
    const declared = operation('GetArticle').responses.find((r) => r.status === 404)!;
    expect(declared).toMatchObject({
      description: 'No article has this slug',
      contentType: 'application/problem+json',
      schema: { kind: 'ref', model: 'GenericErrorModel' },
      headers: [],
      loc: { file: 'spec/services.yaml', line: lineOf(services, '404:') },
    });
    expect((declared.schema as { target: unknown }).target).toMatchObject({ file: 'spec/conduit/openapi.yml' });
    const short = operation('DeleteArticleComment').responses;
    expect(short.find((r) => r.status === 404)).toMatchObject({
      description: 'Not Found',
      contentType: 'application/json',
      schema: { kind: 'ref', model: 'GenericErrorModel' },
    });
    expect(short.find((r) => r.status === 403)).toEqual({
      status: 403,
      description: 'Forbidden',
      headers: [],
      loc: expect.objectContaining({ file: 'spec/services.yaml' }),
    });
  });

  it('change nothing else, and combine with a security override', () => {
    const plain = conduitProject('');
    const both = conduitProject(
      '    operations:\n      GetArticle:\n        security: [{}, {Token: []}]\n        responses: { 404: GenericErrorModel }\n',
    );
    expect(both.result.diagnostics).toEqual([]);
    expect(both.operation('GetArticle').security).toEqual(ANONYMOUS_OR_TOKEN);
    const { responses, security: _s, ...rest } = both.operation('GetArticle');
    const { responses: before, security: _b, ...restBefore } = plain.operation('GetArticle');
    expect(rest).toEqual(restBefore);
    expect(responses.filter((r) => r.status !== 404)).toEqual(before);
  });
});

describe('response override diagnostics', () => {
  it('SF2001: a body naming no model of the document or the project, at the name, with the closest one', () => {
    const loaded = conduitProject(
      '    operations:\n      GetArticle:\n        responses:\n          404: { body: GenericErrorModle }\n',
    );
    const d = only(loaded.result.diagnostics);
    expect(d).toMatchObject({
      code: 'SF2001',
      file: 'spec/services.yaml',
      ...position(loaded.services, '404:', 'GenericErrorModle'),
      message: 'unknown model `GenericErrorModle`',
      hint: 'did you mean `GenericErrorModel`?',
    });
  });

  it('SF4010: a status the document already declares, at the status, pointing at the declaration, and the document wins', () => {
    const loaded = conduitProject(
      '    operations:\n      GetArticle:\n        responses:\n          422: { description: Nope }\n          404: GenericErrorModel\n',
    );
    const d = only(loaded.result.diagnostics);
    expect(d).toMatchObject({
      code: 'SF4010',
      severity: 'error',
      file: 'spec/services.yaml',
      ...position(loaded.services, '422:', '422'),
      message: 'the override of `GetArticle` declares response 422, which `spec/conduit/openapi.yml` declares already',
      hint: "an override can only add the responses a document leaves out: remove `422` here (the document's response stays)",
    });
    expect(d.related?.[0]).toMatchObject({ file: 'spec/conduit/openapi.yml', message: 'declared here' });
    const responses = loaded.operation('GetArticle').responses;
    expect(responses.map((r) => r.status)).toEqual([200, 404, 422]);
    expect(responses.find((r) => r.status === 422)!.description).toBe('Unexpected error');
  });

  it.each(['4XX', '600', '99', 'notfound'])(
    'SF1204: status `%s` is reported at its key, and adds nothing',
    (status) => {
      const loaded = conduitProject(
        `    operations:\n      GetArticle:\n        responses:\n          '${status}': GenericErrorModel\n`,
      );
      const d = only(loaded.result.diagnostics);
      expect(d).toMatchObject({
        code: 'SF1204',
        file: 'spec/services.yaml',
        ...position(loaded.services, `'${status}':`),
        hint: 'expected an HTTP status code (100–599) or `default`',
      });
      expect(loaded.operation('GetArticle').responses.map((r) => r.status)).toEqual([200, 422]);
    },
  );

  it('an override with neither `security` nor `responses` is a schema error at the operation', () => {
    const loaded = conduitProject('    operations:\n      GetArticle: {}\n');
    const d = only(loaded.result.diagnostics);
    expect(d).toMatchObject({
      code: 'SF1202',
      file: 'spec/services.yaml',
      line: lineOf(loaded.services, 'GetArticle:'),
    });
  });
});

describe('operation override diagnostics', () => {
  it('SF4007: an unknown operationId, at its key, with the closest operationId', () => {
    const loaded = conduitProject('    operations:\n      GetArticel:\n        security: [{}, {Token: []}]\n');
    const d = only(loaded.result.diagnostics);
    expect(d).toMatchObject({
      code: 'SF4007',
      severity: 'error',
      file: 'spec/services.yaml',
      ...position(loaded.services, 'GetArticel:'),
      message: 'service `conduit` overrides `GetArticel`, which is no operation of `spec/conduit/openapi.yml`',
      hint: 'did you mean `GetArticle`?',
    });
    expect(loaded.operation('GetArticle').security).toEqual([]);
  });

  it('SF4007: the generated method name is not the operationId, and the hint says which one to write', () => {
    const loaded = conduitProject('    operations:\n      getArticles:\n        security: [{}, {Token: []}]\n');
    const d = only(loaded.result.diagnostics);
    expect(d).toMatchObject({
      code: 'SF4007',
      file: 'spec/services.yaml',
      ...position(loaded.services, 'getArticles:'),
    });
    expect(d.hint).toBe(
      '`getArticles` is the generated method name of `GetArticles`; write the operationId as the document does: `GetArticles`',
    );
    expect(loaded.operation('GetArticles').security).toEqual([]);
  });

  it('SF4008: a scheme the document does not declare, at the scheme, with the closest declared one', () => {
    const loaded = conduitProject('    operations:\n      GetArticles:\n        security: [{}, {Tokn: []}]\n');
    const d = only(loaded.result.diagnostics);
    expect(d).toMatchObject({
      code: 'SF4008',
      file: 'spec/services.yaml',
      ...position(loaded.services, 'Tokn', 'Tokn'),
      message:
        'unknown security scheme `Tokn` in the override of `GetArticles`: `spec/conduit/openapi.yml` does not declare it',
      hint: 'did you mean `Token`?',
    });
  });

  it('SF4009: `operations` on a service with its own REST file, which is the single place for its operations', () => {
    const loaded = conduitProject(
      '',
      '  users:\n    type: http\n    port: 3001\n    rest: rest/users.yaml\n    operations:\n      getUser:\n        security: []\n',
      {
        'spec/rest/users.yaml':
          'tags:\n  users:\n    operations:\n      getUser:\n        method: get\n        path: /users\n        responses:\n          200: string\n',
      },
    );
    // The bare worker also earns SF5015 (nothing to run), a warning.
    const d = only(loaded.result.diagnostics.filter((x) => x.severity === 'error'));
    expect(d).toMatchObject({
      code: 'SF4009',
      file: 'spec/services.yaml',
      ...position(loaded.services, '    operations:', 'operations'),
    });
    expect(d.message).toBe(
      'service `users` has `operations` overrides, but they apply only to an imported OpenAPI document (`openapi:`)',
    );
    expect(d.hint).toBe(
      '`rest/users.yaml` is the single place for its operations: set `security` on the operation there, and remove `operations`',
    );
  });

  it('SF4009: `operations` on a worker', () => {
    const loaded = conduitProject(
      '',
      '  mailer:\n    type: worker\n    operations:\n      send:\n        security: []\n',
    );
    // The bare worker also earns SF5015 (nothing to run), a warning.
    const d = only(loaded.result.diagnostics.filter((x) => x.severity === 'error'));
    expect(d).toMatchObject({
      code: 'SF4009',
      file: 'spec/services.yaml',
      ...position(loaded.services, '    operations:', 'operations'),
    });
    expect(d.hint).toMatch(/^workers serve no HTTP API/);
  });

  it("the wrong shape is a schema error at the value, and leaves the document's security as it was", () => {
    // `[Token]` is the REST file's short form; overrides take OpenAPI's `{Token: []}`.
    const loaded = conduitProject('    operations:\n      GetArticles:\n        security: [Token]\n');
    const d = only(loaded.result.diagnostics);
    expect(d).toMatchObject({
      code: 'SF1202',
      file: 'spec/services.yaml',
      ...position(loaded.services, 'security: [Token]', 'Token'),
    });
    expect(d.message).toBe(
      'expected object, got the string "Token" at services.conduit.operations.GetArticles.security.0',
    );
    expect(loaded.operation('GetArticles').security).toEqual([]);
  });

  it('another key is unknown, with a suggestion', () => {
    const loaded = conduitProject('    operations:\n      GetArticles:\n        security: []\n        securty: []\n');
    const d = only(loaded.result.diagnostics);
    expect(d).toMatchObject({
      code: 'SF1201',
      file: 'spec/services.yaml',
      ...position(loaded.services, 'securty'),
      hint: 'did you mean `security`?',
    });
  });
});

describe('the services.yaml JSON Schema', () => {
  it('offers `operations.<operationId>.security` and `.responses` to editors, with hover text', () => {
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIR, 'services.schema.json'), 'utf8')) as {
      $defs: Record<
        string,
        { properties: Record<string, { description?: string; additionalProperties?: { $ref?: string } }> }
      >;
    };
    const operations = schema.$defs.service!.properties.operations!;
    expect(operations.description).toContain('operationId');
    expect(operations.additionalProperties?.$ref).toBe('#/$defs/operationOverride');
    expect(Object.keys(schema.$defs.operationOverride!.properties)).toEqual(['security', 'responses']);
    expect(schema.$defs.operationOverride!.properties.security!.description).toContain(
      '`{}`: anonymous access allowed',
    );
  });
});
