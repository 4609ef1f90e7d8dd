/**
 * Reachability computed from the generated deployment files themselves, not from the spec:
 * - compose: two containers reach each other iff they share a network; a container reaches the
 *   internet iff one of its networks is not `internal` (`network_mode: none`: no network at all);
 * - Kubernetes: a → b on a port iff a's egress allows it and b's ingress allows it, with the
 *   NetworkPolicy semantics (a pod selected by no policy of a type is not isolated for it; a pod
 *   that is, is allowed only what some selecting policy's rules allow; podSelector,
 *   namespaceSelector, ipBlock with except, ports with protocol and named ports).
 * The tests compare both with `declaredReachability(ir)`.
 */
import { parse, parseAllDocuments } from 'yaml';

export interface ComposeReach {
  /** The containers (compose services), sorted. */
  containers: string[];
  /** Unordered pairs of distinct containers sharing a network, as `a|b` with a < b, sorted. */
  pairs: string[];
  /** The containers with a route out, sorted. */
  internet: string[];
}

interface ComposeFile {
  services: Record<string, { networks?: string[]; network_mode?: string }>;
  networks?: Record<string, { internal?: boolean } | null>;
}

export function composeReach(text: string): ComposeReach {
  const compose = parse(text) as ComposeFile;
  const containers = Object.keys(compose.services).sort();
  const networksOf = new Map(containers.map((c) => [c, compose.services[c]!.networks ?? []]));
  const pairs: string[] = [];
  for (const a of containers) {
    for (const b of containers) {
      if (a >= b) continue;
      if (networksOf.get(a)!.some((n) => networksOf.get(b)!.includes(n))) pairs.push(`${a}|${b}`);
    }
  }
  const internet = containers.filter((c) =>
    networksOf.get(c)!.some((n) => {
      const network = compose.networks?.[n];
      if (network === undefined) throw new Error(`compose: service ${c} is on network ${n}, which is not declared`);
      return network?.internal !== true;
    }),
  );
  return { containers, pairs, internet };
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown[];
}
interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: PolicyPort[];
}
interface NetworkPolicy {
  metadata: { name: string; namespace?: string };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: string[];
    ingress?: PolicyRule[];
    egress?: PolicyRule[];
  };
}

/** A pod of the simulated cluster, or an address outside it (`labels` absent). */
export interface Endpoint {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  ip: string;
  /** Named container ports (`http` → 3001). */
  namedPorts?: Record<string, number>;
}

/** The Kubernetes documents of the generated files, every file's stream parsed. */
export function k8sDocuments(texts: readonly string[]): Record<string, unknown>[] {
  return texts.flatMap((text) =>
    parseAllDocuments(text).map((d) => {
      if (d.errors.length > 0) throw new Error(`k8s YAML: ${d.errors[0]!.message}`);
      return d.toJS() as Record<string, unknown>;
    }),
  );
}

export class PolicyEvaluator {
  private readonly policies: NetworkPolicy[];

  constructor(
    documents: readonly Record<string, unknown>[],
    private readonly namespace: string,
    private readonly namespaceLabels: (ns: string) => Record<string, string> = (ns) => ({
      'kubernetes.io/metadata.name': ns,
    }),
  ) {
    this.policies = documents.filter((d) => d.kind === 'NetworkPolicy') as unknown as NetworkPolicy[];
  }

  /** May `from` open a connection to `to` on `port`/`protocol`? */
  allows(from: Endpoint, to: Endpoint, port: number, protocol = 'TCP'): boolean {
    return this.side(from, to, port, protocol, 'Egress') && this.side(to, from, port, protocol, 'Ingress');
  }

  /** Egress of `pod` towards `peer` (type Egress), or ingress of `pod` from `peer` (type Ingress). */
  private side(pod: Endpoint, peer: Endpoint, port: number, protocol: string, type: 'Ingress' | 'Egress'): boolean {
    if (pod.labels === undefined) return true; // not a pod: no policy applies to it
    const selecting = this.policies.filter(
      (p) =>
        (p.metadata.namespace ?? this.namespace) === (pod.namespace ?? this.namespace) &&
        matches(p.spec.podSelector, pod.labels!) &&
        policyTypes(p).includes(type),
    );
    if (selecting.length === 0) return true;
    const target = type === 'Egress' ? peer : pod; // whose named ports the rule's ports name
    return selecting.some((p) =>
      (type === 'Egress' ? (p.spec.egress ?? []) : (p.spec.ingress ?? [])).some((rule) => {
        const peers = type === 'Egress' ? rule.to : rule.from;
        const peerOk = peers === undefined || peers.length === 0 || peers.some((q) => this.peerMatches(q, p, peer));
        const portOk =
          rule.ports === undefined ||
          rule.ports.length === 0 ||
          rule.ports.some((r) => portMatches(r, target, port, protocol));
        return peerOk && portOk;
      }),
    );
  }

  private peerMatches(peer: PolicyPeer, policy: NetworkPolicy, endpoint: Endpoint): boolean {
    if (peer.ipBlock !== undefined) {
      return inCidr(endpoint.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(endpoint.ip, c));
    }
    if (endpoint.labels === undefined) return false; // selectors select pods only
    const policyNamespace = policy.metadata.namespace ?? this.namespace;
    const endpointNamespace = endpoint.namespace ?? this.namespace;
    const namespaceOk =
      peer.namespaceSelector === undefined
        ? endpointNamespace === policyNamespace
        : matches(peer.namespaceSelector, this.namespaceLabels(endpointNamespace));
    const podOk = peer.podSelector === undefined || matches(peer.podSelector, endpoint.labels);
    return namespaceOk && podOk;
  }
}

function policyTypes(p: NetworkPolicy): string[] {
  if (p.spec.policyTypes !== undefined) return p.spec.policyTypes;
  return p.spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

function matches(selector: LabelSelector, labels: Record<string, string>): boolean {
  if (selector.matchExpressions !== undefined && selector.matchExpressions.length > 0) {
    throw new Error('the evaluator does not read matchExpressions, and the generator writes none');
  }
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

function portMatches(rule: PolicyPort, target: Endpoint, port: number, protocol: string): boolean {
  if ((rule.protocol ?? 'TCP') !== protocol) return false;
  if (rule.port === undefined) return true;
  const first = typeof rule.port === 'number' ? rule.port : target.namedPorts?.[rule.port];
  if (first === undefined) return false;
  return rule.endPort === undefined ? port === first : port >= first && port <= rule.endPort;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/') as [string, string];
  const n = Number(bits);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (toInt(ip) & mask) >>> 0 === (toInt(base) & mask) >>> 0;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
}
