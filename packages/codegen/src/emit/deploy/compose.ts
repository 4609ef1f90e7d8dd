/**
 * `generated/deploy/compose.yaml`: one compose service per spec service, Redis and PostgreSQL only
 * where a service needs them, and networks laid out so that only declared pairs share one:
 * - `pairNetwork(a, b)` (internal) for each pair with an operation edge in either direction;
 * - `accessNetwork(s, 'redis' | 'postgres')` (internal) joining a service to the infrastructure;
 * - `accessNetwork(s, 'internet')`, the only network that is not internal: the route out, for
 *   `access: internet` only.
 * - `ownNetwork(s)` (internal), s alone, for a service with no connection at all: on no network,
 *   compose would put it on the project's default network, which is not internal; and
 *   `network_mode: none` could not be undone by an override file adding a network.
 * No port is published: publishing needs a network that is not internal, a route out for everyone.
 * Compose networks are undirected: two services on one network reach each other both ways.
 *
 * Written with the `yaml` package; values from the spec (descriptions) go only into YAML strings,
 * with `$` doubled so compose never interpolates them.
 */
import type { IRService, SpecIR } from '@specfirst/spec-core';
import {
  INFRASTRUCTURE,
  needsDatabase,
  needsInternet,
  needsRedis,
  postgresPasswordEnv,
  redisPasswordEnv,
  serviceHost,
} from '@specfirst/spec-core/connectivity';
import { stringify } from 'yaml';
import { accessNetwork, DEPLOY_FOLDER, ownNetwork, pairNetwork } from '../../names.js';
import { redisAclUsers } from './redis-acl.js';
import {
  calleesOfService,
  callersOfService,
  compare,
  deployServices,
  POSTGRES_DATABASE,
  serviceEnvironment,
  servicePort,
  type EnvValue,
} from './topology.js';

/** The images of the infrastructure. */
export const REDIS_IMAGE = 'redis:7.2-alpine';
export const POSTGRES_IMAGE = 'postgres:16-alpine';
/** The variable holding the password of PostgreSQL's superuser (the image requires one). */
export const POSTGRES_ADMIN_PASSWORD_ENV = 'SPECFIRST_POSTGRES_PASSWORD';
/** The compose label holding a service's description from the spec. */
export const DESCRIPTION_LABEL = 'dev.specfirst.description';

/** The networks of a service in the compose file, sorted. */
export function composeNetworksOf(ir: SpecIR, service: IRService): string[] {
  const networks = new Set<string>();
  for (const other of [...calleesOfService(ir, service.name), ...callersOfService(ir, service.name)]) {
    // A service calling itself needs no network for it.
    if (other !== service.name) networks.add(pairNetwork(service.name, other));
  }
  if (needsRedis(ir, service)) networks.add(accessNetwork(service.name, INFRASTRUCTURE.redis.host));
  if (needsDatabase(service)) networks.add(accessNetwork(service.name, INFRASTRUCTURE.database.host));
  if (needsInternet(service)) networks.add(accessNetwork(service.name, 'internet'));
  if (networks.size === 0) networks.add(ownNetwork(service.name));
  return [...networks].sort(compare);
}

/** The compose file's text, without its stamp. */
export function emitCompose(ir: SpecIR): string {
  const services = deployServices(ir);
  const doc: Record<string, unknown> = {};
  const composeServices: Record<string, unknown> = {};
  const networks = new Map<string, boolean>(); // name → internal
  const context = projectRootFromDeploy(ir.project.outputDir);
  const redisUsers = services.filter((s) => needsRedis(ir, s));
  const databaseUsers = services.filter((s) => needsDatabase(s));

  for (const service of services) {
    const own = composeNetworksOf(ir, service);
    for (const network of own) networks.set(network, !network.endsWith('--internet'));
    const entry: Record<string, unknown> = {
      build: { context, args: { SERVICE: service.name } },
    };
    if (service.description !== undefined) entry.labels = { [DESCRIPTION_LABEL]: literal(service.description) };
    const environment = Object.fromEntries(
      serviceEnvironment(ir, service).map(([name, value]) => [name, envText(value)]),
    );
    if (Object.keys(environment).length > 0) entry.environment = environment;
    if (service.type === 'http') {
      const port = servicePort(service);
      entry.expose = [String(port)];
      entry.healthcheck = {
        test: ['CMD', 'node', '-e', tcpProbe(port)],
        interval: '10s',
        timeout: '3s',
        retries: 3,
      };
    }
    const dependsOn = [
      ...(needsDatabase(service) ? [INFRASTRUCTURE.database.host] : []),
      ...(needsRedis(ir, service) ? [INFRASTRUCTURE.redis.host] : []),
    ];
    if (dependsOn.length > 0) entry.depends_on = dependsOn;
    entry.networks = own;
    composeServices[serviceHost(service)] = entry;
  }

  if (databaseUsers.length > 0) {
    const environment: Record<string, string> = {
      POSTGRES_PASSWORD: required(POSTGRES_ADMIN_PASSWORD_ENV, "the password of PostgreSQL's superuser"),
      POSTGRES_DB: POSTGRES_DATABASE,
    };
    for (const s of databaseUsers) {
      environment[postgresPasswordEnv(s)] = required(
        postgresPasswordEnv(s),
        `the password of the PostgreSQL role ${s.name}`,
      );
    }
    composeServices[INFRASTRUCTURE.database.host] = {
      image: POSTGRES_IMAGE,
      environment,
      volumes: ['./postgres/roles.sql:/docker-entrypoint-initdb.d/roles.sql:ro'],
      expose: [String(INFRASTRUCTURE.database.port)],
      networks: databaseUsers.map((s) => accessNetwork(s.name, INFRASTRUCTURE.database.host)).sort(compare),
    };
  }
  if (redisUsers.length > 0) {
    const rules = new Map(redisAclUsers(ir).map((u) => [u.user, u.rules]));
    // One argument per word: redis-server quotes each argument of its command line, so
    // `--user "orders on …"` would be one user name with spaces, which it refuses.
    const command = ['redis-server', '--user', 'default', 'off'];
    for (const s of redisUsers) {
      const own = rules.get(s.name);
      if (own === undefined) continue;
      command.push(
        '--user',
        s.name,
        ...own.split(' ').map(literal),
        `>${required(redisPasswordEnv(s), `the password of the Redis user ${s.name}`)}`,
      );
    }
    composeServices[INFRASTRUCTURE.redis.host] = {
      image: REDIS_IMAGE,
      command,
      expose: [String(INFRASTRUCTURE.redis.port)],
      networks: redisUsers.map((s) => accessNetwork(s.name, INFRASTRUCTURE.redis.host)).sort(compare),
    };
  }

  doc.services = composeServices;
  doc.networks = Object.fromEntries(
    [...networks]
      .sort(([a], [b]) => compare(a, b))
      .map(([name, internal]) => [name, internal ? { internal: true } : {}]),
  );
  // YAML 1.1, as docker-compose 1.x reads it: `on` and `off` (Redis ACL words) stay strings, quoted.
  return stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}

/** `generated` → `../..`: the project root as seen from `<output>/deploy`, the build context. */
export function projectRootFromDeploy(outputDir: string): string {
  const depth = [...outputDir.split('/').filter((s) => s !== '' && s !== '.'), DEPLOY_FOLDER].length;
  return Array.from({ length: depth }, () => '..').join('/');
}

function envText(value: EnvValue): string {
  switch (value.kind) {
    case 'value':
      return literal(value.value);
    case 'secret':
      return required(value.name, value.why);
    case 'url':
      return `${literal(value.before)}${required(value.secret, value.why)}${literal(value.after)}`;
  }
}

/** `${NAME:?set NAME: why}`: compose refuses to start, naming the variable, when it is unset or empty. */
function required(name: string, why: string): string {
  return `\${${name}:?set ${name}, ${why.replace(/[$}]/g, '')}}`;
}

/** A literal value: `$` doubled, so compose takes it as it is. */
function literal(text: string): string {
  return text.replace(/\$/g, '$$$$');
}

/** A TCP connect to the service's port with node (the image runs node; it may have no curl). */
function tcpProbe(port: number): string {
  return `require('node:net').connect(${port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`;
}
