/**
 * The hostile battery: requests built to break a server, derived from the OpenAPI document the
 * server publishes (every operation, its parameters, body schema and security), enumerated in a
 * fixed order so every run sends the same requests. `send` puts each on the wire with node:http,
 * which can say what fetch cannot (two headers of one name, any percent escape in the path).
 */
import http from 'node:http';
import { FRAMEWORK_RESPONSES, type FrameworkResponse } from '@specfirst/spec-core/framework-responses';
import { parsePointer } from '@specfirst/spec-core/json-pointer';

/* The parts of a published OpenAPI document the battery reads. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  pattern?: string;
  readOnly?: boolean;
  examples?: unknown[];
  default?: unknown;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
  responses: Record<string, unknown>;
  security?: Record<string, string[]>[];
}
export interface OpenApiDocument {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation | Parameter[] | unknown>>;
  components?: {
    schemas?: Record<string, Schema>;
    securitySchemes?: Record<string, SecurityScheme>;
    responses?: Record<string, unknown>;
  };
  security?: Record<string, string[]>[];
}
type SecurityScheme = { type: 'http'; scheme: string } | { type: 'apiKey'; in: string; name: string };

/** One service under test: where it answers, what it publishes, and what a well-behaved client would send it. */
export interface Service {
  name: string;
  /** Origin, e.g. `http://127.0.0.1:4321` (the document's `servers[0].url` is prepended to its paths). */
  origin: string;
  document: OpenApiDocument;
  /** Values that name something that exists, by path or query parameter name (an article's slug, a user's id). */
  values: Record<string, string>;
  /** Other values for some operations (one that deletes an article gets an article of its own). */
  valuesFor?: Record<string, Record<string, string>>;
  /** Valid bodies for some operations, where a sample of the schema is not enough (a free e-mail, a known password). */
  bodies?: Record<string, unknown>;
  /** A good credential for each security scheme, as the header value to send. */
  credentials: Record<string, string>;
  /** Other credentials for some operations (one that changes the user's password ends its tokens). */
  credentialsFor?: Record<string, Record<string, string>>;
  /** Header values that must not authenticate, for each security scheme. */
  forged: Record<string, { label: string; value: string }[]>;
  /** Operations not to send (one that waits for the client to go away). */
  skip?: string[];
  /** The body size limit the server enforces, in bytes. */
  bodyLimit: number;
}

export interface HostileRequest {
  service: string;
  operationId: string;
  /** The payload class: what is hostile about this request (`deep-5000 body`, `NUL in query limit`, ...). */
  payload: string;
  method: string;
  /** The request target as sent, already percent-encoded. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
  /** The statuses the operation's published document declares (`default` and `4XX` included as written). */
  declared: string[];
  /** For each of those statuses, the media types its response declares (none: no body). */
  media: Record<string, string[]>;
}

/** Strings that have broken servers: NUL, lone surrogates, RTL override, emoji and BOM, a percent NUL. */
export const HOSTILE_STRINGS: { label: string; value: string }[] = [
  { label: 'NUL', value: 'a\u0000b' },
  { label: 'lone surrogates', value: '\uDC00x\uD800' },
  { label: 'RTL override', value: '\u202Eevil\u202C' },
  { label: 'emoji ZWJ sequence and BOM', value: '\uFEFF👩\u200D💻🏳️\u200D🌈' },
  { label: 'percent NUL', value: '%00' },
];

/** The same, as percent-encoded path and query text (a lone surrogate as its WTF-8 bytes), plus broken escapes. */
export const HOSTILE_URL_TEXTS: { label: string; value: string }[] = [
  { label: 'NUL', value: 'a%00b' },
  { label: 'only NUL', value: '%00' },
  { label: 'lone surrogate', value: 'x%ED%A0%80' },
  { label: 'RTL override', value: '%E2%80%AEevil' },
  { label: 'emoji', value: '%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB' },
  { label: 'invalid UTF-8', value: '%FF%FE' },
  { label: 'broken percent escape', value: '%E0%A4%A' },
  { label: 'lone percent', value: '%' },
  { label: 'encoded slash and dots', value: '..%2F..%2Fetc%2Fpasswd' },
];

/** Numbers as sent in a URL or header: non-finite, beyond float64, signed zero, hex, exponent, padded, unsafe and beyond int32. */
export const EXTREME_NUMBER_TEXTS = [
  'Infinity',
  '-Infinity',
  'NaN',
  '1e400',
  '-0',
  '0x10',
  '1e3',
  '%205',
  '9007199254740993',
  '2147483648',
  '99999999999',
  '-1',
  '1.5',
];
/** Numbers as JSON text in a body (`1e400` parses to Infinity), and strings that look like numbers. */
export const EXTREME_NUMBER_JSON = [
  '1e400',
  '-1e400',
  '-0',
  '9007199254740993',
  '2147483648',
  '99999999999',
  '1e3',
  '"Infinity"',
  '"NaN"',
  '"0x10"',
  '" 5"',
];

export const DEPTHS = [5_000, 100_000];

const PROTO_KEYS = '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"\\u0070rototype":{}';

/** Bodies nested `depth` levels, with `\u` escapes and prototype keys at the bottom (what the pollution scan looks at). */
export function deepObject(depth: number): string {
  return '{"a":'.repeat(depth) + `{${PROTO_KEYS}}` + '}'.repeat(depth);
}
export function deepArray(depth: number): string {
  return '['.repeat(depth) + `{${PROTO_KEYS}}` + ']'.repeat(depth);
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** Stands for the hostile value while the rest of the body is serialized. */
const PLACEHOLDER = 'hostile-battery-placeholder';

function resolve(document: OpenApiDocument, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let hops = 0; current.$ref !== undefined && hops < 32; hops++) {
    let target: unknown = document;
    for (const segment of parsePointer(current.$ref.replace(/^#/, '')))
      target = (target as Record<string, unknown>)[segment];
    current = (target as Schema | undefined) ?? {};
  }
  return current;
}

function typeOf(schema: Schema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  return schema.type ?? (schema.properties ? 'object' : undefined);
}

/** A value that satisfies the schema, as a well-behaved client would send it (first branch of a union). */
function sample(document: OpenApiDocument, given: Schema | undefined, depth = 0): unknown {
  const schema = resolve(document, given);
  if (depth > 8) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.examples?.[0] !== undefined) return schema.examples[0];
  const branch = schema.oneOf?.[0] ?? schema.anyOf?.[0];
  if (branch) return sample(document, branch, depth + 1);
  if (schema.allOf)
    return Object.assign({}, ...schema.allOf.map((part) => sample(document, part, depth + 1) as object));
  switch (typeOf(schema)) {
    case 'object': {
      const value: Record<string, unknown> = {};
      // A request body: read-only properties are the server's to fill in.
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        if (schema.required?.includes(name) && !resolve(document, property).readOnly)
          value[name] = sample(document, property, depth + 1);
      return value;
    }
    case 'array':
      return [sample(document, schema.items, depth + 1)];
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'string':
      return stringSample(schema);
    default:
      return 'x';
  }
}

function stringSample(schema: Schema): string {
  switch (schema.format) {
    case 'uuid':
      return '9b2f3f4e-6a7b-4c8d-9e0f-112233445566';
    case 'email':
      return 'hostile@example.com';
    case 'date-time':
      return '2026-01-01T00:00:00Z';
    case 'uri':
      return 'https://example.com/';
    default:
      return 'hostile';
  }
}

/** A field of the body: its property names, and a valid value for each object on the way (to fill in when absent). */
interface Field {
  at: string[];
  fill: unknown[];
}

/** Where the body has a field of each kind: strings and numbers, at most 8 levels down. */
function fields(document: OpenApiDocument, given: Schema | undefined): { strings: Field[]; numbers: Field[] } {
  const strings: Field[] = [];
  const numbers: Field[] = [];
  // An explicit work list (no recursion), bounded by depth: schemas may refer to themselves.
  const work: { schema: Schema | undefined; field: Field }[] = [{ schema: given, field: { at: [], fill: [] } }];
  while (work.length > 0) {
    const { schema: raw, field } = work.pop()!;
    const schema = resolve(document, raw);
    const branch = schema.oneOf?.[0] ?? schema.anyOf?.[0];
    if (branch) {
      work.push({ schema: branch, field });
      continue;
    }
    const type = typeOf(schema);
    if (type === 'string' && !schema.enum && schema.const === undefined) strings.push(field);
    else if (type === 'integer' || type === 'number') numbers.push(field);
    else if (type === 'object' && field.at.length < 8) {
      const value = sample(document, schema);
      for (const [name, property] of Object.entries(schema.properties ?? {}))
        work.push({ schema: property, field: { at: [...field.at, name], fill: [...field.fill, value] } });
    }
  }
  return { strings: strings.reverse(), numbers: numbers.reverse() };
}

/** The body as JSON text, with the field replaced by raw JSON text (objects on the way filled in when absent). */
function withField(body: unknown, { at, fill }: Field, json: string): string {
  if (at.length === 0) return json;
  const copy = structuredClone(body) as Record<string, unknown>;
  let target = copy;
  for (const [index, key] of at.slice(0, -1).entries()) {
    if (typeof target[key] !== 'object' || target[key] === null) target[key] = structuredClone(fill[index + 1]);
    target = target[key] as Record<string, unknown>;
  }
  target[at.at(-1)!] = PLACEHOLDER;
  return JSON.stringify(copy).replace(`"${PLACEHOLDER}"`, () => json);
}

/** Every hostile request for one service, in a fixed order. */
export function hostileRequests(service: Service): HostileRequest[] {
  const { document } = service;
  const base = document.servers?.[0]?.url.replace(/\/$/, '') ?? '';
  const schemes = document.components?.securitySchemes ?? {};
  const requests: HostileRequest[] = [];
  /** How many operations each security scheme guarded so far. */
  const guarded = new Map<string, number>();

  for (const [template, item] of Object.entries(document.paths)) {
    const pathParameters = Array.isArray((item as { parameters?: unknown }).parameters)
      ? ((item as { parameters: Parameter[] }).parameters ?? [])
      : [];
    const declaredMethods = METHODS.filter((m) => m in item);
    for (const method of declaredMethods) {
      const operation = item[method] as Operation;
      const operationId = operation.operationId ?? `${method} ${template}`;
      if (service.skip?.includes(operationId)) continue;
      const parameters = [...pathParameters, ...(operation.parameters ?? [])];
      const declared = Object.keys(operation.responses);
      const security = operation.security ?? document.security ?? [];
      // The first requirement that needs credentials, satisfied with good ones (so requests reach validation).
      const requirement = security.find((r) => Object.keys(r).length > 0) ?? {};
      const goodHeaders: Record<string, string> = {};
      for (const scheme of Object.keys(requirement)) {
        const definition = schemes[scheme];
        const value = (service.credentialsFor?.[operationId] ?? service.credentials)[scheme];
        if (!definition || value === undefined) continue;
        goodHeaders[definition.type === 'apiKey' ? definition.name.toLowerCase() : 'authorization'] = value;
      }
      const values = { ...service.values, ...service.valuesFor?.[operationId] };
      const good = (name: string, schema: Schema | undefined): string =>
        values[name] ?? String(sample(document, schema));
      const url = (path: Record<string, string> = {}, query: [string, string][] = []): string => {
        let text = base + template;
        for (const p of parameters.filter((x) => x.in === 'path'))
          text = text.replace(`{${p.name}}`, path[p.name] ?? encodeURIComponent(good(p.name, p.schema)));
        const required = parameters
          .filter((p) => p.in === 'query' && p.required && !query.some(([n]) => n === p.name))
          .map((p): [string, string] => [p.name, encodeURIComponent(good(p.name, p.schema))]);
        const all = [...required, ...query];
        return all.length === 0 ? text : `${text}?${all.map(([n, v]) => `${encodeURIComponent(n)}=${v}`).join('&')}`;
      };
      const json = operation.requestBody?.content['application/json'];
      const form = operation.requestBody?.content['application/x-www-form-urlencoded'];
      const validBody = json ? (service.bodies?.[operationId] ?? sample(document, json.schema)) : undefined;
      // A form body is sent as a well-behaved client would; the hostile bodies below are JSON.
      const formBody = form
        ? new URLSearchParams(
            Object.entries(sample(document, form.schema) as Record<string, unknown>).map(([k, v]): [string, string] => [
              k,
              String(v),
            ]),
          ).toString()
        : undefined;
      const add = (payload: string, overrides: Partial<HostileRequest> = {}): void => {
        const headers = { ...goodHeaders, ...overrides.headers };
        const body = overrides.body ?? (json ? JSON.stringify(validBody) : formBody);
        if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
          headers['content-type'] = json || !form ? 'application/json' : 'application/x-www-form-urlencoded';
        requests.push({
          service: service.name,
          operationId,
          payload,
          method: method.toUpperCase(),
          path: url(),
          declared,
          media: mediaOf(document, operation.responses),
          ...overrides,
          headers,
          ...(body !== undefined ? { body } : {}),
        });
      };

      // The request a well-behaved client sends: it shows the battery gets past validation to the controller.
      add('baseline (a valid request)');

      // Path and query parameters: NUL, unicode and broken escapes; extreme numbers; duplicates; prototype keys.
      for (const p of parameters) {
        if (p.in !== 'path' && p.in !== 'query' && p.in !== 'header') continue;
        const schema = resolve(document, p.schema);
        const numeric = ['integer', 'number'].includes(typeOf(schema) ?? '');
        const texts = [
          ...HOSTILE_URL_TEXTS.map((t) => ({ label: t.label, value: t.value })),
          ...(numeric ? EXTREME_NUMBER_TEXTS.map((value) => ({ label: `number ${value}`, value })) : []),
        ];
        for (const { label, value } of texts) {
          if (p.in === 'path') add(`${label} in path ${p.name}`, { path: url({ [p.name]: value }) });
          else if (p.in === 'query') add(`${label} in query ${p.name}`, { path: url({}, [[p.name, value]]) });
        }
        if (p.in === 'header')
          // A header carries text, not escapes, and Node refuses control characters in one: latin1, escapes as text, a long value.
          for (const [label, value] of [
            ['latin1 bytes', '\u00e9\u00ff'],
            ['percent NUL text', '%00'],
            ['8 KB value', 'x'.repeat(8_192)],
            ...(numeric ? EXTREME_NUMBER_TEXTS.map((n) => [`number ${n}`, n.replace('%20', ' ')]) : []),
          ] as [string, string][])
            add(`${label} in header ${p.name}`, { headers: { [p.name.toLowerCase()]: value } });
        if (p.in === 'query') {
          add(`duplicate query ${p.name}`, {
            path: url({}, [
              [p.name, encodeURIComponent(good(p.name, p.schema))],
              [p.name, encodeURIComponent(good(p.name, p.schema))],
            ]),
          });
          add(`duplicate query ${p.name} with different values`, {
            path: url({}, [
              [p.name, encodeURIComponent(good(p.name, p.schema))],
              [p.name, 'other'],
            ]),
          });
          add(`bracketed query ${p.name}[]`, { path: url({}, [[`${p.name}[]`, '1']]) });
        }
      }
      add('prototype keys in query', {
        path: url({}, [
          ['__proto__[polluted]', '1'],
          ['constructor[prototype][polluted]', '1'],
          ['__proto__', '1'],
        ]),
      });
      add('unknown query parameters, repeated', {
        path: url({}, [
          ['x', '1'],
          ['x', '2'],
          ['x', '%00'],
        ]),
      });

      // Credentials: each forged value instead of a good one, and a good one sent twice with a forged one.
      for (const scheme of Object.keys(requirement)) {
        const definition = schemes[scheme];
        if (!definition) continue;
        const header = definition.type === 'apiKey' ? definition.name.toLowerCase() : 'authorization';
        const forged = service.forged[scheme] ?? [];
        // Every forged value on the scheme's first operation; on the others a rotating quarter of them,
        // so each value still meets several operations and the battery stays bounded.
        const turn = (guarded.get(scheme) ?? 0) + 1;
        guarded.set(scheme, turn);
        for (const [index, { label, value }] of forged.entries())
          if (turn === 1 || (index + turn) % 4 === 0)
            add(`forged token (${label}) for ${scheme}`, { headers: { [header]: value } });
        if (goodHeaders[header] !== undefined && forged[0])
          add(`duplicate ${header} header (forged, then good) for ${scheme}`, {
            headers: { [header]: [forged[0].value, goodHeaders[header]] },
          });
      }

      // Bodies: deep, huge, NUL and unicode in each string field, extreme numbers in each number field,
      // prototype keys, wrong content types, malformed JSON.
      if (operation.requestBody) {
        for (const depth of DEPTHS) {
          add(`deep-${depth} object body`, { body: deepObject(depth) });
          add(`deep-${depth} array body`, { body: deepArray(depth) });
          if (validBody && typeof validBody === 'object')
            add(`deep-${depth} extra property in a valid body`, {
              body: JSON.stringify(validBody).replace(/^\{/, `{"extra":${deepObject(depth)},`),
            });
        }
        add('huge body (1 byte over the limit)', {
          body: JSON.stringify({ pad: 'x'.repeat(service.bodyLimit - 9) }),
        });
        add('huge body (twice the limit, not JSON)', { body: Buffer.alloc(service.bodyLimit * 2, 0x20) });
        add('wide body (as many keys as fit under the limit)', { body: wideObject(service.bodyLimit) });
        const { strings, numbers } = fields(document, json?.schema);
        for (const field of strings)
          for (const { label, value } of HOSTILE_STRINGS)
            add(`${label} in body ${field.at.join('.') || '(root)'}`, {
              body: withField(validBody, field, JSON.stringify(value)),
            });
        for (const field of numbers)
          for (const value of EXTREME_NUMBER_JSON)
            add(`number ${value} in body ${field.at.join('.') || '(root)'}`, {
              body: withField(validBody, field, value),
            });
        if (validBody && typeof validBody === 'object') {
          const text = JSON.stringify(validBody);
          add('prototype keys in body', { body: text.replace(/^\{/, `{${PROTO_KEYS},`) });
          add('duplicate keys in body', { body: text.replace(/^\{/, '{"a":1,"a":2,').replace(/\}$/, ',"a":3}') });
          const inner = /^\{"([^"]+)":\{/.exec(text);
          if (inner)
            add('prototype keys in a nested object', { body: text.replace(/^(\{"[^"]+":\{)/, `$1${PROTO_KEYS},`) });
        }
        add('invalid UTF-8 bytes in a string', {
          body: Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe, 0xc0, 0x80]), Buffer.from('"}')]),
        });
        for (const type of [
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'application/xml',
        ])
          add(`content type ${type}`, {
            headers: { 'content-type': type },
            body: type.startsWith('application/x-www') ? '__proto__[x]=1&a=1&a=2' : JSON.stringify(validBody),
          });
        add('no content type', { headers: { 'content-type': '' }, body: JSON.stringify(validBody) });
        for (const [label, text] of [
          ['truncated', '{"a":'],
          ['trailing comma', '{"a":1,}'],
          ['trailing garbage', '{"a":1} x'],
          ['bare word', 'nul'],
          ['empty', ''],
          ['BOM first', '\uFEFF{}'],
          ['NUL byte', '{"a":\u00001}'],
          ['lone surrogate escape', '"\\ud800"'],
          ['huge exponent', '1e999999999'],
        ])
          add(`malformed JSON: ${label}`, { body: text! });
      }
    }

    // A method the path does not declare.
    // A method the path does not declare, unless another template takes the same URL with it
    // (`PUT /articles/feed` is `PUT /articles/{slug}`).
    const concrete = template.replace(/\{[^}]+\}/g, (m) => encodeURIComponent(service.values[m.slice(1, -1)] ?? 'x'));
    const undeclared = ['put', 'patch', 'delete'].find(
      (m) =>
        !declaredMethods.includes(m) &&
        !Object.entries(document.paths).some(
          ([other, otherItem]) => m in otherItem && templateMatches(other, concrete),
        ),
    );
    if (undeclared) {
      const path = base + concrete;
      requests.push({
        service: service.name,
        operationId: `${undeclared.toUpperCase()} ${template} (undeclared method)`,
        payload: 'undeclared method',
        method: undeclared.toUpperCase(),
        path,
        headers: {},
        declared: noOperationStatuses(document),
        media: mediaOf(
          document,
          Object.fromEntries(
            noOperationStatuses(document).map((status) => [
              status,
              {
                $ref: `#/components/responses/${(FRAMEWORK_RESPONSES as Record<string, FrameworkResponse>)[status]!.name}`,
              },
            ]),
          ),
        ),
      });
    }
  }
  return requests;
}

export interface Answer {
  request: HostileRequest;
  /** 0 when no answer came (the connection broke or timed out). */
  status: number;
  /** The media type of the answer's body, without parameters (`application/problem+json`); '' when none was sent. */
  mediaType?: string;
  /** The body's first 64 KB, as text. */
  text: string;
  error?: string;
}

/** Sends one request over a fresh connection and reads its answer. */
export function send(origin: string, request: HostileRequest): Promise<Answer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const outgoing = http.request({ host: hostname, port, method: request.method, path: request.path, agent: false });
    for (const [name, value] of Object.entries(request.headers)) if (value !== '') outgoing.setHeader(name, value);
    outgoing.setTimeout(30_000, () => outgoing.destroy(new Error('no answer within 30 s')));
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < 65_536) chunks.push(chunk);
        size += chunk.length;
      });
      response.on('end', () =>
        resolve({
          request,
          status: response.statusCode ?? 0,
          mediaType: (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', (error) => resolve({ request, status: 0, text: '', error: error.message }));
    });
    outgoing.on('error', (error) => {
      // A server may answer 413 and close before the whole body is written: that answer counts.
      resolve({ request, status: 0, text: '', error: error.message });
    });
    outgoing.end(request.body);
  });
}

/** Signs of a leak in a response body: a stack frame, a file path of the server, SQL or a database message. */
export const LEAK_PATTERNS: { label: string; pattern: RegExp }[] = [
  // `at fn (/path/file.js:1:2)` or `at /path/file.js:1:2`: a location with line and column.
  { label: 'stack frame', pattern: /\bat (?:[\w.$<>[\] ]+ \()?(?:file:\/\/|node:|\/)[^\s()]*:\d+:\d+/ },
  {
    label: 'file path',
    pattern: /\/(?:home|work|tmp|usr|opt|srv|root)\/[\w.@+-]+\/|node_modules|file:\/\/|\.[cm]?[jt]s:\d+/,
  },
  // As a database prints it: keywords in capitals (a title such as "Select a bike from…" is no leak).
  { label: 'SQL', pattern: /\b(?:SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/ },
  {
    label: 'database message',
    pattern:
      /invalid byte sequence|syntax error at or near|violates .* constraint|relation "|out of range for type|postgres:\/\/|PGlite|ECONNREFUSED/i,
  },
];

export function leaks(text: string): string[] {
  return LEAK_PATTERNS.filter(({ pattern }) => pattern.test(text)).map(({ label }) => label);
}

/** Whether the document declares the status for the operation: exactly, by its class (`4XX`) or by `default`. */
/**
 * A flat object with as many short keys as fit in `limit` bytes (about 130,000 in 1 MB): what
 * breaks code that spreads a body's keys or entries into a call's arguments.
 */
export function wideObject(limit: number): string {
  const keys: string[] = [];
  let size = 2;
  for (let i = 0; size + 12 < limit; i++) {
    const entry = `"k${i.toString(36)}":0`;
    keys.push(entry);
    size += entry.length + 1;
  }
  return `{${keys.join(',')}}`;
}

/** Whether an OpenAPI path template (`/articles/{slug}`) takes a concrete path, a parameter standing for one segment. */
export function templateMatches(template: string, path: string): boolean {
  const segments = template.split('/');
  const concrete = path.split('/');
  return (
    segments.length === concrete.length &&
    segments.every((segment, i) => (/^\{[^}]+\}$/.test(segment) ? concrete[i] !== '' : segment === concrete[i]))
  );
}

/**
 * What a document declares for requests that match none of its operations (an unknown path, or a
 * known path with another method): the framework's `no-operation` responses it lists in
 * `components.responses`, under the names the framework's table gives them.
 */
export function noOperationStatuses(document: OpenApiDocument): string[] {
  const listed = document.components?.responses ?? {};
  return Object.values(FRAMEWORK_RESPONSES as Record<number, FrameworkResponse>)
    .filter((response) => response.scope === 'no-operation' && Object.hasOwn(listed, response.name))
    .map((response) => String(response.status));
}

/** The media types each response of `responses` declares, by status key; `$ref`s to components followed. */
export function mediaOf(document: OpenApiDocument, responses: Record<string, unknown>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      Object.keys((resolve(document, response as Schema) as { content?: Record<string, unknown> }).content ?? {}),
    ]),
  );
}

/**
 * Whether the answer's body is in a media type the document declares for its status (the exact
 * status, else its range, else `default`, as OpenAPI matches them). An answer without a body passes.
 */
export function isMediaDeclared(
  answer: Pick<Answer, 'status' | 'mediaType' | 'text'>,
  media: Record<string, string[]>,
): boolean {
  if (answer.text === '' || !answer.mediaType) return true;
  const key = [String(answer.status), `${String(answer.status)[0]}XX`, 'default'].find((k) => Object.hasOwn(media, k));
  return key !== undefined && media[key]!.some((type) => type.toLowerCase() === answer.mediaType);
}

export function isDeclared(declared: string[], status: number): boolean {
  return declared.some((d) => d === String(status) || d.toUpperCase() === `${String(status)[0]}XX` || d === 'default');
}

/** One line per answer, for assertion messages: what was sent, and what came back. */
export function describeAnswer(answer: Answer): string {
  const { request } = answer;
  const path = request.path.length > 120 ? `${request.path.slice(0, 117)}...` : request.path;
  const excerpt = (answer.error ?? answer.text).replace(/\s+/g, ' ').slice(0, 300);
  return `${answer.status} ${request.method} ${path} [${request.service}.${request.operationId}: ${request.payload}] ${excerpt}`;
}
