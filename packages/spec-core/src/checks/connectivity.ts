/**
 * Checks of the connectivity graph that need every service, topic and task at once: a service may
 * not take a host name the deployment files give to the infrastructure (SF4011), a topic nobody
 * consumes (SF5014) and a worker with nothing to run (SF5015) are almost always mistakes.
 */
import type { BuildContext } from '../load/context.js';
import type { IRService, IRTask, IRTopic } from '../ir/ir.js';
import { diagnosticAtLoc, relatedAt } from '../diagnostics/location.js';
import { RESERVED_SERVICE_NAMES } from '../messaging/connectivity.js';

export function checkConnectivity(
  ctx: BuildContext,
  services: readonly IRService[],
  topics: readonly IRTopic[],
  tasks: readonly IRTask[],
): void {
  const names = new Set(services.map((s) => s.name));
  for (const service of services) {
    if (!RESERVED_SERVICE_NAMES.includes(service.name)) continue;
    let suggestion = `${service.name}-service`;
    for (let i = 2; names.has(suggestion) && i < 100; i++) suggestion = `${service.name}-service-${i}`;
    ctx.diagnostics.push(
      diagnosticAtLoc(service.loc, {
        code: 'SF4011',
        message: `service name \`${service.name}\` is reserved`,
        hint: `the deployment files give the host names ${RESERVED_SERVICE_NAMES.map((n) => `\`${n}\``).join(', ')} to the infrastructure (Redis, PostgreSQL and the route out); rename the service, e.g. \`${suggestion}\``,
      }),
    );
  }

  // A dead-letter topic keeps what failed for people to look at: nobody has to consume it.
  const deadLetterTargets = new Set(topics.flatMap((t) => (t.deadLetter === undefined ? [] : [t.deadLetter])));
  if (!ctx.unparsed.services) {
    for (const topic of topics) {
      if (topic.consumers.length > 0 || deadLetterTargets.has(topic.name)) continue;
      ctx.diagnostics.push(
        diagnosticAtLoc(topic.loc, {
          code: 'SF5014',
          severity: 'warning',
          message: `topic \`${topic.name}\` has no consumer: its messages would pile up in the stream`,
          hint: `add \`consumers: [<service>]\` to \`${topic.name}\` in events.yaml, or \`consumes: { topics: [${topic.name}] }\` to a service in services.yaml`,
        }),
      );
    }
  }

  // With events.yaml or tasks.yaml unreadable, what a worker runs is unknown, not missing.
  if (ctx.unparsed.topics || ctx.unparsed.tasks) return;
  for (const service of services) {
    if (service.type !== 'worker') continue;
    if (tasks.some((t) => t.worker === service.name)) continue;
    if (topics.some((t) => t.consumers.includes(service.name))) continue;
    const enqueued = tasks.filter((t) => t.enqueuers.includes(service.name));
    ctx.diagnostics.push(
      diagnosticAtLoc(service.loc, {
        code: 'SF5015',
        severity: 'warning',
        message: `worker service \`${service.name}\` runs no task and consumes no topic: it has nothing to do`,
        hint:
          tasks.length > 0
            ? `set \`worker: ${service.name}\` on a task in tasks.yaml (${tasks.map((t) => `\`${t.name}\``).join(', ')} run elsewhere), or list a topic under \`consumes.topics\``
            : `declare a task with \`worker: ${service.name}\` in tasks.yaml, or list a topic under \`consumes.topics\``,
        ...(enqueued.length > 0
          ? {
              related: enqueued.map((t) =>
                relatedAt(t.loc, `it enqueues \`${t.name}\`, which runs on \`${t.worker}\``),
              ),
            }
          : {}),
      }),
    );
  }
}
