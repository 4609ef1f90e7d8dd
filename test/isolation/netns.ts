/**
 * The harness of the proof of isolation: it builds the networks of a compose file for real, with Linux
 * network namespaces, and reports who can open a TCP connection to whom.
 *
 * - one namespace per compose service (the spec's services, and `redis` / `postgres` when present);
 * - one bridge per compose network, all of them inside one extra "switch" namespace, so the root
 *   namespace is never touched;
 * - a veth pair per (service, network): one end in the service's namespace with an address in that
 *   network's own /24 (`10.77.<network>.<10 + service>`), the other end on the network's bridge;
 * - a network not marked `internal` also gets a leg of the "internet" namespace (`10.77.<network>.1`),
 *   which holds the internet's address ({@link INTERNET_ADDRESS}); the services on such a network get
 *   their default route through it. Nothing forwards packets: no namespace routes between its networks.
 *
 * Connections are tested by IP address, not by host name: a prober tries every address a target has on
 * every network, which is stricter than compose's DNS (a name resolves only on the networks it shares).
 *
 * Every name starts with {@link PREFIX} and the test's pid, so parallel runs do not clash, and the
 * namespaces of a run that was killed are found and removed by the next one.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const PREFIX = 'sfiso';
/** The internet, as the services with a route out see it: a TEST-NET-2 address (RFC 5737). */
export const INTERNET_ADDRESS = '198.51.100.10';
export const INTERNET_PORT = 443;
/** The port every namespace also listens on, so that a target with no port of its own can be probed too. */
export const CANARY_PORT = 9;
const AGENT = fileURLToPath(new URL('./agent.mjs', import.meta.url));
const READY_MS = 10_000;

export interface ComposeService {
  name: string;
  /** Its `expose` ports and its `PORT`, sorted. */
  ports: number[];
  networks: string[];
}

export interface ComposeNetworks {
  services: ComposeService[];
  networks: { name: string; internal: boolean }[];
}

/** The services, ports and networks of a compose file: what the namespaces are built from. */
export function readCompose(text: string): ComposeNetworks {
  const doc = parse(text) as {
    services?: Record<
      string,
      { expose?: (string | number)[]; environment?: Record<string, unknown>; networks?: unknown }
    >;
    networks?: Record<string, { internal?: boolean } | null>;
  };
  const services = Object.entries(doc.services ?? {}).map(([name, service]) => {
    const ports = new Set((service.expose ?? []).map((p) => Number(String(p).split('/')[0])));
    if (service.environment?.PORT !== undefined) ports.add(Number(service.environment.PORT));
    const networks = Array.isArray(service.networks)
      ? (service.networks as string[])
      : Object.keys((service.networks as Record<string, unknown> | undefined) ?? {});
    return { name, ports: [...ports].sort((a, b) => a - b), networks: [...networks].sort() };
  });
  const networks = Object.entries(doc.networks ?? {}).map(([name, network]) => ({
    name,
    internal: network?.internal === true,
  }));
  return { services, networks };
}

/** What one namespace could reach: target → the ports that answered, and the error of each that did not. */
export type Matrix = Map<string, Map<string, { reached: number[]; refused: string[] }>>;

interface Agent {
  child: ChildProcessWithoutNullStreams;
  lines: Interface;
  next(): Promise<string>;
}

/** Runs `ip` (or another command) and fails with the command, its exit and its stderr. */
function run(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (error) {
    const e = error as { status?: number; code?: string; stderr?: string; message: string };
    throw new Error(
      `the isolation test cannot build its network namespaces: \`${[command, ...args].join(' ')}\` failed ` +
        `(${e.code ?? `exit ${e.status}`}): ${(e.stderr ?? e.message).trim()}. ` +
        'It needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2 (`ip`); it does not skip without them.',
      { cause: error },
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The namespaces this process made and has not deleted yet. */
const ours = new Set<string>();
let topologies = 0;

/**
 * Removes the namespaces of runs that are over: their pid is gone (a run that was killed), or it is
 * this process's pid but this process did not make them (a pid reused since).
 */
export function removeStaleNamespaces(): string[] {
  const removed: string[] = [];
  for (const line of run('ip', ['netns', 'list']).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (!match || ours.has(name)) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && isAlive(pid)) continue;
    run('ip', ['netns', 'delete', name]);
    removed.push(name);
  }
  return removed;
}

export class Topology {
  readonly prefix = `${PREFIX}${process.pid}-${topologies++}`;
  readonly switchNs = `${this.prefix}-sw`;
  readonly internetNs = `${this.prefix}-inet`;
  /** Each service's addresses, by network. */
  readonly addresses = new Map<string, Map<string, string>>();
  private readonly namespaces: string[] = [];
  private readonly agents = new Map<string, Agent>();

  constructor(readonly compose: ComposeNetworks) {
    if (compose.networks.length > 240) throw new Error('the harness numbers at most 240 networks (10.77.<n>.0/24)');
    if (compose.services.length > 200) throw new Error('the harness numbers at most 200 services per network');
  }

  namespaceOf(service: string): string {
    return `${this.prefix}-s${this.compose.services.findIndex((s) => s.name === service)}`;
  }

  /** Builds the namespaces, bridges and links. Fails with the command that could not run. */
  build(): void {
    if (process.platform !== 'linux')
      throw new Error(`the isolation test needs Linux network namespaces, not ${process.platform}`);
    if (process.getuid?.() !== 0)
      throw new Error(
        `the isolation test needs root to create network namespaces (uid ${process.getuid?.()}); run it as root, as CI does`,
      );
    const add = (ns: string): void => {
      run('ip', ['netns', 'add', ns]);
      this.namespaces.push(ns);
      ours.add(ns);
      run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      // Nothing routes between its networks: a service on two of them is no bridge between its peers.
      run('ip', ['netns', 'exec', ns, 'sh', '-c', 'echo 0 > /proc/sys/net/ipv4/ip_forward']);
    };
    add(this.switchNs);
    add(this.internetNs);
    run('ip', ['-n', this.internetNs, 'addr', 'add', `${INTERNET_ADDRESS}/32`, 'dev', 'lo']);
    const networkIndex = new Map(this.compose.networks.map((n, i) => [n.name, i]));
    for (const [i, network] of this.compose.networks.entries()) {
      run('ip', ['-n', this.switchNs, 'link', 'add', `br${i}`, 'type', 'bridge']);
      run('ip', ['-n', this.switchNs, 'link', 'set', `br${i}`, 'up']);
      if (!network.internal) {
        // The route out: the internet namespace's leg on this network.
        run('ip', [
          '-n',
          this.internetNs,
          'link',
          'add',
          `g${i}`,
          'type',
          'veth',
          'peer',
          'name',
          `r${i}`,
          'netns',
          this.switchNs,
        ]);
        run('ip', ['-n', this.switchNs, 'link', 'set', `r${i}`, 'master', `br${i}`, 'up']);
        run('ip', ['-n', this.internetNs, 'addr', 'add', `10.77.${i}.1/24`, 'dev', `g${i}`]);
        run('ip', ['-n', this.internetNs, 'link', 'set', `g${i}`, 'up']);
      }
    }
    for (const [s, service] of this.compose.services.entries()) {
      const ns = this.namespaceOf(service.name);
      add(ns);
      const addresses = new Map<string, string>();
      let gateway: string | undefined;
      for (const name of service.networks) {
        const i = networkIndex.get(name);
        if (i === undefined)
          throw new Error(`compose service ${service.name} joins network ${name}, which is not declared`);
        const address = `10.77.${i}.${10 + s}`;
        run('ip', [
          '-n',
          ns,
          'link',
          'add',
          `n${i}`,
          'type',
          'veth',
          'peer',
          'name',
          `s${s}n${i}`,
          'netns',
          this.switchNs,
        ]);
        run('ip', ['-n', this.switchNs, 'link', 'set', `s${s}n${i}`, 'master', `br${i}`, 'up']);
        run('ip', ['-n', ns, 'addr', 'add', `${address}/24`, 'dev', `n${i}`]);
        run('ip', ['-n', ns, 'link', 'set', `n${i}`, 'up']);
        addresses.set(name, address);
        if (!this.compose.networks[i]!.internal) gateway ??= `10.77.${i}.1`;
      }
      if (gateway) run('ip', ['-n', ns, 'route', 'add', 'default', 'via', gateway]);
      this.addresses.set(service.name, addresses);
    }
  }

  /** Starts a listener in every namespace: each service's ports and the canary port; the internet's 443. */
  async listen(): Promise<void> {
    const starts = this.compose.services.map((s) =>
      this.startAgent(s.name, this.namespaceOf(s.name), '0.0.0.0', [...s.ports, CANARY_PORT]),
    );
    starts.push(this.startAgent('internet', this.internetNs, INTERNET_ADDRESS, [INTERNET_PORT]));
    await Promise.all(starts);
  }

  private async startAgent(name: string, ns: string, host: string, ports: number[]): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, AGENT, host, ...ports.map(String)], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const queue: string[] = [];
    const waiting: ((line: string) => void)[] = [];
    lines.on('line', (line) => {
      const resolve = waiting.shift();
      if (resolve) resolve(line);
      else queue.push(line);
    });
    const next = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const queued = queue.shift();
        if (queued !== undefined) return resolve(queued);
        const timer = setTimeout(
          () => reject(new Error(`the agent in ${ns} (${name}) did not answer: ${stderr}`)),
          READY_MS,
        );
        waiting.push((line) => {
          clearTimeout(timer);
          resolve(line);
        });
      });
    this.agents.set(name, { child, lines, next });
    const first = await next();
    if (first !== 'ready') throw new Error(`the listener of ${name} in ${ns} did not start: ${first} ${stderr}`);
  }

  /** Every namespace tries every other service at every address and port, and the internet. */
  async probe(): Promise<Matrix> {
    const matrix: Matrix = new Map();
    await Promise.all(
      this.compose.services.map(async (from) => {
        const attempts = this.compose.services
          .filter((to) => to.name !== from.name)
          .flatMap((to) =>
            [...this.addresses.get(to.name)!.values()].flatMap((address) =>
              [...to.ports, CANARY_PORT].map((port) => ({ target: to.name, address, port })),
            ),
          );
        attempts.push({ target: 'internet', address: INTERNET_ADDRESS, port: INTERNET_PORT });
        const agent = this.agents.get(from.name)!;
        agent.child.stdin.write(`${JSON.stringify(attempts)}\n`);
        const results = JSON.parse(await agent.next()) as {
          target: string;
          address: string;
          port: number;
          ok: boolean;
          code: string;
        }[];
        const row = new Map<string, { reached: number[]; refused: string[] }>();
        for (const r of results) {
          let cell = row.get(r.target);
          if (!cell) row.set(r.target, (cell = { reached: [], refused: [] }));
          if (r.ok) {
            if (!cell.reached.includes(r.port)) cell.reached.push(r.port);
          } else cell.refused.push(`${r.address}:${r.port} ${r.code}`);
        }
        matrix.set(from.name, row);
      }),
    );
    return matrix;
  }

  /** Each agent tries its own ports on its own addresses: a listener that is down would prove nothing. */
  async selfCheck(): Promise<Map<string, string[]>> {
    const failures = new Map<string, string[]>();
    for (const service of this.compose.services) {
      const attempts = [...this.addresses.get(service.name)!.values(), '127.0.0.1'].flatMap((address) =>
        [...service.ports, CANARY_PORT].map((port) => ({ target: service.name, address, port })),
      );
      const agent = this.agents.get(service.name)!;
      agent.child.stdin.write(`${JSON.stringify(attempts)}\n`);
      const results = JSON.parse(await agent.next()) as { address: string; port: number; ok: boolean; code: string }[];
      failures.set(
        service.name,
        results.filter((r) => !r.ok).map((r) => `${r.address}:${r.port} ${r.code}`),
      );
    }
    return failures;
  }

  /** Stops the agents and deletes every namespace (their links and bridges go with them). */
  async destroy(): Promise<void> {
    await Promise.all(
      [...this.agents.values()].map(
        ({ child, lines }) =>
          new Promise<void>((resolve) => {
            lines.close();
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.stdin.end();
          }),
      ),
    );
    this.agents.clear();
    for (const ns of this.namespaces.splice(0).reverse()) {
      run('ip', ['netns', 'delete', ns]);
      ours.delete(ns);
    }
  }
}

/** The matrix as a table a reader can check: `✓ 3001` reached on that port, `·` refused. */
export function formatMatrix(topology: Topology, matrix: Matrix): string {
  const names = topology.compose.services.map((s) => s.name);
  const columns = [...names, 'internet'];
  const cell = (from: string, to: string): string => {
    if (from === to) return '-';
    const reached = matrix.get(from)?.get(to)?.reached ?? [];
    return reached.length === 0 ? '·' : `✓ ${reached.sort((a, b) => a - b).join(',')}`;
  };
  const rows = [['from \\ to', ...columns], ...names.map((from) => [from, ...columns.map((to) => cell(from, to))])];
  const widths = columns.map((_, i) => Math.max(...rows.map((r) => r[i + 1]!.length)));
  const first = Math.max(...rows.map((r) => r[0]!.length));
  return rows
    .map((r) => [r[0]!.padEnd(first), ...r.slice(1).map((c, i) => c.padEnd(widths[i]!))].join('  '))
    .join('\n');
}
