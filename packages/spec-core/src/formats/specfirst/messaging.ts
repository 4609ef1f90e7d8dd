/**
 * `spec/events.yaml` (topics) and `spec/tasks.yaml` (background tasks): read into the IR with their
 * defaults, and checked. Topics become typed publishers and consumers on Redis Streams; tasks become
 * typed producers and workers on BullMQ (or the in-memory queue).
 */
import { type BuildContext, locBelow } from '../../load/context.js';
import { compareStrings } from '../../diagnostics/diagnostics.js';
import type {
  IRLocation,
  IRModel,
  IRProperty,
  IRRetryPolicy,
  IRSchema,
  IRService,
  IRTask,
  IRTopic,
} from '../../ir/ir.js';
import { diagnosticAt, diagnosticAtLoc, irLoc, relatedAt } from '../../diagnostics/location.js';
import { methodIdentifierFor, NAME_PATTERNS, toCamelCase, toPascalCase } from '../../util/names.js';
import { isRecord, stringList } from '../../util/records.js';
import { closest, didYouMean } from '../../diagnostics/suggest.js';
import { joinPointer } from '../../util/json-pointer.js';
import { DEAD_LETTER_SUFFIX } from '../../messaging/streams.js';
import { DEAD_LETTER_QUEUE_SUFFIX, deadLetterQueueName, taskQueueName } from '../../messaging/tasks.js';
import type { SourceFile } from '../../yaml/source-file.js';
import { valueProblem, type ValueProblem } from '../../ir/value-problem.js';

export const DEFAULT_TOPIC_RETRY: IRRetryPolicy = { attempts: 5, backoff: 'exponential', delayMs: 1000 };
/** Defaults of the delivery keys of a topic (docs/spec-format.md, `spec/events.yaml`). */
export const TOPIC_DEFAULTS = { version: 1, claimAfterMs: 30_000, startFrom: 'beginning', concurrency: 1 } as const;
export const DEFAULT_TASK_RETRY: IRRetryPolicy = { attempts: 3, backoff: 'exponential', delayMs: 1000 };

function readRetry(raw: unknown, defaults: IRRetryPolicy): IRRetryPolicy {
  const retry: IRRetryPolicy = { ...defaults };
  if (!isRecord(raw)) return retry;
  if (typeof raw.attempts === 'number') retry.attempts = raw.attempts;
  if (raw.backoff === 'fixed' || raw.backoff === 'exponential') retry.backoff = raw.backoff;
  if (typeof raw.delayMs === 'number') retry.delayMs = raw.delayMs;
  if (typeof raw.maxDelayMs === 'number') retry.maxDelayMs = raw.maxDelayMs;
  return retry;
}

/** A `maxDelayMs` below the first delay contradicts it (the schema checks each bound alone). */
function checkRetry(ctx: BuildContext, source: SourceFile, pointer: string, raw: unknown, retry: IRRetryPolicy): void {
  if (retry.maxDelayMs === undefined || retry.maxDelayMs >= retry.delayMs) return;
  const written = isRecord(raw) && typeof raw.delayMs === 'number';
  ctx.diagnostics.push(
    diagnosticAt(source, joinPointer(joinPointer(pointer, 'retry'), 'maxDelayMs'), {
      code: 'SF5011',
      message: `\`retry.maxDelayMs\` (${retry.maxDelayMs}) is below the first delay, \`retry.delayMs\` (${retry.delayMs}${written ? '' : ', the default'})`,
      hint: `the longest delay must be at least the first: raise \`maxDelayMs\` to ${retry.delayMs} or more, or lower \`delayMs\``,
    }),
  );
}

export function readTopics(ctx: BuildContext, source: SourceFile | undefined): IRTopic[] {
  const doc = source && isRecord(source.value) && isRecord(source.value.topics) ? source.value.topics : {};
  const topics: IRTopic[] = [];
  const byIdentifier = new Map<string, IRTopic>();
  for (const [name, raw] of Object.entries(doc)) {
    if (!isRecord(raw) || !source || !NAME_PATTERNS.topic.test(name)) continue;
    const pointer = joinPointer('/topics', name);
    const topic: IRTopic = {
      name,
      identifier: toPascalCase(name),
      message: typeof raw.message === 'string' ? raw.message : '',
      version: typeof raw.version === 'number' ? raw.version : TOPIC_DEFAULTS.version,
      producers: stringList(raw.producers),
      consumers: stringList(raw.consumers),
      retry: readRetry(raw.retry, DEFAULT_TOPIC_RETRY),
      claimAfterMs: typeof raw.claimAfterMs === 'number' ? raw.claimAfterMs : TOPIC_DEFAULTS.claimAfterMs,
      startFrom: raw.startFrom === 'new' ? 'new' : TOPIC_DEFAULTS.startFrom,
      concurrency: typeof raw.concurrency === 'number' ? raw.concurrency : TOPIC_DEFAULTS.concurrency,
      loc: irLoc(source, pointer),
    };
    checkRetry(ctx, source, pointer, raw.retry, topic.retry);
    if (isRecord(raw.retention)) {
      if (typeof raw.retention.maxLength === 'number') topic.retention = { maxLength: raw.retention.maxLength };
      else if (typeof raw.retention.maxAgeMs === 'number') topic.retention = { maxAgeMs: raw.retention.maxAgeMs };
      const both = 'maxLength' in raw.retention && 'maxAgeMs' in raw.retention;
      // Other keys are the schema's to report (a misspelt `maxLen` gets its "did you mean").
      if (both || Object.keys(raw.retention).length === 0) {
        ctx.diagnostics.push(
          diagnosticAt(source, joinPointer(pointer, 'retention'), {
            code: 'SF5009',
            message: both
              ? `\`retention\` of \`${name}\` has both \`maxLength\` and \`maxAgeMs\``
              : `\`retention\` of \`${name}\` says neither how many entries nor how old`,
            hint: both
              ? 'a stream is trimmed by one rule: keep `maxLength` (entries) or `maxAgeMs` (milliseconds), not both'
              : 'give exactly one of `maxLength: <entries>` or `maxAgeMs: <milliseconds>`, or remove `retention` to keep every entry',
          }),
        );
      }
    }
    if (typeof raw.orderingKey === 'string') topic.orderingKey = raw.orderingKey;
    if (typeof raw.idempotencyKey === 'string') topic.idempotencyKey = raw.idempotencyKey;
    if (typeof raw.description === 'string') topic.description = raw.description;
    if (typeof raw.deadLetter === 'string') topic.deadLetter = raw.deadLetter;
    checkTopicName(ctx, source, topic, byIdentifier);
    topics.push(topic);
  }
  return topics.sort((a, b) => compareStrings(a.name, b.name));
}

/**
 * A topic's identifier names its `publish<Identifier>` method and (lower-cased first) its handler
 * key: it must be unique, and the handler key must not be a member of every object.
 */
function checkTopicName(
  ctx: BuildContext,
  source: SourceFile,
  topic: IRTopic,
  byIdentifier: Map<string, IRTopic>,
): void {
  const handlerKey = toCamelCase(topic.name);
  if (methodIdentifierFor(handlerKey) === undefined) {
    ctx.diagnostics.push(
      diagnosticAt(
        source,
        topic.loc.pointer,
        {
          code: 'SF2005',
          message: `topic name \`${topic.name}\` would become the handler key \`${handlerKey}\`, a built-in member of every JavaScript object`,
          hint: `rename it, e.g. \`${topic.name}.event\``,
        },
        'key',
      ),
    );
  }
  const first = byIdentifier.get(topic.identifier);
  if (!first) {
    byIdentifier.set(topic.identifier, topic);
    return;
  }
  ctx.diagnostics.push(
    diagnosticAt(
      source,
      topic.loc.pointer,
      {
        code: 'SF5006',
        message: `topics \`${first.name}\` and \`${topic.name}\` both become \`${topic.identifier}\` in generated names (\`publish${topic.identifier}\`)`,
        hint: `rename \`${topic.name}\` or \`${first.name}\` (defined first): each topic needs a publish method and a handler key of its own`,
        related: [relatedAt(first.loc, `\`${first.name}\` is defined here`)],
      },
      'key',
    ),
  );
}

export function readTasks(ctx: BuildContext, source: SourceFile | undefined): IRTask[] {
  const doc = source && isRecord(source.value) && isRecord(source.value.tasks) ? source.value.tasks : {};
  const tasks: IRTask[] = [];
  for (const [name, raw] of Object.entries(doc)) {
    if (!isRecord(raw) || !source || !NAME_PATTERNS.task.test(name)) continue;
    const pointer = joinPointer('/tasks', name);
    const task: IRTask = {
      name,
      identifier: methodIdentifierFor(name) ?? toCamelCase(name),
      worker: typeof raw.worker === 'string' ? raw.worker : '',
      enqueuers: [], // filled once services are read
      args: typeof raw.args === 'string' ? raw.args : '',
      retry: readRetry(raw.retry, DEFAULT_TASK_RETRY),
      loc: irLoc(source, pointer),
    };
    checkRetry(ctx, source, pointer, raw.retry, task.retry);
    if (methodIdentifierFor(name) === undefined) {
      ctx.diagnostics.push(
        diagnosticAt(
          source,
          pointer,
          {
            code: 'SF2005',
            message: `task name \`${name}\` would shadow a built-in member of every JavaScript object`,
            hint: `rename it, e.g. \`${name}Task\``,
          },
          'key',
        ),
      );
      continue; // like an operation of that name, it stays out of the IR
    }
    if (typeof raw.result === 'string') task.result = raw.result;
    if (typeof raw.description === 'string') task.description = raw.description;
    if (typeof raw.timeoutMs === 'number') task.timeoutMs = raw.timeoutMs;
    if (typeof raw.schedule === 'string') {
      task.schedule = raw.schedule;
      const problem = cronProblem(raw.schedule);
      if (problem) {
        ctx.diagnostics.push(
          diagnosticAt(source, joinPointer(pointer, 'schedule'), {
            code: 'SF5004',
            message: `schedule \`${raw.schedule}\` is not a valid cron expression: ${problem}`,
            hint: 'use 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, e.g. `0 3 * * *`',
          }),
        );
      }
    }
    tasks.push(task);
  }
  return tasks.sort((a, b) => compareStrings(a.name, b.name));
}

/** The chain of topics from `topic` back to itself through `deadLetter`, if there is one. */
function deadLetterLoop(topic: IRTopic, topics: IRTopic[]): string[] | undefined {
  const chain = [topic.name];
  for (let next = topic.deadLetter; next !== undefined; next = topics.find((t) => t.name === next)?.deadLetter) {
    if (next === topic.name) return chain;
    if (chain.includes(next)) return undefined; // a loop further on; reported at its own topics
    chain.push(next);
  }
  return undefined;
}

/**
 * Checks what topics and tasks refer to: models, services, dead-letter topics, and the message
 * properties a topic's keys name (`models` are the finished ones, variants included).
 */
export function checkMessaging(
  ctx: BuildContext,
  topics: IRTopic[],
  tasks: IRTask[],
  services: IRService[],
  models: readonly IRModel[],
): void {
  const serviceNames = services.map((s) => s.name);
  const topicNames = topics.map((t) => t.name);
  const at = (loc: IRLocation, key: string, index?: number): IRLocation =>
    index === undefined ? locBelow(ctx, loc, key) : locBelow(ctx, loc, key, index);
  const checkService = (name: string, loc: IRLocation, role: string): IRService | undefined => {
    const service = services.find((s) => s.name === name);
    if (!service && !ctx.unparsed.services)
      ctx.diagnostics.push(
        diagnosticAtLoc(loc, {
          code: 'SF4001',
          message: `unknown service \`${name}\` ${role}`,
          hint: didYouMean(name, serviceNames, 'service'),
        }),
      );
    return service;
  };

  const modelsByName = new Map(models.map((m) => [m.name, m]));

  for (const topic of topics) {
    const known =
      topic.message !== '' && ctx.models.checkReference(topic.message, at(topic.loc, 'message'), ctx.diagnostics);
    const model = known ? modelsByName.get(topic.message) : undefined;
    if (model) {
      for (const key of ['orderingKey', 'idempotencyKey'] as const) {
        const property = topic[key];
        if (property !== undefined) checkKeyProperty(ctx, topic, key, property, model, modelsByName);
      }
    }
    topic.producers.forEach((p, i) =>
      checkService(p, at(topic.loc, 'producers', i), `as producer of \`${topic.name}\``),
    );
    topic.consumers.forEach((c, i) =>
      checkService(c, at(topic.loc, 'consumers', i), `as consumer of \`${topic.name}\``),
    );
    if (topic.deadLetter !== undefined) {
      const loop = deadLetterLoop(topic, topics);
      if (loop) {
        const message =
          loop.length === 1
            ? `topic \`${topic.name}\` is its own dead-letter topic`
            : `dead-letter topics loop: ${[...loop, topic.name].map((t) => `\`${t}\``).join(' → ')}`;
        ctx.diagnostics.push(
          diagnosticAtLoc(at(topic.loc, 'deadLetter'), {
            code: 'SF5005',
            message,
            hint: `failed messages would circle forever; end the chain with a topic that has no \`deadLetter\`, e.g. \`${topic.name}.dead\``,
          }),
        );
      }
      const target = topics.find((t) => t.name === topic.deadLetter);
      if (
        target &&
        target !== topic &&
        target.message !== topic.message &&
        // An unknown model is SF2001's: comparing it would only add noise.
        ctx.models.has(topic.message) &&
        ctx.models.has(target.message)
      ) {
        ctx.diagnostics.push(
          diagnosticAtLoc(at(topic.loc, 'deadLetter'), {
            code: 'SF5010',
            message: `dead-letter topic \`${target.name}\` carries \`${target.message}\`, but \`${topic.name}\` carries \`${topic.message}\``,
            hint: `a dead-lettered entry keeps its original payload: give \`${target.name}\` \`message: ${topic.message}\`, or leave out \`deadLetter\` to use the default stream \`${topic.name}${DEAD_LETTER_SUFFIX}\``,
            related: [relatedAt(at(target.loc, 'message'), `\`${target.name}\` carries \`${target.message}\` here`)],
          }),
        );
      }
      if (!loop && !target) {
        // The topic itself is never a good suggestion: that would be a loop.
        const candidates = topicNames.filter((t) => t !== topic.name);
        const hint =
          candidates.length > 0
            ? didYouMean(topic.deadLetter, candidates, 'topic')
            : `declare \`${topic.deadLetter}\` under \`topics\``;
        ctx.diagnostics.push(
          diagnosticAtLoc(at(topic.loc, 'deadLetter'), {
            code: 'SF5001',
            message: `unknown dead-letter topic \`${topic.deadLetter}\``,
            hint,
          }),
        );
      }
    }
  }
  for (const task of tasks) {
    if (task.args !== '') ctx.models.checkReference(task.args, at(task.loc, 'args'), ctx.diagnostics);
    if (task.result !== undefined) ctx.models.checkReference(task.result, at(task.loc, 'result'), ctx.diagnostics);
    const worker =
      task.worker === ''
        ? undefined
        : checkService(task.worker, at(task.loc, 'worker'), `as worker of \`${task.name}\``);
    if (worker && worker.type !== 'worker') {
      ctx.diagnostics.push(
        diagnosticAtLoc(at(task.loc, 'worker'), {
          code: 'SF5003',
          message: `task \`${task.name}\` runs on \`${worker.name}\`, which is an http service`,
          hint: 'tasks run on services of `type: worker`',
        }),
      );
    }
    const argsModel = task.schedule === undefined ? undefined : modelsByName.get(task.args);
    if (argsModel) checkScheduledArgs(ctx, task, argsModel, modelsByName);
  }
  checkTaskQueues(ctx, tasks, services);
}

/** Why `{}` is not a valid value of a schema: the first thing that refuses it. */
type EmptyArgsProblem =
  | { kind: 'property'; property: IRProperty; model: string }
  | { kind: 'default'; property: IRProperty; model: string; problem: ValueProblem }
  | { kind: 'not-object'; model: string; what: string }
  | { kind: 'min-properties'; model: string; min: number };

/**
 * Whether `{}` is valid for `schema` (with defaults applied, as a worker does on receive), and if
 * not, why. `model` is the model the schema belongs to, for messages. Unknown or cyclic references
 * are taken as accepting: they are reported elsewhere (SF2001, SF2002).
 */
function emptyArgsProblem(
  schema: IRSchema,
  model: string,
  models: ModelsByName,
  seen: ReadonlySet<string> = new Set(),
): EmptyArgsProblem | undefined {
  switch (schema.kind) {
    case 'any':
      return undefined;
    case 'object': {
      const property = schema.properties.find((p) => p.required && p.schema.default === undefined);
      if (property) return { kind: 'property', property, model };
      // The defaults fill `{}` in: each must be valid for its own property (its bounds, pattern, enum, model).
      for (const p of schema.properties) {
        if (p.schema.default === undefined) continue;
        const problem = valueProblem(p.schema.default, p.schema, models, seen);
        if (problem) return { kind: 'default', property: p, model, problem };
      }
      const defaulted = schema.properties.filter((p) => p.schema.default !== undefined).length;
      if (schema.minProperties !== undefined && schema.minProperties > defaulted)
        return { kind: 'min-properties', model, min: schema.minProperties };
      return undefined;
    }
    case 'ref': {
      const target = models.get(schema.model);
      if (!target || seen.has(schema.model)) return undefined;
      return emptyArgsProblem(target.schema, schema.model, models, new Set([...seen, schema.model]));
    }
    case 'allOf':
      return schema.parts.map((p) => emptyArgsProblem(p, model, models, seen)).find((p) => p !== undefined);
    case 'oneOf':
    case 'anyOf': {
      const problems = schema.variants.map((v) => emptyArgsProblem(v, model, models, seen));
      const accepting = problems.filter((p) => p === undefined).length;
      if (schema.kind === 'anyOf' ? accepting >= 1 : accepting === 1) return undefined;
      if (accepting > 1) return { kind: 'not-object', model, what: 'a `oneOf` of which several variants accept it' };
      return problems[0] ?? { kind: 'not-object', model, what: `a \`${schema.kind}\` without variants` };
    }
    case 'array':
      return { kind: 'not-object', model, what: 'an array' };
    case 'literal':
      return { kind: 'not-object', model, what: 'an enum' };
    default:
      return { kind: 'not-object', model, what: `a ${schema.kind}` };
  }
}

/**
 * A schedule enqueues its task with args `{}` (defaults applied on receive): the args model must
 * accept that, or every scheduled run would fail at once as invalid args (SF5012).
 */
function checkScheduledArgs(ctx: BuildContext, task: IRTask, argsModel: IRModel, models: ModelsByName): void {
  const problem = emptyArgsProblem(argsModel.schema, argsModel.name, models);
  if (!problem) return;
  const loc = locBelow(ctx, task.loc, 'schedule');
  const why = 'a schedule enqueues the task with no args (`{}`)';
  switch (problem.kind) {
    case 'property':
      ctx.diagnostics.push(
        diagnosticAtLoc(loc, {
          code: 'SF5012',
          message: `task \`${task.name}\` runs on a schedule, but its args model \`${task.args}\` requires \`${problem.property.name}\`${problem.model === task.args ? '' : ` (of \`${problem.model}\`)`}, which has no default`,
          hint: `give \`${problem.property.name}\` a default or make it optional, since ${why}`,
          related: [relatedAt(problem.property.loc, `\`${problem.property.name}\` is declared here`)],
        }),
      );
      return;
    case 'default': {
      const { property, problem: invalid } = problem;
      const where = invalid.at === '' ? '' : ` at \`${invalid.at}\``;
      ctx.diagnostics.push(
        diagnosticAtLoc(loc, {
          code: 'SF5012',
          message: `task \`${task.name}\` runs on a schedule, but the default of \`${property.name}\`${problem.model === task.args ? '' : ` (of \`${problem.model}\`)`} in its args model is not valid for it: ${JSON.stringify(property.schema.default)}${where} ${invalid.why}`,
          hint: `give \`${property.name}\` a default its schema accepts, since ${why} and its defaults fill them in`,
          related: [relatedAt(property.loc, `\`${property.name}\` is declared here`)],
        }),
      );
      return;
    }
    case 'min-properties':
      ctx.diagnostics.push(
        diagnosticAtLoc(loc, {
          code: 'SF5012',
          message: `task \`${task.name}\` runs on a schedule, but its args model \`${problem.model}\` needs at least ${problem.min} properties (\`minProperties\`)`,
          hint: `remove \`minProperties\` or give enough properties defaults, since ${why}`,
        }),
      );
      return;
    case 'not-object':
      ctx.diagnostics.push(
        diagnosticAtLoc(loc, {
          code: 'SF5012',
          message: `task \`${task.name}\` runs on a schedule, but its args model \`${problem.model}\` is ${problem.what}, not an object`,
          hint: `make \`${task.args}\` an object whose properties are optional or have defaults, since ${why}`,
        }),
      );
  }
}

/**
 * Each worker's jobs go on the queue named after it, and its dead letters on `<worker>-dead-letter`
 * (`@specfirst/spec-core/tasks`). Two workers `mailer` and `mailer-dead-letter` would share a queue:
 * the second's jobs would be read as the first's dead letters, and the first's dead letters run (SF5013).
 */
function checkTaskQueues(ctx: BuildContext, tasks: readonly IRTask[], services: readonly IRService[]): void {
  const workers = new Set(tasks.map((t) => t.worker));
  for (const service of services) {
    if (!workers.has(service.name) || !service.name.endsWith(DEAD_LETTER_QUEUE_SUFFIX)) continue;
    const owner = service.name.slice(0, -DEAD_LETTER_QUEUE_SUFFIX.length);
    const other = services.find((s) => s.name === owner);
    if (!other || !workers.has(owner) || deadLetterQueueName(owner) !== taskQueueName(service.name)) continue;
    ctx.diagnostics.push(
      diagnosticAtLoc(service.loc, {
        code: 'SF5013',
        message: `the task queue of worker \`${service.name}\` is the dead-letter queue of worker \`${owner}\` (\`${deadLetterQueueName(owner)}\`)`,
        hint: `rename \`${service.name}\` (e.g. \`${owner}-retries\`) so that no worker's name is another's followed by \`${DEAD_LETTER_QUEUE_SUFFIX}\``,
        related: [relatedAt(other.loc, `\`${owner}\` is defined here`)],
      }),
    );
  }
}

/** What a top-level property of a message model offers as a key: whether every message has it, and why not a usable value. */
interface KeyCandidate {
  required: boolean;
  /** Why its values are not a key (a phrase: `is a number`), or undefined for a non-null string or integer. */
  problem: string | undefined;
}

type ModelsByName = ReadonlyMap<string, IRModel>;

/**
 * The top-level properties of a message schema, following references; undefined when it has none
 * (not an object). `allOf` parts add up: a property is required, and a usable key, when one part
 * makes it so. In a `oneOf`/`anyOf`, only a property of every variant counts, and only when every
 * variant requires it and types it as a key.
 */
function topLevelProperties(
  schema: IRSchema,
  models: ModelsByName,
  seen: ReadonlySet<string> = new Set(),
): Map<string, KeyCandidate> | undefined {
  switch (schema.kind) {
    case 'object':
      return new Map(
        schema.properties.map((p) => [p.name, { required: p.required, problem: keyTypeProblem(p.schema, models) }]),
      );
    case 'ref': {
      const target = models.get(schema.model);
      if (!target || seen.has(schema.model)) return undefined;
      return topLevelProperties(target.schema, models, new Set([...seen, schema.model]));
    }
    case 'allOf': {
      const merged = new Map<string, KeyCandidate>();
      for (const part of schema.parts) {
        for (const [name, c] of topLevelProperties(part, models, seen) ?? []) {
          const before = merged.get(name);
          merged.set(
            name,
            before
              ? { required: before.required || c.required, problem: before.problem && c.problem }
              : { required: c.required, problem: c.problem },
          );
        }
      }
      return merged.size > 0 ? merged : undefined;
    }
    case 'oneOf':
    case 'anyOf': {
      const variants = schema.variants.map((v) => topLevelProperties(v, models, seen));
      if (variants.length === 0 || variants.some((v) => v === undefined)) return undefined;
      const [first, ...rest] = variants as Map<string, KeyCandidate>[];
      const common = new Map<string, KeyCandidate>();
      for (const [name, c] of first!) {
        const others = rest.map((v) => v.get(name));
        if (others.some((o) => o === undefined)) continue;
        const all = [c, ...(others as KeyCandidate[])];
        common.set(name, {
          required: all.every((o) => o.required),
          problem: all.find((o) => o.problem !== undefined)?.problem,
        });
      }
      return common;
    }
    default:
      return undefined;
  }
}

/** Why values of `schema` cannot be a key (which must be a non-null string or integer), if they cannot. */
function keyTypeProblem(
  schema: IRSchema,
  models: ModelsByName,
  seen: ReadonlySet<string> = new Set(),
): string | undefined {
  if (schema.nullable) return 'may be `null`';
  switch (schema.kind) {
    case 'string':
    case 'integer':
      return undefined;
    case 'number':
      return 'is a number';
    case 'boolean':
      return 'is a boolean';
    case 'null':
      return 'is always `null`';
    case 'array':
      return 'is an array';
    case 'object':
      return 'is an object';
    case 'any':
      return 'may be any value';
    case 'literal':
      return schema.values.every((v) => typeof v === 'string') ||
        schema.values.every((v) => typeof v === 'number' && Number.isInteger(v))
        ? undefined
        : 'mixes values of several types';
    case 'ref': {
      const target = models.get(schema.model);
      if (!target || seen.has(schema.model)) return undefined; // unknown or cyclic: reported elsewhere
      const problem = keyTypeProblem(target.schema, models, new Set([...seen, schema.model]));
      return problem && `${problem.replace(/^is /, 'is `' + schema.model + '`, ')}`;
    }
    case 'allOf': {
      const problems = schema.parts.map((p) => keyTypeProblem(p, models, seen));
      return problems.some((p) => p === undefined) ? undefined : problems[0];
    }
    case 'oneOf':
    case 'anyOf':
      return schema.variants.map((v) => keyTypeProblem(v, models, seen)).find((p) => p !== undefined);
  }
}

/** "did you mean" over a model's properties, or the list of them when none is close. */
function propertyHint(word: string, properties: readonly string[], model: string): string {
  const match = closest(word, properties);
  if (match !== undefined) return `did you mean \`${match}\`?`;
  if (properties.length === 0) return `\`${model}\` declares no properties`;
  const shown = [...properties].sort().slice(0, 8);
  const more = properties.length > shown.length ? `, … (${properties.length} in all)` : '';
  return `properties of \`${model}\`: ${shown.map((p) => `\`${p}\``).join(', ')}${more}`;
}

/** `orderingKey` / `idempotencyKey` must name a required top-level string or integer property of the message. */
function checkKeyProperty(
  ctx: BuildContext,
  topic: IRTopic,
  key: 'orderingKey' | 'idempotencyKey',
  property: string,
  model: IRModel,
  models: ModelsByName,
): void {
  const loc = locBelow(ctx, topic.loc, key);
  const properties = topLevelProperties(model.schema, models);
  if (!properties) {
    ctx.diagnostics.push(
      diagnosticAtLoc(loc, {
        code: 'SF5007',
        message: `\`${key}\` names \`${property}\`, but message \`${model.name}\` of \`${topic.name}\` has no properties`,
        hint: `\`${key}\` names a top-level property of the message; give \`${topic.name}\` an object model, or remove \`${key}\``,
      }),
    );
    return;
  }
  const usable = [...properties].filter(([, c]) => c.required && c.problem === undefined).map(([name]) => name);
  const others = usable.filter((n) => n !== property);
  const instead =
    others.length > 0
      ? `, or name one that is: ${others
          .sort()
          .slice(0, 5)
          .map((n) => `\`${n}\``)
          .join(', ')}`
      : '';
  const candidate = properties.get(property);
  if (!candidate) {
    ctx.diagnostics.push(
      diagnosticAtLoc(loc, {
        code: 'SF5007',
        message: `\`${key}\` names \`${property}\`, which is not a top-level property of \`${model.name}\` (the message of \`${topic.name}\`)`,
        hint: propertyHint(property, [...properties.keys()], model.name),
      }),
    );
    return;
  }
  if (!candidate.required) {
    ctx.diagnostics.push(
      diagnosticAtLoc(loc, {
        code: 'SF5008',
        message: `\`${key}\` names \`${property}\`, an optional property of \`${model.name}\``,
        hint: `every message must have the key: make \`${property}\` required in \`${model.name}\`${instead}`,
      }),
    );
  } else if (candidate.problem !== undefined) {
    ctx.diagnostics.push(
      diagnosticAtLoc(loc, {
        code: 'SF5008',
        message: `\`${key}\` names \`${property}\` of \`${model.name}\`, which ${candidate.problem}`,
        hint: `a key is a string or an integer, never null: make \`${property}\` one in \`${model.name}\`${instead}`,
      }),
    );
  }
}

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Names standing for `min`, `min + 1`, ... (`JAN` is month 1, `SUN` is day 0). */
  names?: readonly string[];
  /** Forms beyond values and ranges that BullMQ's cron-parser accepts in this field (`L`, `5#2`). */
  special?: RegExp;
}

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const CRON_SECOND: CronField = { name: 'second', min: 0, max: 59 };
const CRON_FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, special: /^L$/i },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  {
    name: 'day of week',
    min: 0,
    max: 7,
    names: DAY_NAMES,
    special: new RegExp(`^(L|([0-7]|${DAY_NAMES.join('|')})(L|#[1-5]))$`, 'i'),
  },
];

/** Why `expression` is not a cron expression BullMQ can run, or undefined when it is one. */
function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 && parts.length !== 6) return `expected 5 or 6 fields, found ${parts.length}`;
  const fields = parts.length === 6 ? [CRON_SECOND, ...CRON_FIELDS] : CRON_FIELDS;
  for (const [i, part] of parts.entries()) {
    const field = fields[i]!;
    if (part.split(',').every((item) => isCronItem(item, field))) continue;
    const names = field.names ? ` or ${field.names[0]}–${field.names[field.names.length - 1]}` : '';
    return `\`${part}\` is not a valid ${field.name} (${field.min}–${field.max}${names})`;
  }
  return undefined;
}

/** `*`, `?`, a value or a range `a-b`, each with an optional step `/n`; or the field's special form. */
function isCronItem(item: string, field: CronField): boolean {
  if (field.special?.test(item)) return true;
  const [range = '', step, ...rest] = item.split('/');
  if (rest.length > 0 || (step !== undefined && !/^[1-9][0-9]*$/.test(step))) return false;
  if (range === '*' || range === '?') return true;
  const bounds = range.split('-').map((text) => cronValue(text, field));
  if (bounds.length > 2 || bounds.some((b) => b === undefined)) return false;
  return bounds.length === 1 || bounds[0]! <= bounds[1]!;
}

function cronValue(text: string, field: CronField): number | undefined {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named !== -1) return field.min + named;
  if (!/^[0-9]{1,2}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}
