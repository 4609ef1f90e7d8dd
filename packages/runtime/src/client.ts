import { isFormMediaType, isJsonMediaType } from './media-types.js';

/**
 * `@specfirst/runtime/client`: what generated clients (`generated/clients/<service>.ts`) run on.
 * Plain `fetch`, no Express, so a client works in Node, browsers and tests alike.
 */

/** How a generated client reaches its service. */
export interface ClientOptions {
  /** Origin (and any prefix) of the service: `http://localhost:3000`. The spec's base path is added. */
  baseUrl: string;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Sent with every request (credentials, tracing...); a function is called per request. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
}

/** Per call: an abort signal and extra headers. */
export interface CallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

/** What generated clients know of an operation. */
export interface ClientOperation {
  method: string;
  /** The spec's path template: `/users/{id}`. */
  path: string;
  /** Declared statuses (`201`, `4XX`, `default`): anything else is an {@link UnexpectedResponseError}. */
  statuses: readonly string[];
  bodyContentType?: string;
}

/** A server result as the client sees it: same status and body, and the response headers. */
export type ClientResult<R> = R extends { status: infer S }
  ? { status: S; body: R extends { body: infer B } ? B : undefined; headers: Headers }
  : never;

/** The server answered with a status the spec does not declare for the operation. */
export class UnexpectedResponseError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    operation: string,
  ) {
    super(`${operation} answered ${status}, which the spec does not declare`);
    this.name = 'UnexpectedResponseError';
  }
}

interface CallInput {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, unknown>;
  body?: unknown;
}

function expandPath(template: string, params: Record<string, unknown> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (!Object.hasOwn(params, name) || params[name] === undefined)
      throw new TypeError(`path parameter \`${name}\` is missing`);
    const value = String(params[name]);
    // URLs resolve `.` and `..` segments (percent-encoded or not), which would move the call to
    // another endpoint: no such value can be sent as a path parameter.
    if (value === '.' || value === '..') throw new TypeError(`path parameter \`${name}\` cannot be \`${value}\``);
    return encodeURIComponent(value);
  });
}

function queryString(query: Record<string, unknown> = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value])
      search.append(name, typeof item === 'object' ? JSON.stringify(item) : String(item));
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** JSON as JSON, a form as `a=1&b=2`, bytes as they are, anything else as text. */
function encodeBody(contentType: string, value: unknown): string | Uint8Array {
  if (isJson(contentType)) return JSON.stringify(value);
  if (isFormMediaType(contentType)) return queryString(value as Record<string, unknown>).slice(1);
  if (value instanceof Uint8Array) return value;
  return String(value);
}

function isJson(contentType: string | null): boolean {
  return contentType !== null && isJsonMediaType(contentType);
}

/** Does the operation declare `status` (exactly, as `4XX`, or through `default`)? */
export function declares(statuses: readonly string[], status: number): boolean {
  return (
    statuses.includes(String(status)) ||
    statuses.includes(`${Math.floor(status / 100)}XX`) ||
    statuses.includes('default')
  );
}

/** One call: build the URL and body from the typed input, send, and read the declared answer back. */
export async function callOperation(
  name: string,
  operation: ClientOperation,
  basePath: string,
  options: ClientOptions,
  input: CallInput = {},
  call: CallOptions = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${basePath}${expandPath(operation.path, input.params)}${queryString(input.query)}`;
  const headers = new Headers();
  const shared = typeof options.headers === 'function' ? await options.headers() : options.headers;
  for (const source of [shared, input.headers, call.headers]) {
    for (const [key, value] of Object.entries(source ?? {})) if (value !== undefined) headers.set(key, String(value));
  }
  let body: string | Uint8Array | undefined;
  if (input.body !== undefined && operation.bodyContentType !== undefined) {
    headers.set('content-type', operation.bodyContentType);
    body = encodeBody(operation.bodyContentType, input.body);
  }
  const response = await (options.fetch ?? fetch)(url, {
    method: operation.method.toUpperCase(),
    headers,
    body: body ?? null,
    signal: call.signal ?? null,
  });
  const text = await response.text();
  const parsed: unknown =
    text !== '' && isJson(response.headers.get('content-type')) ? JSON.parse(text) : text === '' ? undefined : text;
  if (!declares(operation.statuses, response.status)) throw new UnexpectedResponseError(response.status, parsed, name);
  return { status: response.status, body: parsed, headers: response.headers };
}

/**
 * Builds a client object with one method per operation. Generated clients call this with their
 * operation table and give the result its precise type.
 */
export function createClient(
  operations: Readonly<Record<string, ClientOperation>>,
  basePath: string,
  options: ClientOptions,
): Record<
  string,
  (input?: CallInput, call?: CallOptions) => Promise<{ status: number; body: unknown; headers: Headers }>
> {
  const client: Record<
    string,
    (input?: CallInput, call?: CallOptions) => Promise<{ status: number; body: unknown; headers: Headers }>
  > = {};
  for (const [name, operation] of Object.entries(operations)) {
    client[name] = (input, call) => callOperation(name, operation, basePath, options, input, call);
  }
  return client;
}
