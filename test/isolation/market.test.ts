/**
 * The proof of isolation on a bigger spec than the shop: a marketplace of eight services (seven HTTP
 * services and a worker) with chains of calls, a service that needs nothing, two that reach the
 * internet, a topic and a task. `specfirst sync` writes its compose file into a temporary project,
 * and the networks built from it must give exactly the reachability its services.yaml declares.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll } from 'vitest';
import { describeIsolation } from './prove.js';

const CLI = fileURLToPath(new URL('../../packages/cli/bin/specfirst.js', import.meta.url));

/** Each HTTP service: its port, its operations, what it calls and what it may access. */
const HTTP: Record<string, { port: number; operations: string[]; calls?: string[]; access?: string[] }> = {
  gateway: {
    port: 4000,
    operations: ['home'],
    calls: ['catalog.listProducts', 'cart.getCart', 'accounts.getAccount', 'search.query'],
    access: ['internet'],
  },
  catalog: { port: 4001, operations: ['listProducts', 'getProduct'], access: ['database'] },
  search: { port: 4002, operations: ['query'], calls: ['catalog.listProducts'] },
  cart: {
    port: 4003,
    operations: ['getCart', 'checkout'],
    calls: ['catalog.getProduct', 'pricing.quote', 'payments.charge'],
    access: ['redis'],
  },
  pricing: { port: 4004, operations: ['quote'] },
  accounts: { port: 4005, operations: ['getAccount'], access: ['database'] },
  payments: { port: 4006, operations: ['charge'], access: ['database', 'internet'] },
};

const root = mkdtempSync(path.join(tmpdir(), 'specfirst-isolation-market-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function project(): string {
  const write = (file: string, doc: unknown): void => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), stringify(doc));
  };
  const services: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(HTTP)) {
    services[name] = {
      type: 'http',
      port: s.port,
      rest: `rest/${name}.yaml`,
      ...(s.access ? { access: s.access } : {}),
      ...(s.calls ? { consumes: { operations: s.calls } } : {}),
    };
    const operations = Object.fromEntries(
      s.operations.map((op) => [op, { method: 'get', path: `/${name}/${op}`, responses: { 200: 'Thing' } }]),
    );
    write(`spec/rest/${name}.yaml`, { tags: { [name]: { operations } } });
  }
  // The worker: it consumes catalog's topic (through Redis), runs the task payments enqueues, calls accounts.
  services.notifier = { type: 'worker', access: ['internet'], consumes: { operations: ['accounts.getAccount'] } };
  (services.payments as { consumes?: unknown }).consumes = { tasks: ['sendMail'] };
  write('specfirst.yaml', { name: 'market', spec: 'spec', output: 'generated' });
  write('spec/services.yaml', { services });
  write('spec/models.yaml', { models: { Thing: { properties: { id: 'string' } } } });
  write('spec/events.yaml', {
    topics: { 'product.changed': { message: 'Thing', producers: ['catalog'], consumers: ['search', 'notifier'] } },
  });
  write('spec/tasks.yaml', { tasks: { sendMail: { worker: 'notifier', args: 'Thing' } } });
  execFileSync(process.execPath, [CLI, 'sync', root], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return root;
}

describeIsolation('a marketplace of eight services', project);
