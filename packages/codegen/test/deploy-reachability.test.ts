/**
 * Property: for random service graphs (HTTP services and workers, ports, operation edges, topics,
 * tasks, access to redis/database/internet), the reachability computed FROM THE GENERATED compose
 * file and NetworkPolicies is the one the spec declares (`declaredReachability`):
 * - Kubernetes exactly, directed: a → b:port is allowed iff the spec declares it;
 * - compose as its undirected closure: compose networks have no direction, so a caller and its
 *   callee share one network and each can open a connection to the other. Nothing else shares a
 *   network, and only `access: internet` services have a route out.
 * Each graph goes through the real loader (spec files written to a temporary folder).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { declaredReachability, INFRASTRUCTURE, INTERNET } from '@specfirst/spec-core/connectivity';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { deployFiles } from '../src/emit/deploy/files.js';
import { COMPOSE_FILE, K8S_FOLDER } from '../src/names.js';
import { composeReach, k8sDocuments, PolicyEvaluator, type Endpoint } from './support/deploy-reach.js';
import { loadIR } from './support/project.js';

const NAMES = ['users', 'orders', 'billing', 'mailer', 'search-api', 'audit-log'];
const ACCESS = ['redis', 'database', 'internet'] as const;
const NAMESPACE = 'shop';
const root = mkdtempSync(path.join(tmpdir(), 'specfirst-deploy-prop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Graph {
  services: { worker: boolean; ops: number; port: number; access: string[] }[];
  edges: [number, number, number][];
  topics: { producers: number[]; consumers: number[] }[];
  tasks: { worker: number; enqueuers: number[] }[];
}

const graphs: fc.Arbitrary<Graph> = fc.record({
  services: fc.array(
    fc.record({
      worker: fc.boolean(),
      ops: fc.integer({ min: 1, max: 3 }),
      port: fc.integer({ min: 0, max: 5000 }),
      access: fc.subarray([...ACCESS]),
    }),
    { minLength: 1, maxLength: NAMES.length },
  ),
  edges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 10 }),
  topics: fc.array(
    fc.record({
      producers: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }),
      consumers: fc.array(fc.nat(), { maxLength: 2 }),
    }),
    { maxLength: 3 },
  ),
  tasks: fc.array(fc.record({ worker: fc.nat(), enqueuers: fc.array(fc.nat(), { maxLength: 2 }) }), { maxLength: 2 }),
});

let runs = 0;
/** Writes the graph as a project and loads it with the real loader. */
function project(graph: Graph) {
  const dir = path.join(root, `p${runs++}`);
  mkdirSync(path.join(dir, 'spec/rest'), { recursive: true });
  const n = graph.services.length;
  const names = NAMES.slice(0, n);
  const opId = (s: number, i: number): string => `${names[s]!.replace(/-/g, '')}Op${i}`;
  const http = (s: number): boolean => !graph.services[s]!.worker;
  const calls = new Map<number, Set<string>>();
  for (const [a, b, o] of graph.edges) {
    const caller = a % n;
    const callee = b % n;
    if (!http(callee) || callee === caller) continue; // a service cannot list its own operation (SF4006)
    const op = opId(callee, o % graph.services[callee]!.ops);
    if (!calls.has(caller)) calls.set(caller, new Set());
    calls.get(caller)!.add(`${names[callee]}.${op}`);
  }
  const topics = graph.topics.map((t, i) => ({
    name: `topic.${i}`,
    producers: [...new Set(t.producers.map((p) => names[p % n]!))].sort(),
    consumers: [...new Set(t.consumers.map((c) => names[c % n]!))].sort(),
  }));
  // A task runs on a worker service (SF5003): none without one.
  const workers = names.filter((_, i) => graph.services[i]!.worker);
  const tasks =
    workers.length === 0
      ? []
      : graph.tasks.map((t, i) => ({
          name: `task${i}`,
          worker: workers[t.worker % workers.length]!,
          enqueuers: [...new Set(t.enqueuers.map((e) => e % n))],
        }));
  const services: Record<string, unknown> = {};
  graph.services.forEach((s, i) => {
    const name = names[i]!;
    const consumes: Record<string, string[]> = {};
    if (calls.has(i)) consumes.operations = [...calls.get(i)!].sort();
    const enqueues = tasks.filter((t) => t.enqueuers.includes(i)).map((t) => t.name);
    if (enqueues.length > 0) consumes.tasks = enqueues;
    services[name] = {
      type: s.worker ? 'worker' : 'http',
      ...(s.worker ? {} : { port: 1024 + s.port * 10 + i, rest: `rest/${name}.yaml` }),
      ...(s.access.length > 0 ? { access: s.access } : {}),
      ...(Object.keys(consumes).length > 0 ? { consumes } : {}),
    };
    if (!s.worker) {
      const operations = Object.fromEntries(
        Array.from({ length: s.ops }, (_, o) => [
          opId(i, o),
          { method: 'get', path: `/things/${o}`, responses: { 200: 'Thing' } },
        ]),
      );
      writeFileSync(path.join(dir, `spec/rest/${name}.yaml`), stringify({ tags: { things: { operations } } }));
    }
  });
  writeFileSync(path.join(dir, 'specfirst.yaml'), stringify({ name: NAMESPACE, spec: 'spec', output: 'generated' }));
  writeFileSync(path.join(dir, 'spec/services.yaml'), stringify({ services }));
  writeFileSync(
    path.join(dir, 'spec/models.yaml'),
    stringify({ models: { Thing: { properties: { id: 'string' } }, Args: { properties: { id: 'string' } } } }),
  );
  if (topics.length > 0) {
    const doc = Object.fromEntries(
      topics.map((t) => [
        t.name,
        { message: 'Thing', producers: t.producers, ...(t.consumers.length > 0 ? { consumers: t.consumers } : {}) },
      ]),
    );
    writeFileSync(path.join(dir, 'spec/events.yaml'), stringify({ topics: doc }));
  }
  if (tasks.length > 0) {
    const doc = Object.fromEntries(tasks.map((t) => [t.name, { worker: t.worker, args: 'Args' }]));
    writeFileSync(path.join(dir, 'spec/tasks.yaml'), stringify({ tasks: doc }));
  }
  return loadIR(dir);
}

describe('deployment files give exactly the declared reachability', () => {
  it('for 200 random service graphs, compose (undirected) and NetworkPolicies (directed)', () => {
    fc.assert(
      fc.property(graphs, (graph) => {
        const ir = project(graph);
        // The deployment files exactly as sync writes them (generate() appends these; its other files are not needed here).
        const files = new Map(deployFiles(ir).map((f) => [f.path, f.contents]));
        const declared = declaredReachability(ir);

        // compose
        const compose = composeReach(files.get(COMPOSE_FILE)!);
        const expectedPairs = [
          ...new Set(
            declared
              .filter((r) => r.to !== INTERNET && r.to !== r.from)
              .map((r) => (r.from < r.to ? `${r.from}|${r.to}` : `${r.to}|${r.from}`)),
          ),
        ].sort();
        expect(compose.pairs).toEqual(expectedPairs);
        expect(compose.internet).toEqual(declared.filter((r) => r.to === INTERNET).map((r) => r.from));
        const infra = [INFRASTRUCTURE.redis.host, INFRASTRUCTURE.database.host].filter((host) =>
          declared.some((r) => r.to === host),
        );
        expect(compose.containers).toEqual([...ir.services.map((s) => s.name), ...infra].sort());

        // Kubernetes
        const k8s = k8sDocuments([...files].filter(([p]) => p.startsWith(`${K8S_FOLDER}/`)).map(([, text]) => text));
        const evaluator = new PolicyEvaluator(k8s, NAMESPACE);
        let ip = 1;
        const pod = (name: string, port?: number): Endpoint & { port?: number } => ({
          name,
          labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': NAMESPACE },
          ip: `10.0.0.${ip++}`,
          ...(port !== undefined ? { port, namedPorts: { http: port } } : {}),
        });
        const servicePods = ir.services.map((s) => pod(s.name, s.type === 'http' ? (s.port ?? 80) : undefined));
        const targets = [
          ...servicePods,
          pod(INFRASTRUCTURE.redis.host, INFRASTRUCTURE.redis.port),
          pod(INFRASTRUCTURE.database.host, INFRASTRUCTURE.database.port),
        ];
        const internet: Endpoint = { name: INTERNET, ip: '93.184.216.34' };
        const privateAddress: Endpoint = { name: 'private', ip: '192.168.1.10' };
        const dns: Endpoint = {
          name: 'kube-dns',
          namespace: 'kube-system',
          labels: { 'k8s-app': 'kube-dns' },
          ip: '10.96.0.10',
        };
        const allowed: string[] = [];
        for (const from of targets) {
          for (const to of targets) {
            if (to.port === undefined) continue;
            if (evaluator.allows(from, to, to.port)) allowed.push(`${from.name}->${to.name}:${to.port}`);
            // Another port of a reachable pod stays closed.
            expect(evaluator.allows(from, to, to.port + 1), `${from.name}->${to.name}:${to.port + 1}`).toBe(false);
          }
          if (evaluator.allows(from, internet, 443)) allowed.push(`${from.name}->${INTERNET}`);
          expect(evaluator.allows(from, privateAddress, 443), `${from.name} -> a private address`).toBe(false);
          const isService = servicePods.includes(from);
          expect(evaluator.allows(from, dns, 53, 'UDP'), `${from.name} -> DNS`).toBe(isService);
        }
        const expected = declared.map((r) =>
          r.to === INTERNET ? `${r.from}->${r.to}` : `${r.from}->${r.to}:${r.port}`,
        );
        expect(allowed.sort()).toEqual(expected.sort());
      }),
      { numRuns: 200, seed: 15 },
    );
  }, 60_000);
});
