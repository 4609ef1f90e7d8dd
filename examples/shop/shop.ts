/**
 * `pnpm start` (`pnpm demo:shop` from the repository root): the whole shop. Without REDIS_URL, one
 * process with the four services on the in-memory broker; with REDIS_URL, each service in its own
 * process on Redis. USERS_PORT, ORDERS_PORT, BILLING_PORT (0: any free port), EVENTS_PREFIX.
 */
import { memoryBroker } from '@specfirst/runtime/events';
import { textLogger } from './lib/log.js';
import { spawnShop } from './lib/processes.js';
import { startShop } from './lib/shop.js';
import { settingsEnv, settingsFromEnv, type Settings } from './lib/settings.js';

const env = process.env;
const port = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
const ports = { users: port('USERS_PORT'), orders: port('ORDERS_PORT'), billing: port('BILLING_PORT') };
const defined = <T extends object>(record: T) =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

let stopping = false;
try {
  const settings = settingsFromEnv(env);
  let urls: { users: string; orders: string; billing: string };
  let stop: () => Promise<void>;
  let mode: string;
  if (env['REDIS_URL']) {
    const shop = await spawnShop({
      env: { ...env, ...settingsEnv(settings) },
      ports: defined(ports),
      echo: (text) => process.stdout.write(text),
    });
    urls = shop.urls;
    mode = `four processes (pids ${Object.values(shop.services)
      .map((service) => service.child.pid)
      .join(', ')}), events on Redis at ${env['REDIS_URL']}`;
    stop = () => shop.stop();
    // A service that dies takes the shop down with it, rather than leave it half running.
    for (const service of Object.values(shop.services)) {
      service.child.once('exit', (code, signal) => {
        if (stopping) return;
        process.stderr.write(`${service.name} exited (${signal ?? `code ${code}`}); stopping the shop\n`);
        stopping = true;
        void shop.stop().finally(() => process.exit(1));
      });
    }
  } else {
    const broker = memoryBroker();
    const shop = await startShop({
      broker,
      settings,
      prefix: env['EVENTS_PREFIX'] ?? '',
      ports: defined(ports),
      logger: (service) => textLogger(service),
    });
    urls = { users: shop.users.url, orders: shop.orders.url, billing: shop.billing.url };
    mode = 'one process, events on the in-memory broker (set REDIS_URL to run each service in its own process)';
    stop = async () => {
      await shop.stop();
      await broker.close();
    };
  }
  process.stdout.write(banner(urls, settings, mode));
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('Stopping the shop...\n');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`The shop did not stop cleanly: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
} catch (error) {
  process.stderr.write(`The shop could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

/** Where each service listens, and a walk-through of the event flow to paste into a shell. */
function banner(urls: { users: string; orders: string; billing: string }, settings: Settings, mode: string): string {
  const json = "-H 'Content-Type: application/json'";
  const apiKey = `-H 'X-API-Key: ${settings.apiKey}'`;
  const internal = `-H 'X-Internal-Token: ${settings.internalToken}'`;
  const order = JSON.stringify({
    userId: '8d4b4c1e-5c7a-4f0e-9a51-3f9c1b2d7e60',
    items: [{ sku: 'BOOK-42', quantity: 2, unitPrice: { amount: 1500, currency: 'EUR' } }],
    shippingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postcode: '75001', country: 'FR' },
  });
  return [
    `The shop is running: ${mode}`,
    `  users    ${urls.users}    (OpenAPI: ${urls.users}/openapi.json)`,
    `  orders   ${urls.orders}    (OpenAPI: ${urls.orders}/openapi.json)`,
    `  billing  ${urls.billing}    (OpenAPI: ${urls.billing}/openapi.json)`,
    '  mailer   a worker: consumes invoice.paid',
    '',
    'Try the event flow (orders -> order.created -> billing -> invoice.paid -> orders, mailer):',
    `  ORDER=$(curl -s ${urls.orders}/orders ${apiKey} ${json} -d '${order}' | sed -E 's/.*"id":"([^"]+)".*/\\1/')`,
    `  curl -s ${urls.billing}/invoices/$ORDER ${internal}        # billing invoiced it, under the order's id`,
    `  curl -s ${urls.billing}/invoices/$ORDER/payment ${internal} ${json} -d '{"method":"card","token":"tok_visa"}'`,
    `  curl -s ${urls.orders}/orders/$ORDER ${apiKey}        # "status":"paid"; the mailer logged a receipt`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}
