/**
 * The SpecFirst intermediate representation (IR).
 *
 * This file is the contract between spec-core and every consumer (codegen, the ESLint plugin,
 * the CLI, and later messaging, fuzzing and agent tooling). It is documented in `docs/ir.md`.
 *
 * Rules the IR keeps:
 * - JSON-serialisable: plain objects, arrays, strings, numbers, booleans and null only.
 * - Deterministic: the same spec files give a byte-identical `JSON.stringify(ir)`.
 *   Lists are sorted by name (models, services, topics, tasks) or kept in source order where
 *   order carries meaning (properties, parameters, enum values, responses sorted by status).
 * - Located: every node carries an {@link IRLocation} pointing into the file that defined it.
 * - Versioned: a breaking change of these types bumps {@link IR_VERSION}. Adding an optional
 *   field is not breaking (consumers must already tolerate absent optional fields), so it does not.
 */

export const IR_VERSION = 1;

/** Where a node comes from. `file` is relative to the project root, with `/` separators. */
export interface IRLocation {
  file: string;
  /** RFC 6901 JSON pointer into the file's YAML/JSON document. */
  pointer: string;
  /** 1-based line and column of the node in the file. */
  line: number;
  column: number;
}

export interface SpecIR {
  irVersion: typeof IR_VERSION;
  project: IRProject;
  /** Every model, its `Create`/`Update` variants included, sorted by name. */
  models: IRModel[];
  services: IRService[];
  topics: IRTopic[];
  tasks: IRTask[];
  /** Who talks to whom: HTTP calls, events and tasks, sorted. */
  graph: IRGraphEdge[];
  /** Every file the IR was built from (relative paths, sorted), `$ref`'d files included. */
  sources: string[];
}

export interface IRProject {
  name: string;
  /** Folders relative to the project root, `/`-separated, without trailing slash. */
  specDir: string;
  outputDir: string;
  servicesDir: string;
  /** Files (globs) allowed to create the Express app and mount generated routers. */
  apps: string[];
  lint: IRLintSettings;
  /** How the project was given: a `specfirst.yaml` project, or a standalone OpenAPI document. */
  kind: 'project' | 'openapi';
}

export interface IRLintSettings {
  /** Globs (relative to the project root) where ad-hoc runtime schemas are allowed. */
  allowAdhocSchemas: string[];
  /** Globs where manual routers are allowed. */
  allowManualRouters: string[];
}

// ---------------------------------------------------------------------------------------------
// Schemas

/** Fields every schema node has. */
export interface IRSchemaBase {
  description?: string;
  title?: string;
  /** The value is `null` or matches the schema (`nullable: true`, or `type: [X, 'null']`). */
  nullable: boolean;
  default?: JsonValue;
  examples?: JsonValue[];
  deprecated?: boolean;
  loc: IRLocation;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface IRStringSchema extends IRSchemaBase {
  kind: 'string';
  format?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: string[];
  const?: string;
}

export interface IRNumberSchema extends IRSchemaBase {
  kind: 'number' | 'integer';
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  enum?: number[];
  const?: number;
}

export interface IRBooleanSchema extends IRSchemaBase {
  kind: 'boolean';
  const?: boolean;
}

export interface IRNullSchema extends IRSchemaBase {
  kind: 'null';
}

export interface IRArraySchema extends IRSchemaBase {
  kind: 'array';
  items: IRSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

export interface IRProperty {
  /** The property name exactly as written (may be any string; consumers must quote it). */
  name: string;
  schema: IRSchema;
  required: boolean;
  /** Set by the server only: absent from `Create`/`Update` variants. */
  readonly: boolean;
  /** Accepted on input, never returned (OpenAPI `writeOnly`). */
  writeonly: boolean;
  loc: IRLocation;
}

export interface IRObjectSchema extends IRSchemaBase {
  kind: 'object';
  /** In source order. */
  properties: IRProperty[];
  /**
   * `false`: unknown keys are rejected; `true`: allowed and kept; a schema: allowed when they match.
   * Absent: the spec did not say; codegen rejects unknown keys of request bodies by default.
   */
  additionalProperties?: boolean | IRSchema;
  minProperties?: number;
  maxProperties?: number;
}

/** A reference to a named model (or variant) of {@link SpecIR.models}. */
export interface IRRefSchema extends IRSchemaBase {
  kind: 'ref';
  /** Name of the target model, e.g. `User` or `UserCreate`. */
  model: string;
  /** Where the target model is defined (the `loc` of this node is where the reference is used). */
  target: IRLocation;
}

export interface IRDiscriminator {
  propertyName: string;
  /** Discriminator value → model name, in source order. */
  mapping: { value: string; model: string }[];
}

/** `oneOf` / `anyOf`: a value matching one (or any) of the variants. */
export interface IRUnionSchema extends IRSchemaBase {
  kind: 'oneOf' | 'anyOf';
  variants: IRSchema[];
  discriminator?: IRDiscriminator;
}

/** `allOf`: a value matching every part (commonly model composition). */
export interface IRAllOfSchema extends IRSchemaBase {
  kind: 'allOf';
  parts: IRSchema[];
}

/** Values of mixed types listed with `enum` / `const` and no single `type`. */
export interface IRLiteralSchema extends IRSchemaBase {
  kind: 'literal';
  values: JsonValue[];
}

/** No constraint at all (`{}` or a schema without `type`). */
export interface IRAnySchema extends IRSchemaBase {
  kind: 'any';
}

export type IRSchema =
  | IRStringSchema
  | IRNumberSchema
  | IRBooleanSchema
  | IRNullSchema
  | IRArraySchema
  | IRObjectSchema
  | IRRefSchema
  | IRUnionSchema
  | IRAllOfSchema
  | IRLiteralSchema
  | IRAnySchema;

// ---------------------------------------------------------------------------------------------
// Models

export interface IRModel {
  /** The model's name as the spec writes it. */
  name: string;
  /** A safe TypeScript type name (equal to `name` for models in our own format). */
  identifier: string;
  /** `model`: declared in the spec. `create`/`update`: variants derived from `variantOf`. */
  variant: 'model' | 'create' | 'update';
  /** For variants: the name of the declared model they derive from. */
  variantOf?: string;
  schema: IRSchema;
  description?: string;
  /** The service whose OpenAPI document declared this model, when imported. */
  fromService?: string;
  loc: IRLocation;
}

// ---------------------------------------------------------------------------------------------
// Services and operations

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

export interface IRService {
  name: string;
  /** PascalCase form of `name`, safe as part of a TypeScript identifier (`create<Ident>App`). */
  identifier: string;
  type: 'http' | 'worker';
  port?: number;
  description?: string;
  /** The REST description the operations came from (absent for workers). */
  rest?: { format: 'specfirst' | 'openapi'; file: string };
  /** Prefix every operation path is mounted under (`''` or e.g. `/api`). */
  basePath: string;
  tags: IRTag[];
  /** Sorted by tag file name, then in source order. */
  operations: IROperation[];
  securitySchemes: IRSecurityScheme[];
  /** Infrastructure the service may reach: `database`, `internet`, `redis`, ... */
  access: string[];
  /** Operations other services may call; absent means every operation. */
  exposes?: string[];
  consumes: IRConsumes;
  /**
   * The API's own identity, from the `info` of an imported OpenAPI document. Absent for services in
   * our format (and for a document whose `info` holds nothing usable).
   */
  info?: IRServiceInfo;
  loc: IRLocation;
}

/**
 * An OpenAPI document's `info`, as written: only string values are kept, anything else is left out.
 * Values are not checked further (a `url` may not be a URL). Every field is optional, since an
 * invalid document may lack `title` or `version`; the object is present only when one field is.
 */
export interface IRServiceInfo {
  title?: string;
  /** OpenAPI 3.1 only. */
  summary?: string;
  description?: string;
  version?: string;
  termsOfService?: string;
  /** Present when at least one of its fields is. */
  contact?: { name?: string; url?: string; email?: string };
  /** Present when the document's license has a string `name` (which OpenAPI requires). */
  license?: { name: string; identifier?: string; url?: string };
}

export interface IRConsumes {
  operations: { service: string; operationId: string; loc: IRLocation }[];
  topics: { topic: string; loc: IRLocation }[];
  tasks: { task: string; loc: IRLocation }[];
}

export interface IRTag {
  /** As written in the spec (may contain spaces for OpenAPI tags, e.g. `User and Authentication`). */
  name: string;
  /** PascalCase identifier: `UserAndAuthentication` → `UserAndAuthenticationController`. */
  identifier: string;
  /** kebab-case file stem, safe as one path segment: `user-and-authentication`. */
  fileName: string;
  description?: string;
  /** operationIds in this tag, in source order. */
  operations: string[];
  loc: IRLocation;
}

export interface IRParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  /** For path parameters: the name used in {@link IROperation.expressPath}. */
  expressName?: string;
  required: boolean;
  schema: IRSchema;
  description?: string;
  deprecated?: boolean;
  loc: IRLocation;
}

export interface IRBody {
  contentType: string;
  required: boolean;
  schema: IRSchema;
  description?: string;
  loc: IRLocation;
}

export interface IRResponseHeader {
  name: string;
  required: boolean;
  schema: IRSchema;
  description?: string;
  loc: IRLocation;
}

export interface IRResponse {
  /** An HTTP status (100–599), a range such as `4XX` (OpenAPI), or `default`. */
  status: number | `${1 | 2 | 3 | 4 | 5}XX` | 'default';
  description: string;
  contentType?: string;
  /** Absent when the response has no body. */
  schema?: IRSchema;
  headers: IRResponseHeader[];
  loc: IRLocation;
}

export interface IRSecurityScheme {
  name: string;
  type: 'http' | 'apiKey' | 'oauth2' | 'openIdConnect' | 'mutualTLS';
  /** For `http`: `bearer`, `basic`, ... */
  scheme?: string;
  bearerFormat?: string;
  /** For `apiKey`: where the key travels and under which name. */
  in?: 'header' | 'query' | 'cookie';
  paramName?: string;
  description?: string;
  loc: IRLocation;
}

/** All schemes of one requirement must pass (AND). */
export interface IRSecurityRequirement {
  schemes: { scheme: string; scopes: string[] }[];
}

export interface IROperation {
  operationId: string;
  /** Safe method name for controllers and clients (camelCase). */
  identifier: string;
  service: string;
  /** Name of the tag (see {@link IRService.tags}). */
  tag: string;
  method: HttpMethod;
  /** The path as the spec writes it, without base path: `/users/{id}`. */
  path: string;
  /** The same path in Express 5 syntax, without base path: `/users/:id`. */
  expressPath: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  parameters: IRParameter[];
  body?: IRBody;
  /** Sorted by status, `default` last. */
  responses: IRResponse[];
  /**
   * Alternatives (OR) of requirements (AND). `[]` means the operation is public. For an imported
   * OpenAPI operation, a `security` override in services.yaml (`operations.<operationId>`) replaces
   * what the document says.
   */
  security: IRSecurityRequirement[];
  loc: IRLocation;
}

// ---------------------------------------------------------------------------------------------
// Events and tasks

export interface IRRetryPolicy {
  attempts: number;
  backoff: 'fixed' | 'exponential';
  delayMs: number;
  maxDelayMs?: number;
}

/** How long a stream keeps its entries: `XADD … MAXLEN ~ <maxLength>` or `MINID ~ <now − maxAgeMs>`. */
export type IRRetention = { maxLength: number } | { maxAgeMs: number };

export interface IRTopic {
  name: string;
  /** PascalCase of the name (`order.created` → `OrderCreated`), unique among topics: `publish<Identifier>`. */
  identifier: string;
  /** Model name of the message payload. */
  message: string;
  /** Version of the message's shape, written on the wire beside the type (`version`, default 1). */
  version: number;
  description?: string;
  producers: string[];
  /** Union of the topic's `consumers` and the services listing it under `consumes.topics`. */
  consumers: string[];
  /** `retry.attempts` is the delivery cap: after that many deliveries a failing message is dead-lettered. */
  retry: IRRetryPolicy;
  /**
   * Topic receiving messages that exhausted their retries, or failed validation on receive; it carries
   * the same `message` (SF5010). Absent: they go to the topic's default dead-letter stream,
   * `<topic>:dead-letter` (never dropped).
   */
  deadLetter?: string;
  /** How long an entry may sit unacknowledged before another consumer claims it (`claimAfterMs`, default 30000). */
  claimAfterMs: number;
  /** Trimming of the stream on publish (`MAXLEN ~` / `MINID ~`); absent: the stream keeps every entry. */
  retention?: IRRetention;
  /** Where a consumer group starts when it is first created: every entry already in the stream, or only new ones. */
  startFrom: 'beginning' | 'new';
  /** Handlers running at once per consumer (default 1). */
  concurrency: number;
  /**
   * A required top-level string or integer property of the message (checked: SF5007, SF5008): messages
   * with the same value are handled in order, one at a time.
   */
  orderingKey?: string;
  /**
   * A required top-level string or integer property of the message (checked: SF5007, SF5008) identifying
   * it for deduplication; its value is sent on the wire as `idempotency-key`.
   */
  idempotencyKey?: string;
  loc: IRLocation;
}

export interface IRTask {
  name: string;
  identifier: string;
  /** The worker service that runs it; its jobs go on that worker's queue (`@specfirst/spec-core/tasks`). */
  worker: string;
  /** Services that may enqueue it: those listing it under `consumes.tasks`, sorted. Each gets `enqueue<Task>`. */
  enqueuers: string[];
  args: string;
  result?: string;
  description?: string;
  /** `attempts` is the number of runs before the job is dead-lettered (default 3, `DEFAULT_TASK_RETRY`). */
  retry: IRRetryPolicy;
  /** Hard time limit of one attempt: the handler's signal aborts and the attempt fails as a time-limit error. Absent: no limit. */
  timeoutMs?: number;
  /** Cron expression (5 or 6 fields) when the task also runs on a schedule. Its args model accepts `{}` (SF5012). */
  schedule?: string;
  loc: IRLocation;
}

// ---------------------------------------------------------------------------------------------
// Graph

export interface IRGraphEdge {
  from: string;
  to: string;
  kind: 'operation' | 'topic' | 'task';
  /** operationId, topic name or task name the edge carries. */
  via: string;
}
