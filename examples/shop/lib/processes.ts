/** The whole shop as four processes, one per service, on Redis: `pnpm start` with REDIS_URL, and the tests. */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { serviceUrlEnv } from '@specfirst/spec-core/connectivity';
import { SERVICE_NAMES, type ServiceName } from './settings.js';

const EXAMPLE = path.resolve(import.meta.dirname, '..');
export const SERVICES = SERVICE_NAMES;
export type { ServiceName };

/**
 * Whom each service calls through its internal clients (spec/services.yaml: `consumes.operations`),
 * so is started after, with the callee's URL in its environment (USERS_URL, BILLING_URL,
 * ORDERS_URL): orders asks users for the customer's e-mail and billing for the invoice of an order
 * it places, the mailer asks orders to purge carts.
 */
const CALLS: Record<ServiceName, readonly ServiceName[]> = {
  users: [],
  orders: ['users', 'billing'],
  billing: [],
  mailer: ['orders'],
};

export interface ServiceProcess {
  name: ServiceName;
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Where its API answers (HTTP services). */
  url?: string;
  /** Everything it printed so far. */
  output(): string;
}

export interface ShopProcesses {
  services: Record<ServiceName, ServiceProcess>;
  /** Where each HTTP service's API answers. */
  urls: { users: string; orders: string; billing: string };
  /** SIGTERM to each (a graceful stop), SIGKILL to any still running after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnOptions {
  /** The environment of every service (REDIS_URL, EVENTS_PREFIX, TASKS_PREFIX, MAILBOX_DIR, the settings and keys: `settingsEnv`). */
  env: NodeJS.ProcessEnv;
  /** A port per HTTP service (default the spec's). */
  ports?: Partial<Record<ServiceName, number>>;
  /** Where to copy what the services print (default: nowhere). */
  echo?: (text: string) => void;
  /** How long a service may take to say it is ready. */
  readyTimeoutMs?: number;
}

/**
 * Starts the four services, each `node --import tsx services/<name>/src/main.ts`, and waits until
 * each is ready: each as soon as those it calls are ready.
 */
export async function spawnShop(options: SpawnOptions): Promise<ShopProcesses> {
  const started: ServiceProcess['child'][] = [];
  const stop = async (timeoutMs = 15_000) => {
    await Promise.all(started.map((child) => stopProcess(child, timeoutMs)));
  };
  const starting = new Map<ServiceName, Promise<ServiceProcess>>();
  const start = (name: ServiceName): Promise<ServiceProcess> => {
    let service = starting.get(name);
    if (!service) {
      service = Promise.all(CALLS[name].map(start)).then((peers) => {
        const env = { ...options.env };
        for (const peer of peers) if (peer.url) env[serviceUrlEnv(peer.name)] = new URL(peer.url).origin;
        return spawnService(name, { ...options, env }, (child) => started.push(child));
      });
      starting.set(name, service);
    }
    return service;
  };
  // If one fails, the others are stopped too.
  const results = await Promise.allSettled(SERVICES.map(start));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  const ready = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const services = Object.fromEntries(ready.map((service) => [service.name, service])) as Record<
    ServiceName,
    ServiceProcess
  >;
  const url = (name: ServiceName): string => {
    const found = services[name].url;
    if (found === undefined) throw new Error(`${name} did not say where it listens:\n${services[name].output()}`);
    return found;
  };
  return { services, urls: { users: url('users'), orders: url('orders'), billing: url('billing') }, stop };
}

function spawnService(
  name: ServiceName,
  options: SpawnOptions,
  spawned: (child: ServiceProcess['child']) => void,
): Promise<ServiceProcess> {
  const port = options.ports?.[name];
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${name}/src/main.ts`], {
    cwd: EXAMPLE,
    env: { ...options.env, ...(port === undefined ? {} : { PORT: String(port) }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned(child);
  let output = '';
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    options.echo?.(chunk.toString());
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const service: ServiceProcess = { name, child, output: () => output };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      reject(new Error(`${name} ${why}:\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`was not ready after ${options.readyTimeoutMs ?? 30_000} ms`),
      options.readyTimeoutMs ?? 30_000,
    );
    const onExit = (code: number | null) => fail(`exited with ${code} before it was ready`);
    const look = () => {
      const ready = new RegExp(`^${name} is (?:listening on (\\S+)|running)`, 'm').exec(output);
      if (!ready) return;
      cleanup();
      if (ready[1]) service.url = ready[1];
      resolve(service);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', look);
      child.off('exit', onExit);
    };
    child.stdout.on('data', look);
    child.once('exit', onExit);
  });
}

async function stopProcess(child: ChildProcessByStdio<null, Readable, Readable>, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
