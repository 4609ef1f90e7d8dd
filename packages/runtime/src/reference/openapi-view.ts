/**
 * Reads an OpenAPI 3.x document into what the API reference page shows. The document is untrusted
 * JSON (generated from a spec, or passed by hand): every member is type-checked as it is read, so a
 * missing or odd member leaves a gap on the page instead of throwing, and nothing here interprets
 * text. Escaping is the renderer's job.
 */
import { unescapePointerSegment } from '@specfirst/spec-core/json-pointer';

export interface ApiView {
  title: string;
  version: string | undefined;
  description: string | undefined;
  /** `info.contact` and `info.license` in words (`RealWorld, https://…`): shown as text, never as links. */
  contact: string | undefined;
  license: string | undefined;
  servers: string[];
  schemes: SchemeView[];
  tags: TagView[];
  models: ModelView[];
  /** Anchor of each component schema, by key, for links from `$ref`s. */
  modelAnchors: ReadonlyMap<string, string>;
}

export interface TagView {
  name: string;
  description: string | undefined;
  anchor: string;
  operations: OperationView[];
}

export interface OperationView {
  anchor: string;
  method: string;
  path: string;
  operationId: string | undefined;
  summary: string | undefined;
  description: string | undefined;
  deprecated: boolean;
  parameters: ParameterView[];
  body: BodyView | undefined;
  responses: ResponseView[];
  /** Alternatives (OR) of schemes (AND); `[]` is public; `undefined` when the document does not say. */
  security: SecurityAlternative[] | undefined;
}

export type SecurityAlternative = { scheme: string; scopes: string[] }[];

export interface ParameterView {
  name: string;
  in: string;
  required: boolean;
  deprecated: boolean;
  description: string | undefined;
  schema: unknown;
}

export interface MediaView {
  contentType: string;
  schema: unknown;
}

export interface BodyView {
  required: boolean;
  description: string | undefined;
  content: MediaView[];
}

export interface ResponseView {
  status: string;
  description: string | undefined;
  content: MediaView[];
  headers: { name: string; required: boolean; description: string | undefined; schema: unknown }[];
}

export interface SchemeView {
  name: string;
  /** What kind of credentials, in words: `HTTP bearer (JWT)`, `API key in header X-Api-Key`. */
  kind: string;
  description: string | undefined;
}

export interface ModelView {
  name: string;
  anchor: string;
  schema: Readonly<Record<string, unknown>>;
}

type Json = Readonly<Record<string, unknown>>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
/** Tag of operations that name none (what `specfirst sync` calls them too). */
const UNTAGGED = 'default';

export function readApi(document: unknown): ApiView {
  const doc = record(document) ?? {};
  const anchors = new Anchors();
  const info = record(doc.info) ?? {};
  const components = record(doc.components) ?? {};
  const schemas = record(components.schemas) ?? {};
  const models = Object.entries(schemas).flatMap(([name, schema]) => {
    const body = record(schema);
    return body ? [{ name, anchor: anchors.take('model', name), schema: body }] : [];
  });

  const tags = new Map<string, TagView>();
  const tagOf = (name: string, description?: string): TagView => {
    let tag = tags.get(name);
    if (!tag) {
      tag = { name, description, anchor: anchors.take('tag', name), operations: [] };
      tags.set(name, tag);
    }
    return tag;
  };
  // Declared tags first, in the document's order; then tags that only operations name.
  for (const declared of list(doc.tags)) {
    const tag = record(declared);
    const name = text(tag?.name);
    if (name !== undefined && !tags.has(name)) tagOf(name, text(tag?.description));
  }
  const defaultSecurity = securityOf(doc.security);
  for (const [path, item] of Object.entries(record(doc.paths) ?? {})) {
    const pathItem = record(resolve(doc, item)) ?? {};
    const shared = list(pathItem.parameters);
    for (const [method, value] of Object.entries(pathItem)) {
      if (!METHODS.has(method)) continue;
      const op = record(value);
      if (!op) continue;
      const names = list(op.tags).flatMap((t) => text(t) ?? []);
      for (const tagName of names.length > 0 ? [...new Set(names)] : [UNTAGGED]) {
        const operationId = text(op.operationId);
        tagOf(tagName).operations.push({
          anchor: anchors.take('op', operationId ?? `${method}-${path}`),
          method,
          path,
          operationId,
          summary: text(op.summary),
          description: text(op.description),
          deprecated: op.deprecated === true,
          parameters: parametersOf(doc, shared, list(op.parameters)),
          body: bodyOf(doc, op.requestBody),
          responses: Object.entries(record(op.responses) ?? {}).map(([status, response]) =>
            responseOf(doc, status, response),
          ),
          security: op.security === undefined ? defaultSecurity : securityOf(op.security),
        });
      }
    }
  }

  return {
    title: text(info.title) ?? 'API',
    version: text(info.version),
    description: text(info.description),
    contact: inWords(record(info.contact), ['name', 'email', 'url']),
    license: inWords(record(info.license), ['name', 'identifier', 'url']),
    servers: list(doc.servers).flatMap((s) => text(record(s)?.url) ?? []),
    schemes: Object.entries(record(components.securitySchemes) ?? {}).map(([name, scheme]) =>
      schemeOf(name, record(resolve(doc, scheme)) ?? {}),
    ),
    tags: [...tags.values()],
    models,
    modelAnchors: new Map(models.map((m) => [m.name, m.anchor])),
  };
}

/** The string members of an object, in the given order, joined: `MIT License, https://…`. */
function inWords(value: Json | undefined, keys: readonly string[]): string | undefined {
  const words = keys.flatMap((key) => text(value?.[key]) ?? []);
  return words.length > 0 ? words.join(', ') : undefined;
}

/** Path-level parameters, overridden by the operation's own of the same name and location. */
function parametersOf(doc: Json, shared: unknown[], own: unknown[]): ParameterView[] {
  const byKey = new Map<string, ParameterView>();
  for (const value of [...shared, ...own]) {
    const p = record(resolve(doc, value));
    const name = text(p?.name);
    const where = text(p?.in);
    if (!p || name === undefined || where === undefined) continue;
    byKey.set(`${where}\u0000${name}`, {
      name,
      in: where,
      required: p.required === true || where === 'path',
      deprecated: p.deprecated === true,
      description: text(p.description),
      schema: p.schema ?? mediaSchema(p.content),
    });
  }
  return [...byKey.values()];
}

function bodyOf(doc: Json, value: unknown): BodyView | undefined {
  const body = record(resolve(doc, value));
  if (!body) return undefined;
  return { required: body.required === true, description: text(body.description), content: contentOf(body.content) };
}

function responseOf(doc: Json, status: string, value: unknown): ResponseView {
  const response = record(resolve(doc, value)) ?? {};
  return {
    status,
    description: text(response.description),
    content: contentOf(response.content),
    headers: Object.entries(record(response.headers) ?? {}).map(([name, header]) => {
      const h = record(resolve(doc, header)) ?? {};
      return { name, required: h.required === true, description: text(h.description), schema: h.schema };
    }),
  };
}

function contentOf(value: unknown): MediaView[] {
  return Object.entries(record(value) ?? {}).map(([contentType, media]) => ({
    contentType,
    schema: record(media)?.schema,
  }));
}

/** A parameter described by `content` instead of `schema`: the schema of its one media type. */
function mediaSchema(value: unknown): unknown {
  return contentOf(value)[0]?.schema;
}

function securityOf(value: unknown): SecurityAlternative[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map((requirement) =>
    Object.entries(record(requirement) ?? {}).map(([scheme, scopes]) => ({
      scheme,
      scopes: list(scopes).flatMap((s) => text(s) ?? []),
    })),
  );
}

function schemeOf(name: string, scheme: Json): SchemeView {
  const type = text(scheme.type);
  let kind: string;
  switch (type) {
    case 'http': {
      const format = text(scheme.bearerFormat);
      kind = `HTTP ${text(scheme.scheme) ?? ''}${format === undefined ? '' : ` (${format})`}`.trim();
      break;
    }
    case 'apiKey':
      kind = `API key in ${text(scheme.in) ?? '?'} \`${text(scheme.name) ?? '?'}\``;
      break;
    case 'oauth2': {
      const flows = Object.keys(record(scheme.flows) ?? {});
      kind = `OAuth 2.0${flows.length > 0 ? ` (${flows.join(', ')})` : ''}`;
      break;
    }
    case 'openIdConnect':
      kind = `OpenID Connect${text(scheme.openIdConnectUrl) === undefined ? '' : `: ${text(scheme.openIdConnectUrl)}`}`;
      break;
    case 'mutualTLS':
      kind = 'Mutual TLS';
      break;
    default:
      kind = type ?? 'unknown';
  }
  return { name, kind, description: text(scheme.description) };
}

/**
 * Follows a local `$ref` (`#/components/parameters/Id`) to what it points at; other values are
 * returned as they are. Chains are followed a few steps only, so a cycle ends.
 */
function resolve(doc: Json, value: unknown): unknown {
  let current = value;
  for (let step = 0; step < 8; step++) {
    const ref = text(record(current)?.$ref);
    if (ref === undefined || !ref.startsWith('#/')) return current;
    current = pointer(doc, ref);
  }
  return undefined;
}

function pointer(doc: Json, ref: string): unknown {
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodePointerSegment(raw);
    const container = record(at);
    if (!container || !Object.hasOwn(container, key)) return undefined;
    at = container[key];
  }
  return at;
}

/** A JSON pointer segment in a URI fragment: percent-decoded, then `~1` → `/` and `~0` → `~`. */
export function decodePointerSegment(raw: string): string {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // Not validly percent-encoded: taken literally.
  }
  return unescapePointerSegment(decoded);
}

/** Unique, plain anchors (`op-getUser`, `model-User-2`): spec names may hold any character. */
class Anchors {
  readonly #used = new Set<string>();

  take(prefix: string, name: string): string {
    const slug =
      name
        .replace(/[^A-Za-z0-9_.-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 80) || 'x';
    let anchor = `${prefix}-${slug}`;
    for (let i = 2; this.#used.has(anchor.toLowerCase()); i++) anchor = `${prefix}-${slug}-${i}`;
    this.#used.add(anchor.toLowerCase());
    return anchor;
  }
}

export function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
