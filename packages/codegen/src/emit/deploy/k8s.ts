/**
 * `generated/deploy/k8s/`: for each service a Deployment, a Service (HTTP services) and a
 * NetworkPolicy; `default-deny.yaml`, which denies every pod's ingress and egress; and
 * `redis.yaml` / `postgres.yaml`, the policies letting the services that need them in.
 *
 * A service's policy allows, and nothing else (the default denies):
 * - ingress on its port from the pods of its declared callers;
 * - egress to its callees' pods on their ports, to Redis (6379) and PostgreSQL (5432) when it needs
 *   them, to DNS (kube-dns, UDP and TCP 53), and to any address but the private ranges only for
 *   `access: internet`.
 * Events and tasks travel through Redis: a producer never connects to its consumer, so they get no rule.
 * Secrets (internal keys, passwords) come from one Secret, {@link SECRET_NAME}.
 */
import type { IRService, SpecIR } from '@specfirst/spec-core';
import {
  INFRASTRUCTURE,
  needsDatabase,
  needsInternet,
  needsRedis,
  serviceHost,
} from '@specfirst/spec-core/connectivity';
import { stringify } from 'yaml';
import { k8sFile } from '../../names.js';
import {
  calleesOfService,
  callersOfService,
  compare,
  deployServices,
  serviceEnvironment,
  servicePort,
} from './topology.js';

/** The Secret every service reads its keys and passwords from. */
export const SECRET_NAME = 'specfirst-secrets';
/** The label naming a pod's service (also `redis` and `postgres` for the infrastructure). */
export const NAME_LABEL = 'app.kubernetes.io/name';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
/** The annotation holding a service's description from the spec. */
export const DESCRIPTION_ANNOTATION = 'specfirst.dev/description';
/** The addresses `access: internet` does not open: private, shared, link-local (cloud metadata) ranges. */
export const PRIVATE_RANGES: readonly string[] = [
  '10.0.0.0/8',
  '100.64.0.0/10',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
];
/** The name of the policy that denies everything not allowed by another. */
export const DEFAULT_DENY = 'default-deny';

/**
 * The project's name as a DNS-1123 label (the `part-of` label's value, the images' prefix): the
 * spec allows `.` and `_` and any length, a label takes `[a-z0-9-]`, at most 63, alphanumeric at
 * both ends. `my_shop.v2.` → `my-shop-v2`; nothing left → `specfirst`.
 */
export function projectLabel(name: string): string {
  const label = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label === '' ? 'specfirst' : label;
}

export interface K8sFile {
  path: string;
  /** A YAML stream: documents separated by `---`. */
  body: string;
  /** The same documents, as objects (what the body says). */
  documents: Record<string, unknown>[];
}

export function k8sFiles(ir: SpecIR): K8sFile[] {
  const services = deployServices(ir);
  const files: K8sFile[] = [file(DEFAULT_DENY, [defaultDeny(ir)])];
  for (const service of services) {
    const docs = [deployment(ir, service)];
    if (service.type === 'http') docs.push(kubeService(ir, service));
    docs.push(servicePolicy(ir, service));
    files.push(file(serviceHost(service), docs));
  }
  const redisUsers = services.filter((s) => needsRedis(ir, s));
  if (redisUsers.length > 0) files.push(file(INFRASTRUCTURE.redis.host, [infraPolicy(ir, 'redis', redisUsers)]));
  const databaseUsers = services.filter((s) => needsDatabase(s));
  if (databaseUsers.length > 0) {
    files.push(file(INFRASTRUCTURE.database.host, [infraPolicy(ir, 'database', databaseUsers)]));
  }
  return files.sort((a, b) => compare(a.path, b.path));
}

function file(name: string, documents: Record<string, unknown>[]): K8sFile {
  const body = documents.map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
  return { path: k8sFile(name), body, documents };
}

function labels(ir: SpecIR, name: string): Record<string, string> {
  return { [NAME_LABEL]: name, [PART_OF_LABEL]: projectLabel(ir.project.name) };
}

function metadata(ir: SpecIR, name: string, service?: IRService): Record<string, unknown> {
  return {
    name,
    labels: labels(ir, name),
    ...(service?.description !== undefined ? { annotations: { [DESCRIPTION_ANNOTATION]: service.description } } : {}),
  };
}

function deployment(ir: SpecIR, service: IRService): Record<string, unknown> {
  const name = serviceHost(service);
  const env: Record<string, unknown>[] = [];
  const defined = new Set<string>();
  const fromSecret = (key: string): void => {
    if (defined.has(key)) return;
    defined.add(key);
    env.push({ name: key, valueFrom: { secretKeyRef: { name: SECRET_NAME, key } } });
  };
  for (const [variable, value] of serviceEnvironment(ir, service)) {
    if (value.kind === 'value') env.push({ name: variable, value: value.value.replace(/\$/g, '$$$$') });
    else if (value.kind === 'secret') fromSecret(value.name);
    else {
      // Kubernetes expands `$(NAME)` from the variables listed before it.
      fromSecret(value.secret);
      env.push({ name: variable, value: `${value.before}$(${value.secret})${value.after}` });
    }
  }
  const container: Record<string, unknown> = { name, image: `${projectLabel(ir.project.name)}-${name}:latest` };
  if (env.length > 0) container.env = env;
  if (service.type === 'http') {
    container.ports = [{ name: 'http', containerPort: servicePort(service), protocol: 'TCP' }];
    container.readinessProbe = { tcpSocket: { port: 'http' }, periodSeconds: 10 };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(ir, name, service),
    spec: {
      replicas: 1,
      selector: { matchLabels: { [NAME_LABEL]: name } },
      template: { metadata: { labels: labels(ir, name) }, spec: { containers: [container] } },
    },
  };
}

function kubeService(ir: SpecIR, service: IRService): Record<string, unknown> {
  const name = serviceHost(service);
  const port = servicePort(service);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(ir, name),
    spec: {
      selector: { [NAME_LABEL]: name },
      ports: [{ name: 'http', port, targetPort: port, protocol: 'TCP' }],
    },
  };
}

const pods = (name: string): Record<string, unknown> => ({ podSelector: { matchLabels: { [NAME_LABEL]: name } } });
const tcp = (port: number): Record<string, unknown> => ({ protocol: 'TCP', port });

function servicePolicy(ir: SpecIR, service: IRService): Record<string, unknown> {
  const name = serviceHost(service);
  const byName = new Map(ir.services.map((s) => [s.name, s]));
  const ingress: Record<string, unknown>[] = [];
  const callers = callersOfService(ir, service.name);
  if (service.type === 'http' && callers.length > 0) {
    ingress.push({ from: callers.map((c) => pods(serviceHost(c))), ports: [tcp(servicePort(service))] });
  }
  const egress: Record<string, unknown>[] = [];
  for (const callee of calleesOfService(ir, service.name)) {
    const target = byName.get(callee);
    if (target) egress.push({ to: [pods(serviceHost(target))], ports: [tcp(servicePort(target))] });
  }
  if (needsRedis(ir, service)) {
    egress.push({ to: [pods(INFRASTRUCTURE.redis.host)], ports: [tcp(INFRASTRUCTURE.redis.port)] });
  }
  if (needsDatabase(service)) {
    egress.push({ to: [pods(INFRASTRUCTURE.database.host)], ports: [tcp(INFRASTRUCTURE.database.port)] });
  }
  egress.push({
    to: [
      {
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
        podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      },
    ],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  });
  if (needsInternet(service)) egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] } }] });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(ir, name),
    spec: { podSelector: { matchLabels: { [NAME_LABEL]: name } }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
  };
}

function infraPolicy(ir: SpecIR, access: 'redis' | 'database', users: IRService[]): Record<string, unknown> {
  const { host, port } = INFRASTRUCTURE[access];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(ir, host),
    spec: {
      podSelector: { matchLabels: { [NAME_LABEL]: host } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: users.map((s) => pods(serviceHost(s))), ports: [tcp(port)] }],
      egress: [],
    },
  };
}

function defaultDeny(ir: SpecIR): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(ir, DEFAULT_DENY),
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}
