/**
 * What the compose file and the Kubernetes manifests share: the services in a fixed order, the
 * environment each one gets, and the spec files the deployment derives from. Every name (hosts,
 * variables, networks) comes from `@specfirst/spec-core/connectivity` and `../../names.js`.
 */
import type { IRService, SpecIR } from '@specfirst/spec-core';
import {
  calleesOf,
  DATABASE_URL_ENV,
  defaultServiceUrl,
  INFRASTRUCTURE,
  internalKeyEnv,
  needsDatabase,
  needsRedis,
  PORT_ENV,
  postgresPasswordEnv,
  REDIS_URL_ENV,
  redisPasswordEnv,
  serviceHost,
  serviceUrlEnv,
} from '@specfirst/spec-core/connectivity';

/** The PostgreSQL database the services' roles and schemas live in (the image's default one). */
export const POSTGRES_DATABASE = 'postgres';

/** The port an HTTP service listens on (80 when the spec gives none, as `defaultServiceUrl` says). */
export function servicePort(service: Pick<IRService, 'port'>): number {
  return service.port ?? 80;
}

/** The spec's services sorted by name: the order of every deployment file. */
export function deployServices(ir: SpecIR): IRService[] {
  return [...ir.services].sort((a, b) => compare(a.name, b.name));
}

/** The services that call `service` (any of its operations), sorted. */
export function callersOfService(ir: Pick<SpecIR, 'graph'>, service: string): string[] {
  const callers = new Set<string>();
  for (const e of ir.graph) if (e.kind === 'operation' && e.to === service) callers.add(e.from);
  return [...callers].sort(compare);
}

/** The services `service` calls, sorted. */
export function calleesOfService(ir: Pick<SpecIR, 'graph'>, service: string): string[] {
  return calleesOf(ir, service).map((c) => c.callee);
}

/** One environment variable of a service: a plain value, or a secret named by its variable. */
export type EnvValue =
  | { kind: 'value'; value: string }
  /** The value of the variable `name`, which the deployment must be given (a key, a password). */
  | { kind: 'secret'; name: string; why: string }
  /** A URL with the password of `secret` inside: `before` + password + `after`. */
  | { kind: 'url'; before: string; secret: string; why: string; after: string };

/**
 * The environment of a service, by variable name, in a fixed order: its port (HTTP), its callees'
 * URLs, its own key when it calls anyone, its callers' keys (to check their calls), and its Redis
 * and PostgreSQL URLs with its own ACL user and role.
 */
export function serviceEnvironment(ir: SpecIR, service: IRService): [string, EnvValue][] {
  const env: [string, EnvValue][] = [];
  const byName = new Map(ir.services.map((s) => [s.name, s]));
  if (service.type === 'http') env.push([PORT_ENV, { kind: 'value', value: String(servicePort(service)) }]);
  const callees = calleesOfService(ir, service.name).flatMap((name) => byName.get(name) ?? []);
  for (const callee of callees) {
    env.push([
      serviceUrlEnv(callee),
      { kind: 'value', value: defaultServiceUrl({ name: callee.name, port: servicePort(callee) }) },
    ]);
  }
  // One key per declared edge, given to its two ends only: the caller signs with it, the callee checks.
  const edges = [
    ...callees.map((callee) => ({ caller: service.name, callee: callee.name })),
    ...callersOfService(ir, service.name).map((caller) => ({ caller, callee: service.name })),
  ];
  const keys = new Map(edges.map((edge) => [internalKeyEnv(edge.caller, edge.callee), edge]));
  for (const [variable, edge] of [...keys].sort(([a], [b]) => compare(a, b))) {
    env.push([
      variable,
      {
        kind: 'secret',
        name: variable,
        why:
          edge.caller === service.name
            ? `the key ${service.name} signs its calls of ${edge.callee} with`
            : `the key ${service.name} checks the calls of ${edge.caller} with`,
      },
    ]);
  }
  if (needsRedis(ir, service)) {
    const { host, port } = INFRASTRUCTURE.redis;
    env.push([
      REDIS_URL_ENV,
      {
        kind: 'url',
        before: `redis://${serviceHost(service)}:`,
        secret: redisPasswordEnv(service),
        why: `the password of the Redis user ${service.name}`,
        after: `@${host}:${port}`,
      },
    ]);
  }
  if (needsDatabase(service)) {
    const { host, port } = INFRASTRUCTURE.database;
    env.push([
      DATABASE_URL_ENV,
      {
        kind: 'url',
        before: `postgres://${serviceHost(service)}:`,
        secret: postgresPasswordEnv(service),
        why: `the password of the PostgreSQL role ${service.name}`,
        after: `@${host}:${port}/${POSTGRES_DATABASE}`,
      },
    ]);
  }
  return env;
}

/** The spec files the deployment derives from: the services' declarations, the topics' and tasks' files. */
export function deploySources(ir: SpecIR): string[] {
  return [
    ...new Set([
      ...ir.services.map((s) => s.loc.file),
      ...ir.topics.map((t) => t.loc.file),
      ...ir.tasks.map((t) => t.loc.file),
    ]),
  ].sort(compare);
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
