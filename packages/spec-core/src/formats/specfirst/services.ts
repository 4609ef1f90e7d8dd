/**
 * `spec/services.yaml`: the services, what describes their REST API, and who they talk to.
 */
import type { BuildContext } from '../../load/context.js';
import { compareStrings } from '../../diagnostics/diagnostics.js';
import type { IRGraphEdge, IRLocation, IRService, IRTask, IRTopic } from '../../ir/ir.js';
import { diagnosticAt, diagnosticAtLoc, irLoc, relatedAt } from '../../diagnostics/location.js';
import { NAME_PATTERNS, toPascalCase } from '../../util/names.js';
import type { OperationOverrides } from '../../checks/operation-overrides.js';
import { checkConnectivity } from '../../checks/connectivity.js';
import { isRecord, stringList } from '../../util/records.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import { joinPointer } from '../../util/json-pointer.js';
import type { SourceFile } from '../../yaml/source-file.js';

export interface ServiceDraft {
  service: IRService;
  /** The REST description to load, relative to the spec folder. */
  restFile?: { format: 'specfirst' | 'openapi'; path: string; loc: IRLocation };
  /** Where each `exposes` entry is written, for precise errors once operations are known. */
  exposesLocs: IRLocation[];
  /** `operations`: overrides for the operations of the service's OpenAPI document. */
  operationOverrides?: OperationOverrides;
}

export function readServices(ctx: BuildContext, source: SourceFile): ServiceDraft[] {
  const doc = isRecord(source.value) && isRecord(source.value.services) ? source.value.services : {};
  const drafts: ServiceDraft[] = [];
  const ports = new Map<number, IRService>();
  const identifiers = new Map<string, IRService>();
  for (const [name, raw] of Object.entries(doc)) {
    if (!isRecord(raw) || !NAME_PATTERNS.service.test(name)) continue; // reported by the schema check
    const pointer = joinPointer('/services', name);
    const type = raw.type === 'worker' ? 'worker' : 'http';
    const consumes = isRecord(raw.consumes) ? raw.consumes : {};
    const at = (key: string, i: number): IRLocation =>
      irLoc(source, joinPointer(joinPointer(joinPointer(pointer, 'consumes'), key), i));
    const service: IRService = {
      name,
      identifier: toPascalCase(name),
      type,
      basePath: '',
      tags: [],
      operations: [],
      securitySchemes: [],
      access: stringList(raw.access),
      consumes: {
        // Entries without `service.` are reported by the schema check; guessing a service from them misleads.
        operations: stringList(consumes.operations).flatMap((ref, i) => {
          const dot = ref.indexOf('.');
          return dot <= 0
            ? []
            : [{ service: ref.slice(0, dot), operationId: ref.slice(dot + 1), loc: at('operations', i) }];
        }),
        topics: stringList(consumes.topics).map((topic, i) => ({ topic, loc: at('topics', i) })),
        tasks: stringList(consumes.tasks).map((task, i) => ({ task, loc: at('tasks', i) })),
      },
      loc: irLoc(source, pointer),
    };
    if (typeof raw.port === 'number') service.port = raw.port;
    if (typeof raw.description === 'string') service.description = raw.description;
    if (Array.isArray(raw.exposes)) service.exposes = stringList(raw.exposes);

    const draft: ServiceDraft = {
      service,
      exposesLocs: (service.exposes ?? []).map((_, i) =>
        irLoc(source, joinPointer(joinPointer(pointer, 'exposes'), i)),
      ),
    };
    const hasRest = typeof raw.rest === 'string';
    const hasOpenApi = typeof raw.openapi === 'string';
    if (hasRest && hasOpenApi) {
      ctx.diagnostics.push(
        diagnosticAt(
          source,
          joinPointer(pointer, 'openapi'),
          {
            code: 'SF4003',
            message: `service \`${name}\` has both \`rest\` and \`openapi\``,
            hint: 'a service has one REST description: keep one of them',
          },
          'key',
        ),
      );
    }
    // A missing or misspelt `type`, or a `port` of the wrong type, is already a schema error; the
    // kind checks below would only add errors that follow from the guess ("http service has no port").
    const typeKnown = raw.type === 'http' || raw.type === 'worker';
    if (type === 'http') {
      if (hasRest || hasOpenApi) {
        const key = hasRest ? 'rest' : 'openapi';
        draft.restFile = {
          format: hasRest ? 'specfirst' : 'openapi',
          path: String(raw[key]),
          loc: irLoc(source, joinPointer(pointer, key)),
        };
      } else if (typeKnown) {
        ctx.diagnostics.push(
          diagnosticAt(
            source,
            pointer,
            {
              code: 'SF4003',
              message: `http service \`${name}\` has no REST description`,
              hint: `add \`rest: rest/${name}.yaml\` (or \`openapi: <file>\`), or make it \`type: worker\``,
            },
            'key',
          ),
        );
      }
      if (typeKnown && raw.port === undefined) {
        ctx.diagnostics.push(
          diagnosticAt(
            source,
            pointer,
            {
              code: 'SF4003',
              message: `http service \`${name}\` has no \`port\``,
              hint: 'add `port: <number>` (e.g. 3000)',
            },
            'key',
          ),
        );
      }
    } else {
      for (const key of ['port', 'rest', 'openapi'] as const) {
        if (raw[key] !== undefined) {
          ctx.diagnostics.push(
            diagnosticAt(
              source,
              joinPointer(pointer, key),
              {
                code: 'SF4003',
                message: `worker service \`${name}\` cannot have \`${key}\``,
                hint: 'workers serve no HTTP API; use `type: http` or remove it',
              },
              'key',
            ),
          );
        }
      }
    }
    const overrides = readOperationOverrides(ctx, source, pointer, name, raw);
    if (overrides) draft.operationOverrides = overrides;
    const sameIdentifier = identifiers.get(service.identifier);
    if (sameIdentifier) {
      ctx.diagnostics.push(
        diagnosticAt(
          source,
          pointer,
          {
            code: 'SF2005',
            message: `services \`${sameIdentifier.name}\` and \`${name}\` both become \`${service.identifier}\` in generated names`,
            hint: 'rename one of them',
            related: [relatedAt(sameIdentifier.loc, `\`${sameIdentifier.name}\` is defined here`)],
          },
          'key',
        ),
      );
    } else identifiers.set(service.identifier, service);
    if (service.port !== undefined) {
      const other = ports.get(service.port);
      if (other) {
        ctx.diagnostics.push(
          diagnosticAt(source, joinPointer(pointer, 'port'), {
            code: 'SF4004',
            message: `port ${service.port} is used by \`${other.name}\` and \`${name}\``,
            hint: 'give each service its own port',
            related: [relatedAt(other.loc, `\`${other.name}\` is defined here`)],
          }),
        );
      } else ports.set(service.port, service);
    }
    drafts.push(draft);
  }
  return drafts;
}

/**
 * `operations` overrides operations of an imported OpenAPI document. On a service with our own
 * REST file it is refused, not merged: that file can say everything, and one place per operation
 * keeps it clear which one wins. A worker has no operations at all.
 */
function readOperationOverrides(
  ctx: BuildContext,
  source: SourceFile,
  servicePointer: string,
  name: string,
  raw: Record<string, unknown>,
): OperationOverrides | undefined {
  if (raw.operations === undefined) return undefined;
  const pointer = joinPointer(servicePointer, 'operations');
  const hasRest = typeof raw.rest === 'string';
  const hasOpenApi = typeof raw.openapi === 'string';
  if (raw.type === 'worker') {
    ctx.diagnostics.push(
      diagnosticAt(
        source,
        pointer,
        {
          code: 'SF4009',
          message: `worker service \`${name}\` cannot have \`operations\` overrides`,
          hint: 'workers serve no HTTP API; `operations` overrides the operations of an `openapi:` document: remove it',
        },
        'key',
      ),
    );
    return undefined;
  }
  if (hasRest && !hasOpenApi) {
    ctx.diagnostics.push(
      diagnosticAt(
        source,
        pointer,
        {
          code: 'SF4009',
          message: `service \`${name}\` has \`operations\` overrides, but they apply only to an imported OpenAPI document (\`openapi:\`)`,
          hint: `\`${String(raw.rest)}\` is the single place for its operations: set \`security\` on the operation there, and remove \`operations\``,
        },
        'key',
      ),
    );
    return undefined;
  }
  // With both `rest` and `openapi` (SF4003) or neither, the document is not imported: nothing to check against.
  if (!hasOpenApi || hasRest || !isRecord(raw.operations)) return undefined;
  return { service: name, source, pointer, entries: raw.operations };
}

/** Checks every cross-reference between services, topics and tasks, and builds the graph. */
export function linkServices(
  ctx: BuildContext,
  drafts: ServiceDraft[],
  topics: IRTopic[],
  tasks: IRTask[],
): IRGraphEdge[] {
  const services = drafts.map((d) => d.service);
  const byName = new Map(services.map((s) => [s.name, s]));
  const serviceNames = services.map((s) => s.name);
  const topicNames = topics.map((t) => t.name);
  const taskNames = tasks.map((t) => t.name);
  const edges: IRGraphEdge[] = [];
  const knownService = (name: string, loc: IRLocation, role: string): IRService | undefined => {
    const service = byName.get(name);
    if (!service && !ctx.unparsed.services) {
      ctx.diagnostics.push(
        diagnosticAtLoc(loc, {
          code: 'SF4001',
          message: `unknown service \`${name}\`${role}`,
          hint: didYouMean(name, serviceNames, 'service'),
        }),
      );
    }
    return service;
  };

  for (const { service, exposesLocs } of drafts) {
    const ownIds = service.operations.map((o) => o.operationId);
    // Operations of a REST description that did not parse are unknown, not missing.
    const operationsKnown = (name: string): boolean => !ctx.unparsed.operationsOf.has(name);
    (service.exposes ?? []).forEach((operationId, i) => {
      if (!ownIds.includes(operationId) && operationsKnown(service.name)) {
        const loc = exposesLocs[i] ?? service.loc;
        ctx.diagnostics.push(
          diagnosticAtLoc(loc, {
            code: 'SF4002',
            message: `service \`${service.name}\` exposes \`${operationId}\`, which is none of its operations`,
            hint: didYouMean(operationId, ownIds, 'operation'),
          }),
        );
      }
    });
    for (const use of service.consumes.operations) {
      if (use.service === service.name) {
        ctx.diagnostics.push(
          diagnosticAtLoc(use.loc, {
            code: 'SF4006',
            message: `service \`${service.name}\` lists its own operation \`${use.operationId}\``,
            hint: 'call your own code directly; `consumes` names other services',
          }),
        );
        continue;
      }
      const target = knownService(use.service, use.loc, ' in `consumes.operations`');
      if (!target) continue;
      const ids = target.operations.map((o) => o.operationId);
      if (!operationsKnown(target.name)) continue;
      if (!ids.includes(use.operationId)) {
        ctx.diagnostics.push(
          diagnosticAtLoc(use.loc, {
            code: 'SF4002',
            message: `service \`${target.name}\` has no operation \`${use.operationId}\``,
            hint: didYouMean(use.operationId, ids, 'operation'),
          }),
        );
        continue;
      }
      if (target.exposes && !target.exposes.includes(use.operationId)) {
        ctx.diagnostics.push(
          diagnosticAtLoc(use.loc, {
            code: 'SF4005',
            message: `\`${target.name}.${use.operationId}\` is not exposed to other services`,
            hint: `add \`${use.operationId}\` to \`exposes\` of \`${target.name}\`, or stop calling it`,
            related: [relatedAt(target.loc, `\`${target.name}\` is defined here`)],
          }),
        );
        continue;
      }
      edges.push({ from: service.name, to: target.name, kind: 'operation', via: use.operationId });
    }
    for (const use of service.consumes.topics) {
      if (!topicNames.includes(use.topic) && !ctx.unparsed.topics) {
        ctx.diagnostics.push(
          diagnosticAtLoc(use.loc, {
            code: 'SF5001',
            message: `unknown topic \`${use.topic}\``,
            hint: didYouMean(use.topic, topicNames, 'topic'),
          }),
        );
      }
    }
    for (const use of service.consumes.tasks) {
      if (!taskNames.includes(use.task)) {
        if (ctx.unparsed.tasks) continue;
        ctx.diagnostics.push(
          diagnosticAtLoc(use.loc, {
            code: 'SF5002',
            message: `unknown task \`${use.task}\``,
            hint: didYouMean(use.task, taskNames, 'task'),
          }),
        );
        continue;
      }
      const task = tasks.find((t) => t.name === use.task)!;
      if (!task.enqueuers.includes(service.name)) task.enqueuers.push(service.name);
      if (byName.has(task.worker)) edges.push({ from: service.name, to: task.worker, kind: 'task', via: task.name });
    }
  }

  for (const task of tasks) task.enqueuers.sort(compareStrings);
  for (const topic of topics) {
    for (const service of services) {
      if (service.consumes.topics.some((t) => t.topic === topic.name) && !topic.consumers.includes(service.name))
        topic.consumers.push(service.name);
    }
    topic.consumers.sort(compareStrings);
    for (const producer of topic.producers) {
      for (const consumer of topic.consumers) {
        if (byName.has(producer) && byName.has(consumer))
          edges.push({ from: producer, to: consumer, kind: 'topic', via: topic.name });
      }
    }
  }

  checkConnectivity(ctx, services, topics, tasks);
  return edges.sort(
    (a, b) =>
      compareStrings(a.from, b.from) ||
      compareStrings(a.to, b.to) ||
      compareStrings(a.kind, b.kind) ||
      compareStrings(a.via, b.via),
  );
}
