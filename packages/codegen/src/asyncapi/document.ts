import {
  consumerGroup,
  deadLetterStreamKey,
  MESSAGE_CONTENT_TYPE,
  WIRE,
  type IRService,
  type IRTopic,
  type SpecIR,
} from '@specfirst/spec-core';
import { messageModels, serviceEvents } from '../emit/events.js';
import { indexModels, modelToJsonSchema, type JsonSchema, type JsonSchemaMode } from '../json-schema.js';
import { handlerKey, publishMethod } from '../names.js';
import { componentKey } from '../openapi/document.js';

/** The subset of an AsyncAPI 3.0 document this emitter writes: plain JSON, nothing else. */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description?: string };
  defaultContentType: string;
  servers: Record<string, AsyncApiServer>;
  channels: Record<string, AsyncApiChannel>;
  operations: Record<string, AsyncApiOperation>;
  components: {
    messages: Record<string, AsyncApiMessage>;
    schemas: Record<string, JsonSchema>;
  };
}

export interface AsyncApiServer {
  host: string;
  protocol: string;
  description: string;
}

export interface AsyncApiReference {
  $ref: string;
}

export interface AsyncApiChannel {
  address: string;
  description?: string;
  messages: Record<string, AsyncApiReference>;
}

export interface AsyncApiOperation {
  action: 'send' | 'receive';
  channel: AsyncApiReference;
  summary: string;
  description: string;
  messages: AsyncApiReference[];
}

export interface AsyncApiMessage {
  name: string;
  title: string;
  summary?: string;
  contentType: string;
  headers: JsonSchema;
  payload: JsonSchema;
}

/** As in the OpenAPI documents: the spec gives a service no version, and a fixed one keeps the output deterministic. */
const API_VERSION = '1.0.0';

/** The server of every document: where the streams live is a deployment's choice (`redisBroker(url)`). */
const REDIS_SERVER: AsyncApiServer = {
  host: 'localhost:6379',
  protocol: 'redis',
  description:
    'The Redis server holding the streams, one per topic, keyed by the topic name after the key prefix the service is given. The host here is the default; each deployment names its own.',
};

/**
 * The AsyncAPI 3.0 document of one service's events (`asyncapi/<service>.json`): a channel per
 * topic it touches (its address is the stream key, the topic name), a `send` operation per topic
 * it publishes and a `receive` operation per topic it consumes. A message's payload is its model's
 * JSON Schema (the converter the OpenAPI documents use, the models in `components.schemas` under
 * the same keys); its headers are the other fields of a stream entry (`WIRE` of
 * `@specfirst/spec-core/streams`). Objects whose keys come from the spec are built with
 * `Object.fromEntries`, which defines own properties.
 */
export function asyncApiDocument(ir: SpecIR, service: IRService): AsyncApiDocument {
  const models = indexModels(ir);
  const mode: JsonSchemaMode = {
    purpose: 'describe',
    ref: (name) => `#/components/schemas/${componentKey(models, name)}`,
  };
  const { produced, consumed, topics } = serviceEvents(ir, service);
  const channelId = (topic: IRTopic): string => handlerKey(topic);
  const messageKey = (topic: IRTopic): string => models.get(topic.message)?.identifier ?? topic.identifier;
  const channelRef = (topic: IRTopic): AsyncApiReference => ({ $ref: `#/channels/${channelId(topic)}` });
  const channelMessageRef = (topic: IRTopic): AsyncApiReference => ({
    $ref: `#/channels/${channelId(topic)}/messages/${messageKey(topic)}`,
  });

  const channels = Object.fromEntries(
    topics.map((topic): [string, AsyncApiChannel] => [
      channelId(topic),
      {
        address: topic.name,
        ...optional('description', topic.description),
        messages: Object.fromEntries([
          [messageKey(topic), { $ref: `#/components/messages/${topic.identifier}` }],
        ]) as Record<string, AsyncApiReference>,
      },
    ]),
  );
  const operations: Record<string, AsyncApiOperation> = Object.fromEntries([
    ...produced.map((topic): [string, AsyncApiOperation] => [
      publishMethod(topic),
      {
        action: 'send',
        channel: channelRef(topic),
        summary: `Publishes \`${topic.message}\` messages to \`${topic.name}\`.`,
        description: `\`${publishMethod(topic)}\` of the generated publisher: the message is validated, then appended to the stream with \`XADD\`${retention(topic)}.`,
        messages: [channelMessageRef(topic)],
      },
    ]),
    ...consumed.map((topic): [string, AsyncApiOperation] => [
      `receive${topic.identifier}`,
      {
        action: 'receive',
        channel: channelRef(topic),
        summary: `Handles \`${topic.name}\` (the \`${handlerKey(topic)}\` handler).`,
        description: `Read by the consumer group \`${consumerGroup(service.name)}\`, at least once: acknowledged after the handler succeeds, retried with ${topic.retry.backoff} backoff, and after ${topic.retry.attempts} deliveries (or at once, when the message is invalid) moved to the stream \`${deadLetterStreamKey(topic)}\`.`,
        messages: [channelMessageRef(topic)],
      },
    ]),
  ]);
  const messages = Object.fromEntries(
    topics.map((topic): [string, AsyncApiMessage] => [
      topic.identifier,
      {
        name: topic.message,
        title: `${topic.message} on ${topic.name}`,
        ...optional('summary', topic.description),
        contentType: MESSAGE_CONTENT_TYPE,
        headers: headers(topic),
        payload: { $ref: mode.ref(topic.message, false) },
      },
    ]),
  );
  const used = messageModels(topics, models).map((name) => models.get(name)!);
  return {
    asyncapi: '3.0.0',
    info: { title: service.name, version: API_VERSION, ...optional('description', service.description) },
    defaultContentType: MESSAGE_CONTENT_TYPE,
    servers: { redis: { ...REDIS_SERVER } },
    channels,
    operations,
    components: {
      messages,
      schemas: Object.fromEntries(
        used.map((model): [string, JsonSchema] => [
          componentKey(models, model.name),
          asyncApiSchema(modelToJsonSchema(model, models, mode)),
        ]),
      ),
    },
  };
}

function retention(topic: IRTopic): string {
  if (topic.retention === undefined) return '';
  return 'maxLength' in topic.retention
    ? ` (trimmed to about ${topic.retention.maxLength} entries, \`MAXLEN ~\`)`
    : ` (entries older than ${topic.retention.maxAgeMs} ms trimmed, \`MINID ~\`)`;
}

/** The fields of a stream entry besides `payload` (which holds the message as JSON), as a message's headers. */
function headers(topic: IRTopic): JsonSchema {
  const field = (name: string, schema: JsonSchema): [string, JsonSchema] => [name, schema];
  const properties = Object.fromEntries([
    field(WIRE.id, { type: 'string', description: 'The message id: a UUID unless the publisher gives one.' }),
    field(WIRE.type, { const: topic.message, description: 'The message model.' }),
    field(WIRE.version, { const: String(topic.version), description: "The topic's version." }),
    field(WIRE.contentType, { const: MESSAGE_CONTENT_TYPE, description: 'The media type of the payload field.' }),
    field(WIRE.traceparent, { type: 'string', description: 'W3C trace context, when the publisher had one.' }),
    field(WIRE.requestId, { type: 'string', description: 'The request that caused the message, when there was one.' }),
    ...(topic.idempotencyKey !== undefined
      ? [
          field(WIRE.idempotencyKey, {
            type: 'string',
            description: `The value of the message's \`${topic.idempotencyKey}\` field.`,
          }),
        ]
      : []),
    field(WIRE.replayFor, {
      type: 'string',
      description:
        'Set by a replay from the dead-letter stream: only this consumer group handles the entry, the others acknowledge it unseen.',
    }),
  ]);
  const required: string[] = [WIRE.id, WIRE.type, WIRE.version, WIRE.contentType];
  if (topic.idempotencyKey !== undefined) required.push(WIRE.idempotencyKey);
  return {
    type: 'object',
    description: `The fields of a stream entry beside \`${WIRE.payload}\`, which holds the message as JSON. Every value is a string.`,
    properties,
    required,
  };
}

/**
 * A JSON Schema of the OpenAPI converter as an AsyncAPI Schema Object: the same keywords, except
 * `discriminator`, which AsyncAPI writes as the property name alone (the `oneOf` still lists the
 * variants the mapping named).
 */
function asyncApiSchema(schema: JsonSchema): JsonSchema {
  if (typeof schema === 'boolean') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    let converted: unknown = value;
    if (key === 'discriminator' && isObject(value) && typeof value.propertyName === 'string')
      converted = value.propertyName;
    else if (DATA_KEYWORDS.has(key)) converted = value;
    else if (Array.isArray(value)) converted = value.map((item) => (isSchemaLike(item) ? asyncApiSchema(item) : item));
    else if (isObject(value)) converted = convertMembers(key, value);
    Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
  }
  return out as JsonSchema;
}

/** Keywords whose value is data, not a schema or a list or map of schemas. */
const DATA_KEYWORDS = new Set(['default', 'const', 'examples', 'enum', 'required', 'type']);
/** Keywords whose value is a map of schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);

function convertMembers(key: string, value: Record<string, unknown>): unknown {
  if (!SCHEMA_MAPS.has(key)) return asyncApiSchema(value as JsonSchema);
  const out: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value))
    Object.defineProperty(out, name, {
      value: isSchemaLike(inner) ? asyncApiSchema(inner) : inner,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSchemaLike(value: unknown): value is JsonSchema {
  return typeof value === 'boolean' || isObject(value);
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, V>>);
}
