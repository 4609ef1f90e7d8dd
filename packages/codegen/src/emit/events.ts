import type { IRService, IRTopic, SpecIR } from '@specfirst/spec-core';
import { referencedModels, type ModelIndex } from '../json-schema.js';
import {
  consumersFactory,
  eventsModule,
  eventValidatorsModule,
  handlerKey,
  handlersInterface,
  MODELS_MODULE,
  publisherFactory,
  publisherInterface,
  publishMethod,
  relativeSpecifier,
  topicConst,
} from '../names.js';
import {
  arrayLiteral,
  call,
  functionDeclaration,
  group,
  hardline,
  indent,
  objectLiteral,
  parameterList,
  print,
  type Doc,
} from './doc.js';
import { comment, propertyKey, str } from './ts.js';
import { interfaceDoc, member, text } from './types.js';

/** The topics a service publishes and consumes (each in `ir.topics` order), and all it touches. */
export interface ServiceEvents {
  produced: IRTopic[];
  consumed: IRTopic[];
  /** Produced or consumed, once each. */
  topics: IRTopic[];
}

/**
 * What a service does with events, from the declared pairs only: `producers` of a topic, and its
 * `consumers` (which spec-core has merged with the service's `consumes.topics`).
 */
export function serviceEvents(ir: SpecIR, service: Pick<IRService, 'name'>): ServiceEvents {
  const produced = ir.topics.filter((t) => t.producers.includes(service.name));
  const consumed = ir.topics.filter((t) => t.consumers.includes(service.name));
  const topics = ir.topics.filter((t) => produced.includes(t) || consumed.includes(t));
  return { produced, consumed, topics };
}

/** The message models of some topics and every model they use, sorted; unknown models (a spec with errors) left out. */
export function messageModels(topics: readonly IRTopic[], models: ModelIndex): string[] {
  const messages = [...new Set(topics.map((topic) => topic.message))].filter((name) => models.has(name));
  const used = referencedModels(
    messages.map((name) => models.get(name)!.schema),
    models,
  );
  return [...new Set([...messages, ...used])].sort();
}

/** The services that publish or consume at least one topic, in `ir.services` order. */
export function eventServices(ir: SpecIR): IRService[] {
  return ir.services.filter((service) => serviceEvents(ir, service).topics.length > 0);
}

/**
 * `events/<service>/index.ts`: the definition of every topic the service touches (`<topic>Topic`:
 * its stream, delivery keys and precompiled validator, which the runtime reads), then, when it
 * publishes, `<Service>Publisher` with one `publish<Topic>` per produced topic and
 * `create<Service>Publisher(sink | broker)`, and when it consumes, `<Service>Handlers` with one
 * handler per consumed topic and `create<Service>Consumers(handlers, options)`. Every loop is the
 * runtime's (`@specfirst/runtime/events`); this module only holds tables and typed wrappers.
 *
 * `validators` names the export of each message model in `events/<service>/validators.js`.
 */
export function emitEvents(
  service: IRService,
  events: ServiceEvents,
  models: ModelIndex,
  validators: ReadonlyMap<string, string>,
): string {
  const self = eventsModule(service);
  const { produced, consumed, topics } = events;
  const messageType = (topic: IRTopic): string => {
    const model = models.get(topic.message);
    return model ? `M.${model.identifier}` : 'unknown';
  };
  const out: string[] = [];

  const values = [
    ...(consumed.length > 0 ? ['createConsumers'] : []),
    ...(produced.length > 0 ? ['eventSink', 'publish'] : []),
  ];
  const types = [
    ...(produced.length > 0 ? ['BrokerSinkOptions'] : []),
    ...(consumed.length > 0 ? ['ConsumerOptions', 'Consumers'] : []),
    ...(produced.length > 0 ? ['EventBroker'] : []),
    ...(consumed.length > 0 ? ['EventHandler'] : []),
    ...(produced.length > 0 ? ['EventSink', 'PublishOptions'] : []),
    'TopicDefinition',
  ];
  out.push(
    print([
      'import ',
      objectLiteral([...values, ...types.map((t) => `type ${t}`)]),
      ` from '@specfirst/runtime/events';`,
    ]).trimEnd(),
  );
  if (topics.some((topic) => models.has(topic.message)))
    out.push(`import type * as M from '${relativeSpecifier(self, MODELS_MODULE)}';`);
  const validatorNames = [...new Set(topics.flatMap((topic) => validators.get(topic.message) ?? []))].sort();
  if (validatorNames.length > 0)
    out.push(
      print([
        'import ',
        objectLiteral(validatorNames),
        ` from '${relativeSpecifier(self, eventValidatorsModule(service))}';`,
      ]).trimEnd(),
    );
  out.push('');

  for (const topic of topics) out.push(emitTopic(topic, messageType(topic), validators.get(topic.message)));

  if (produced.length > 0) {
    const methods = produced.map((topic) => [
      comment([
        `Validates \`message\` and appends it to \`${topic.name}\`; resolves to the stream entry id. An invalid message throws \`EventValidationError\` and nothing is sent.`,
      ]),
      group([
        publishMethod(topic),
        parameterList([`message: ${messageType(topic)}`, 'options?: PublishOptions']),
        ': Promise<string>',
      ]),
    ]);
    out.push(
      print([
        comment([`What \`${service.name}\` publishes: one method per topic it produces.`]),
        interfaceDoc(`export interface ${publisherInterface(service)}`, methods),
      ]),
    );
    const entries: Doc[] = produced.map((topic) => [
      publishMethod(topic),
      '(message, publishOptions) {',
      indent([hardline, 'return ', call('publish', ['sink', topicConst(topic), 'message', 'publishOptions']), ';']),
      hardline,
      '}',
    ]);
    out.push(
      print([
        comment([
          `Publishes what \`${service.name}\` produces, to its streams through a broker (\`${publisherFactory(service)}(redisBroker(url))\`, \`options.prefix\` before every stream key) or into a transactional outbox (\`${publisherFactory(service)}(outbox.sink(tx))\`).`,
        ]),
        functionDeclaration(
          `export function ${publisherFactory(service)}`,
          ['target: EventSink | EventBroker', 'options?: BrokerSinkOptions'],
          publisherInterface(service),
          [
            // A broker is wrapped in `brokerSink`; a sink (an outbox's) is used as it is.
            'const sink = eventSink(target, options);',
            ['return ', objectLiteral(entries, { expanded: true }), ';'],
          ],
        ),
      ]),
    );
  }

  if (consumed.length > 0) {
    const handlers = consumed.map((topic) =>
      member(
        [topic.description, `Handles \`${topic.name}\`.`],
        propertyKey(handlerKey(topic)),
        text(`EventHandler<${messageType(topic)}>`),
      ),
    );
    out.push(
      print([
        comment([
          `The handlers of \`${service.name}\`, one per topic it consumes: each gets the validated message and its context (entry id, delivery count, logger, abort signal).`,
        ]),
        interfaceDoc(`export interface ${handlersInterface(service)}`, handlers),
      ]),
    );
    const bindings = consumed.map((topic) =>
      objectLiteral([`topic: ${topicConst(topic)}`, `handler: handlers.${handlerKey(topic)}`]),
    );
    out.push(
      print([
        comment([
          `The consumers of \`${service.name}\` (consumer group \`${service.name}\` on each stream). \`start()\` creates the groups, drains this consumer's own pending entries, then reads new ones; \`stop()\` stops reading, waits for handlers in flight and leaves unfinished entries pending for redelivery.`,
        ]),
        functionDeclaration(
          `export function ${consumersFactory(service)}`,
          [`handlers: ${handlersInterface(service)}`, 'options: ConsumerOptions'],
          'Consumers',
          [
            [
              'return ',
              call('createConsumers', [
                str(service.name),
                arrayLiteral(bindings, { objectKeys: bindings.map(() => 2) }),
                'options',
              ]),
              ';',
            ],
          ],
        ),
      ]),
    );
  }
  return out.join('\n');
}

/** `export const orderCreatedTopic: TopicDefinition<M.OrderCreated> = { … }`: only the keys the IR has. */
function emitTopic(topic: IRTopic, messageType: string, validator: string | undefined): string {
  const retry = topic.retry;
  const fields: Doc[] = [
    `name: ${str(topic.name)}`,
    `messageType: ${str(topic.message)}`,
    `version: ${topic.version}`,
    [
      'retry: ',
      objectLiteral([
        `attempts: ${retry.attempts}`,
        `backoff: ${str(retry.backoff)}`,
        `delayMs: ${retry.delayMs}`,
        ...(retry.maxDelayMs !== undefined ? [`maxDelayMs: ${retry.maxDelayMs}`] : []),
      ]),
    ],
    ...(topic.deadLetter !== undefined ? [`deadLetter: ${str(topic.deadLetter)}`] : []),
    `claimAfterMs: ${topic.claimAfterMs}`,
    ...(topic.retention !== undefined
      ? [
          [
            'retention: ',
            objectLiteral(
              'maxLength' in topic.retention
                ? [`maxLength: ${topic.retention.maxLength}`]
                : [`maxAgeMs: ${topic.retention.maxAgeMs}`],
            ),
          ],
        ]
      : []),
    `startFrom: ${str(topic.startFrom)}`,
    `concurrency: ${topic.concurrency}`,
    ...(topic.orderingKey !== undefined ? [`orderingKey: ${str(topic.orderingKey)}`] : []),
    ...(topic.idempotencyKey !== undefined ? [`idempotencyKey: ${str(topic.idempotencyKey)}`] : []),
    // A message model unknown to the IR (a spec with errors) leaves a definition that does not compile.
    `validate: ${validator ?? 'undefined'}`,
  ];
  return print([
    comment([topic.description, `The topic \`${topic.name}\`: its stream, delivery settings and message validator.`]),
    `export const ${topicConst(topic)}: TopicDefinition<${messageType}> = `,
    objectLiteral(fields, { expanded: true }),
    ';',
  ]);
}
