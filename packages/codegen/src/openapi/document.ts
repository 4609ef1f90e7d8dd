import { createRequire } from 'node:module';
import {
  FRAMEWORK_RESPONSES,
  PROBLEM_MEDIA_TYPE,
  frameworkResponsesUndeclared,
  isProblemStatus,
  type FrameworkResponse,
  type HttpMethod,
  type IROperation,
  type IRParameter,
  type IRResponse,
  type IRSchema,
  type IRSecurityScheme,
  type IRService,
  type IRServiceInfo,
  type SpecIR,
} from '@specfirst/spec-core';
import { PROBLEM_SCHEMA_KEY } from '../names.js';
import {
  indexModels,
  modelToJsonSchema,
  referencedModels,
  schemaToJsonSchema,
  type JsonSchema,
  type JsonSchemaMode,
  type ModelIndex,
} from '../json-schema.js';

/** The subset of an OpenAPI 3.1 document this emitter writes: plain JSON, nothing else. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: OpenApiInfo;
  servers?: { url: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    /** The framework's own responses (FRAMEWORK_RESPONSES), which operations refer to. */
    responses: Record<string, OpenApiResponse>;
    securitySchemes: Record<string, OpenApiSecurityScheme>;
  };
}

/** The IR's info of an imported document, with the two fields OpenAPI requires filled in. */
export type OpenApiInfo = Omit<IRServiceInfo, 'title' | 'version'> & { title: string; version: string };

export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary?: string;
  description?: string;
  deprecated?: true;
  parameters?: OpenApiParameter[];
  requestBody?: { description?: string; required: boolean; content: Record<string, OpenApiMediaType> };
  responses?: Record<string, OpenApiResponse | OpenApiReference>;
  /** Always written: `[]` states that the operation is public. */
  security: Record<string, string[]>[];
}

export interface OpenApiParameter {
  name: string;
  in: IRParameter['in'];
  description?: string;
  required: boolean;
  deprecated?: true;
  schema: JsonSchema;
}

export interface OpenApiReference {
  $ref: string;
}

export interface OpenApiMediaType {
  schema?: JsonSchema;
}

export interface OpenApiResponse {
  description: string;
  headers?: Record<string, { description?: string; required: boolean; schema: JsonSchema }>;
  content?: Record<string, OpenApiMediaType>;
}

export interface OpenApiSecurityScheme {
  type: IRSecurityScheme['type'];
  description?: string;
  scheme?: string;
  bearerFormat?: string;
  name?: string;
  in?: 'header' | 'query' | 'cookie';
  flows?: Record<string, never>;
  openIdConnectUrl?: string;
}

/**
 * The version of a service without one: our spec format has none (only an imported OpenAPI
 * document's `info` gives one), and a fixed value keeps the output deterministic.
 */
const API_VERSION = '1.0.0';

/**
 * The IR keeps no `openIdConnectUrl`, which the 3.1 schema requires as an absolute URI. `.invalid`
 * (RFC 2606) never resolves, so a client fails loudly instead of trusting a made-up issuer.
 */
const UNKNOWN_OPENID_CONNECT_URL = 'https://openid-connect-url.invalid/.well-known/openid-configuration';

const METHOD_ORDER: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The OpenAPI 3.1 document of one HTTP service. Every object whose keys come from the spec (paths,
 * header names, content types, scheme names) is built with `Object.fromEntries`, which defines own
 * properties: a key `__proto__` stays an ordinary key and reaches the JSON output.
 */
export function openApiDocument(ir: SpecIR, service: IRService): OpenApiDocument {
  const models = indexModels(ir);
  const mode: JsonSchemaMode = {
    purpose: 'describe',
    ref: (name) => `#/components/schemas/${componentKey(models, name)}`,
  };
  const schema = (s: IRSchema): JsonSchema => schemaToJsonSchema(s, models, mode);

  const byPath = new Map<string, IROperation[]>();
  for (const op of service.operations) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  const paths = Object.fromEntries(
    [...byPath].map(([path, ops]) => [
      path,
      Object.fromEntries(
        ops
          .toSorted((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method))
          .map((op) => [op.method, operation(op, schema)]),
      ),
    ]),
  );

  const used = referencedModels(service.operations.flatMap(operationSchemas), models).flatMap(
    (name) => models.get(name) ?? [],
  );
  // Every framework response an operation refers to, and those of requests that reach no operation.
  const framework = Object.values(FRAMEWORK_RESPONSES).filter(
    (r: FrameworkResponse) =>
      r.scope === 'no-operation' || service.operations.some((op) => frameworkResponsesUndeclared(op).includes(r)),
  );
  return {
    openapi: '3.1.0',
    info: info(service),
    // The IR keeps only the path of the server URL; a relative server URL is valid OpenAPI.
    ...(service.basePath !== '' ? { servers: [{ url: service.basePath }] } : {}),
    tags: service.tags.map((tag) => ({ name: tag.name, ...optional('description', tag.description) })),
    paths,
    components: {
      schemas: Object.fromEntries([
        ...used.map((model): [string, JsonSchema] => [
          componentKey(models, model.name),
          modelToJsonSchema(model, models, mode),
        ]),
        [PROBLEM_SCHEMA_KEY, structuredClone(PROBLEM_SCHEMA)],
      ]),
      responses: Object.fromEntries(framework.map((r) => [r.name, frameworkResponse(r)])),
      securitySchemes: Object.fromEntries(service.securitySchemes.map((s) => [s.name, securityScheme(s)])),
    },
  };
}

/**
 * An imported document's own `info` when the IR has it, else the service name, `1.0.0` and the
 * service's description. `info` is copied field by field, so the document shares nothing with the
 * IR. A value the 3.1 specification requires to be a URI or an e-mail address and that is not one
 * is left out, and so is a license `url` next to an `identifier` (the two are mutually exclusive):
 * the source document was invalid there, and the generated one stays valid.
 */
function info(service: IRService): OpenApiInfo {
  const source = service.info;
  if (source === undefined)
    return { title: service.name, version: API_VERSION, ...optional('description', service.description) };
  const contact = source.contact && {
    ...optional('name', source.contact.name),
    ...optional('url', ifUri(source.contact.url)),
    ...optional('email', ifEmail(source.contact.email)),
  };
  const license = source.license && {
    name: source.license.name,
    ...optional('identifier', source.license.identifier),
    ...optional('url', source.license.identifier === undefined ? ifUri(source.license.url) : undefined),
  };
  return {
    title: source.title ?? service.name,
    version: source.version ?? API_VERSION,
    ...optional('summary', source.summary),
    ...optional('description', source.description),
    ...optional('termsOfService', ifUri(source.termsOfService)),
    ...(contact && Object.keys(contact).length > 0 ? { contact } : {}),
    ...(license ? { license } : {}),
  };
}

// ajv-formats' checks, the ones ajv applies to `format: uri` and `format: email`. CommonJS, loaded
// on first use: most services have no imported `info` to check.
const require = createRequire(import.meta.url);
let formats: { uri: (value: string) => boolean; email: RegExp } | undefined;
function fullFormats(): { uri: (value: string) => boolean; email: RegExp } {
  formats ??= (
    require('ajv-formats/dist/formats.js') as { fullFormats: { uri: (value: string) => boolean; email: RegExp } }
  ).fullFormats;
  return formats;
}

/** The value when it is an absolute URI (RFC 3986), else undefined. */
function ifUri(value: string | undefined): string | undefined {
  return value !== undefined && fullFormats().uri(value) ? value : undefined;
}

function ifEmail(value: string | undefined): string | undefined {
  return value !== undefined && fullFormats().email.test(value) ? value : undefined;
}

/**
 * Component keys must match `^[a-zA-Z0-9._-]+$`. IR identifiers are TypeScript identifiers, so the
 * only character outside that set is `$`; `.` never occurs in an identifier, so `$` → `.` keeps
 * distinct models distinct. An unknown model (an IR with errors) keeps its name: the reference dangles.
 */
export function componentKey(models: ModelIndex, name: string): string {
  return (models.get(name)?.identifier ?? name).replaceAll('$', '.');
}

function operation(op: IROperation, schema: (s: IRSchema) => JsonSchema): OpenApiOperation {
  return {
    operationId: op.operationId,
    tags: [op.tag],
    ...optional('summary', op.summary),
    ...optional('description', op.description),
    ...(op.deprecated ? { deprecated: true } : {}),
    ...(op.parameters.length > 0 ? { parameters: op.parameters.map((p) => parameter(p, schema)) } : {}),
    ...(op.body
      ? {
          requestBody: {
            ...optional('description', op.body.description),
            required: op.body.required,
            content: Object.fromEntries([[op.body.contentType, { schema: schema(op.body.schema) }]]),
          },
        }
      : {}),
    // The spec's own responses, and a reference to each framework response for a status the spec
    // does not declare itself (integer keys list in status order). Every operation gets a 500.
    responses: Object.fromEntries([
      ...op.responses.map((r): [string, OpenApiResponse | OpenApiReference] => [String(r.status), response(r, schema)]),
      ...frameworkResponsesUndeclared(op).map((r): [string, OpenApiResponse | OpenApiReference] => [
        String(r.status),
        frameworkResponseFor(op, r, schema),
      ]),
    ]),
    security: op.security.map((requirement) =>
      Object.fromEntries(requirement.schemes.map((s) => [s.scheme, [...s.scopes]])),
    ),
  };
}

/**
 * A framework response of an operation that does not declare its status. A reference to the shared
 * one, unless a range (`4XX`) or `default` response of the spec covers the status with a body: a
 * controller may answer that status with that body too, and an exact status would hide the range
 * from clients, so the entry states both bodies.
 */
function frameworkResponseFor(
  op: IROperation,
  r: FrameworkResponse,
  schema: (s: IRSchema) => JsonSchema,
): OpenApiResponse | OpenApiReference {
  const range = `${String(r.status)[0]}XX`;
  const covering =
    op.responses.find((own) => own.status === range) ?? op.responses.find((own) => own.status === 'default');
  const own = covering && response(covering, schema).content;
  if (!own) return { $ref: `#/components/responses/${r.name}` };
  const shared = frameworkResponse(r);
  return { ...shared, content: { ...own, ...shared.content } };
}

/**
 * RFC 9457 problem details, the body of every framework response. `errors` lists a 400's
 * validation failures; other members are extensions.
 */
const PROBLEM_SCHEMA: JsonSchema = {
  description: 'RFC 9457 problem details, as the SpecFirst runtime answers errors.',
  type: 'object',
  properties: {
    type: { type: 'string', format: 'uri-reference' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      description: 'Each failure of a request that is not valid: where (a JSON pointer into the request) and why.',
      type: 'array',
      items: {
        type: 'object',
        properties: { pointer: { type: 'string' }, message: { type: 'string' } },
        required: ['pointer', 'message'],
      },
    },
  },
  required: ['type', 'title', 'status'],
};

function frameworkResponse(r: FrameworkResponse): OpenApiResponse {
  return {
    description: r.description,
    ...(r.headers
      ? {
          headers: Object.fromEntries(
            r.headers.map((h) => [
              h.name,
              { description: h.description, required: h.required, schema: { type: 'string' } },
            ]),
          ),
        }
      : {}),
    content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_KEY}` } } },
  };
}

function parameter(p: IRParameter, schema: (s: IRSchema) => JsonSchema): OpenApiParameter {
  return {
    name: p.name,
    in: p.in,
    ...optional('description', p.description),
    // OpenAPI requires `required: true` on every path parameter.
    required: p.in === 'path' || p.required,
    ...(p.deprecated ? { deprecated: true } : {}),
    schema: schema(p.schema),
  };
}

function response(r: IRResponse, schema: (s: IRSchema) => JsonSchema): OpenApiResponse {
  const out: OpenApiResponse = { description: r.description };
  if (r.headers.length > 0) {
    out.headers = Object.fromEntries(
      r.headers.map((h) => [
        h.name,
        { ...optional('description', h.description), required: h.required, schema: schema(h.schema) },
      ]),
    );
  }
  // A content type without a schema (a body of any shape) is still stated; a schema without one
  // (the IR type allows it) gets spec-core's default content type.
  if (r.contentType !== undefined || r.schema !== undefined) {
    out.content = Object.fromEntries([
      [r.contentType ?? 'application/json', r.schema ? { schema: schema(r.schema) } : {}],
    ]);
  } else if (isProblemStatus(r.status)) {
    // A document's 401 (or 400, 500, ...) without a body: the runtime, and a controller's thrown
    // HttpProblem, answer it with a problem, so that is what the published document says.
    out.content = { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: `#/components/schemas/${PROBLEM_SCHEMA_KEY}` } } };
  }
  return out;
}

function securityScheme(s: IRSecurityScheme): OpenApiSecurityScheme {
  const out: OpenApiSecurityScheme = { type: s.type, ...optional('description', s.description) };
  switch (s.type) {
    case 'http':
      return { ...out, ...optional('scheme', s.scheme), ...optional('bearerFormat', s.bearerFormat) };
    case 'apiKey':
      return { ...out, ...optional('name', s.paramName), ...optional('in', s.in) };
    case 'oauth2':
      // The IR keeps no flows (their URLs and scopes); an empty Flows Object is valid and claims none.
      return { ...out, flows: {} };
    case 'openIdConnect':
      return { ...out, openIdConnectUrl: UNKNOWN_OPENID_CONNECT_URL };
    case 'mutualTLS':
    default:
      // `default` too: the OpenAPI importer copies `type` unchecked, so the IR may hold another string.
      return out;
  }
}

function operationSchemas(op: IROperation): IRSchema[] {
  return [
    ...op.parameters.map((p) => p.schema),
    ...(op.body ? [op.body.schema] : []),
    ...op.responses.flatMap((r) => [...(r.schema ? [r.schema] : []), ...r.headers.map((h) => h.schema)]),
  ];
}

/** `{ key: value }` when the value is present, else `{}` (exactOptionalPropertyTypes forbids `undefined`). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
