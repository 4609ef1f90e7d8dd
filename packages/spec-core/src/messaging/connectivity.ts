/**
 * `@specfirst/spec-core/connectivity`: who may reach whom over the network, as `spec/services.yaml`
 * declares it. The generated internal clients, the deployment files (compose, Kubernetes, the Redis
 * ACL, the PostgreSQL roles), the lint rule `spec/no-undeclared-dependency`, the runtime's caller
 * guard and the isolation tests all ask this module, so a service's host name, the environment
 * variables that carry its URL and its key, the caller headers and the reachability the spec
 * declares are written down once.
 *
 * The network a spec declares, directed:
 * - a caller reaches a callee's port for each `consumes.operations` edge (an `operation` edge of
 *   `ir.graph`);
 * - a service reaches Redis when it says `access: redis`, or produces, consumes, enqueues or runs
 *   anything (events and tasks travel through Redis: a producer never connects to its consumer);
 * - a service reaches PostgreSQL when it says `access: database`;
 * - a service reaches the internet only when it says `access: internet`.
 * Nothing else: every other pair is refused.
 */
import type { IRService, SpecIR } from '../ir/ir.js';

/** The infrastructure a deployment runs beside the services, by the `access` value that asks for it. */
export const INFRASTRUCTURE = {
  redis: { host: 'redis', port: 6379 },
  database: { host: 'postgres', port: 5432 },
} as const;

/** The name of the internet, as a reachability target: it is not a host of the deployment. */
export const INTERNET = 'internet';

/**
 * Names a service may not take, with what the deployment files use each one for: the hosts of Redis,
 * PostgreSQL and the internet, the Kubernetes file `default-deny.yaml`, and BullMQ's key prefix
 * (`bull`: a service's own Redis keys, `bull:*`, would be every task queue's).
 */
export const RESERVED_SERVICE_NAME_USES: Readonly<Record<string, string>> = {
  [INFRASTRUCTURE.redis.host]: 'the Redis host',
  [INFRASTRUCTURE.database.host]: 'the PostgreSQL host',
  [INTERNET]: 'the route out',
  'default-deny': 'the Kubernetes policy denying everything (deploy/k8s/default-deny.yaml)',
  bull: "BullMQ's key prefix (the service's own Redis keys would be every task queue's)",
};

/** Names a service may not take (see {@link RESERVED_SERVICE_NAME_USES}). */
export const RESERVED_SERVICE_NAMES: readonly string[] = Object.keys(RESERVED_SERVICE_NAME_USES);

/** The longest service name: a Kubernetes name and label value (DNS-1123 label) has at most 63 characters. */
export const MAX_SERVICE_NAME_LENGTH = 63;

/** A service's host name inside a deployment (compose service, Kubernetes Service): its name. */
export function serviceHost(service: Pick<IRService, 'name'> | string): string {
  return typeof service === 'string' ? service : service.name;
}

/** `order-service` → `ORDER_SERVICE`: a service name as part of an environment variable's name. */
export function envStem(service: Pick<IRService, 'name'> | string): string {
  return serviceHost(service).toUpperCase().replace(/-/g, '_');
}

/** The variable holding a callee's base URL, for its callers' internal clients: `USERS_URL`. */
export function serviceUrlEnv(service: Pick<IRService, 'name'> | string): string {
  return `${envStem(service)}_URL`;
}

/**
 * A callee's base URL when {@link serviceUrlEnv} is unset: its host and port in the deployment files
 * (`http://users:3001`). The operations' base path (`/api`) is the client's to add.
 */
export function defaultServiceUrl(service: Pick<IRService, 'name' | 'port'>): string {
  return `http://${serviceHost(service)}:${service.port ?? 80}`;
}

/**
 * The variable holding the key of one declared edge, `caller` → `callee`
 * (`SPECFIRST_KEY_ORDERS_TO_USERS`): the caller's internal client of the callee signs its calls
 * with it, and the callee's caller guard checks them with the same key. Only those two services are
 * given it, so a callee cannot sign as its caller to the caller's other callees, and a service with
 * no edge cannot sign at all.
 */
export function internalKeyEnv(
  caller: Pick<IRService, 'name'> | string,
  callee: Pick<IRService, 'name'> | string,
): string {
  return `SPECFIRST_KEY_${envStem(caller)}_TO_${envStem(callee)}`;
}

/**
 * The variable holding the password of a service's own Redis ACL user in a deployment
 * (`SPECFIRST_REDIS_PASSWORD_ORDERS`): Redis gets it for the user, the service inside its {@link REDIS_URL_ENV}.
 */
export function redisPasswordEnv(service: Pick<IRService, 'name'> | string): string {
  return `SPECFIRST_REDIS_PASSWORD_${envStem(service)}`;
}

/**
 * The variable holding the password of a service's own PostgreSQL role in a deployment
 * (`SPECFIRST_POSTGRES_PASSWORD_ORDERS`): the roles script reads it, the service gets it inside its {@link DATABASE_URL_ENV}.
 */
export function postgresPasswordEnv(service: Pick<IRService, 'name'> | string): string {
  return `SPECFIRST_POSTGRES_PASSWORD_${envStem(service)}`;
}

/** The variable holding a service's Redis URL (with its own ACL user in a deployment). */
export const REDIS_URL_ENV = 'REDIS_URL';
/** The variable holding a service's PostgreSQL URL (with its own role in a deployment). */
export const DATABASE_URL_ENV = 'DATABASE_URL';
/** The variable holding the port an HTTP service listens on. */
export const PORT_ENV = 'PORT';

/** The headers of an internal call: who calls, when, and the proof (HMAC-SHA256 with the caller's key). */
export const CALLER_HEADERS = {
  caller: 'x-specfirst-caller',
  timestamp: 'x-specfirst-timestamp',
  signature: 'x-specfirst-signature',
} as const;

/** The headers a call passes on from the request, message or job that caused it. */
export const TRACE_HEADERS = { requestId: 'x-request-id', traceparent: 'traceparent' } as const;

/** Does the service need Redis: it asks for it, or it has a topic or a task (they travel through Redis). */
export function needsRedis(ir: Pick<SpecIR, 'topics' | 'tasks'>, service: Pick<IRService, 'name' | 'access'>): boolean {
  if (service.access.includes('redis')) return true;
  const name = service.name;
  return (
    ir.topics.some((t) => t.producers.includes(name) || t.consumers.includes(name)) ||
    ir.tasks.some((t) => t.worker === name || t.enqueuers.includes(name))
  );
}

export function needsDatabase(service: Pick<IRService, 'access'>): boolean {
  return service.access.includes('database');
}

export function needsInternet(service: Pick<IRService, 'access'>): boolean {
  return service.access.includes(INTERNET);
}

/** The services that declare an edge to `operationId` of `callee`, sorted. */
export function callersOf(ir: Pick<SpecIR, 'graph'>, callee: string, operationId: string): string[] {
  const callers = new Set<string>();
  for (const e of ir.graph) if (e.kind === 'operation' && e.to === callee && e.via === operationId) callers.add(e.from);
  return [...callers].sort();
}

/** The services a caller may call, each with the operations it declares, sorted by callee then operation. */
export function calleesOf(ir: Pick<SpecIR, 'graph'>, caller: string): { callee: string; operations: string[] }[] {
  const byCallee = new Map<string, Set<string>>();
  for (const e of ir.graph) {
    if (e.kind !== 'operation' || e.from !== caller) continue;
    let ops = byCallee.get(e.to);
    if (!ops) byCallee.set(e.to, (ops = new Set()));
    ops.add(e.via);
  }
  return [...byCallee]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([callee, ops]) => ({ callee, operations: [...ops].sort() }));
}

/** One directed connection the spec allows: `from` may open a TCP connection to `to` on `port`. */
export interface Reach {
  from: string;
  /** A service's host, `redis`, `postgres` or `internet`. */
  to: string;
  /** The port `to` listens on; absent for the internet (any). */
  port?: number;
  /** Why: the operationIds called, or the `access` value (`redis`, `database`, `internet`). */
  via: string[];
}

/**
 * Every connection the spec allows, sorted by `from` then `to`: the reachability the deployment
 * files must give, and no more. A callee without a port (an OpenAPI service that has none) is
 * reached on port 80, as {@link defaultServiceUrl} says.
 */
export function declaredReachability(ir: Pick<SpecIR, 'services' | 'topics' | 'tasks' | 'graph'>): Reach[] {
  const reach: Reach[] = [];
  const byName = new Map(ir.services.map((s) => [s.name, s]));
  for (const service of ir.services) {
    for (const { callee, operations } of calleesOf(ir, service.name)) {
      const target = byName.get(callee);
      if (target) reach.push({ from: service.name, to: serviceHost(target), port: target.port ?? 80, via: operations });
    }
    if (needsRedis(ir, service))
      reach.push({
        from: service.name,
        to: INFRASTRUCTURE.redis.host,
        port: INFRASTRUCTURE.redis.port,
        via: ['redis'],
      });
    if (needsDatabase(service))
      reach.push({
        from: service.name,
        to: INFRASTRUCTURE.database.host,
        port: INFRASTRUCTURE.database.port,
        via: ['database'],
      });
    if (needsInternet(service)) reach.push({ from: service.name, to: INTERNET, via: [INTERNET] });
  }
  return reach.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}
