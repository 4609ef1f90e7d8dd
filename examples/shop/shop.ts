/**
 * `pnpm start` (`pnpm demo:shop` from the repository root): the whole shop. Without REDIS_URL, one
 * process with the four services on the in-memory broker and task queue; with REDIS_URL, each
 * service in its own process, events on Redis Streams and tasks on BullMQ. USERS_PORT, ORDERS_PORT,
 * BILLING_PORT (0: any free port), EVENTS_PREFIX, TASKS_PREFIX, MAILBOX_DIR (where the mailer
 * writes receipts.jsonl; default a folder in the system's temporary directory), and the settings
 * (lib/settings.ts): SHOP_SECRET, SHOP_API_KEY, SHOP_INTERNAL_TOKEN and one key per declared edge
 * SPECFIRST_KEY_ORDERS_TO_USERS, _ORDERS_TO_BILLING, _MAILER_TO_ORDERS (development defaults unless
 * NODE_ENV=production).
 * The services' processes get each callee's URL (USERS_URL, BILLING_URL, ORDERS_URL) from the launcher.
 */
import os from 'node:os';
import path from 'node:path';
import { memoryBroker } from '@specfirst/runtime/events';
import { memoryTaskBackend } from '@specfirst/runtime/tasks';
import { purgeCartsTask } from '#generated/tasks/mailer/index.js';
import { textLogger } from './lib/log.js';
import { spawnShop } from './lib/processes.js';
import { startShop } from './lib/shop.js';
import { settingsEnv, settingsFromEnv, type Settings } from './lib/settings.js';
import { MAILBOX_FILE } from './services/mailer/src/mailbox.js';

const env = process.env;
const port = (name: string): number | undefined => (env[name] ? Number(env[name]) : undefined);
const ports = { users: port('USERS_PORT'), orders: port('ORDERS_PORT'), billing: port('BILLING_PORT') };
const defined = <T extends object>(record: T) =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
const mailboxDir = env['MAILBOX_DIR'] || path.join(os.tmpdir(), 'specfirst-shop-mailbox');

let stopping = false;
try {
  const settings = settingsFromEnv(env);
  let urls: { users: string; orders: string; billing: string };
  let stop: () => Promise<void>;
  let mode: string;
  if (env['REDIS_URL']) {
    const shop = await spawnShop({
      env: { ...env, ...settingsEnv(settings), MAILBOX_DIR: mailboxDir },
      ports: defined(ports),
      echo: (text) => process.stdout.write(text),
    });
    urls = shop.urls;
    mode = `four processes (pids ${Object.values(shop.services)
      .map((service) => service.child.pid)
      .join(', ')}), events on Redis Streams and tasks on BullMQ, at ${env['REDIS_URL']}`;
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
    const tasks = memoryTaskBackend();
    const shop = await startShop({
      broker,
      tasks,
      settings,
      prefix: env['EVENTS_PREFIX'] ?? '',
      ports: defined(ports),
      logger: (service) => textLogger(service),
      mailboxDir,
    });
    urls = { users: shop.users.url, orders: shop.orders.url, billing: shop.billing.url };
    mode =
      'one process, events on the in-memory broker and tasks on the in-memory queue ' +
      '(set REDIS_URL to run each service in its own process)';
    stop = async () => {
      await shop.stop();
      await tasks.close();
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

/** Where each service listens, and a walk-through of the event and task flow to paste into a shell. */
function banner(urls: { users: string; orders: string; billing: string }, settings: Settings, mode: string): string {
  const json = "-H 'Content-Type: application/json'";
  const apiKey = `-H 'X-API-Key: ${settings.apiKey}'`;
  const internal = `-H 'X-Internal-Token: ${settings.internalToken}'`;
  // A new e-mail on each run: users refuses one it knows.
  const user = `{"email":"ada.'"$(date +%s)"'@example.com","name":"Ada","password":"correct horse battery"}`;
  const order = JSON.stringify({
    userId: '$CUSTOMER',
    items: [{ sku: 'BOOK-42', quantity: 2, unitPrice: { amount: 1500, currency: 'EUR' } }],
    shippingAddress: { line1: '1 Rue de Rivoli', city: 'Paris', postcode: '75001', country: 'FR' },
  }).replace('"$CUSTOMER"', `"'"$CUSTOMER"'"`);
  const id = `sed -E 's/.*"id":"([^"]+)".*/\\1/'`;
  const receipts = path.join(mailboxDir, MAILBOX_FILE);
  return [
    `The shop is running: ${mode}`,
    `  users    ${urls.users}    (OpenAPI: ${urls.users}/openapi.json)`,
    `  orders   ${urls.orders}    (OpenAPI: ${urls.orders}/openapi.json)`,
    `  billing  ${urls.billing}    (OpenAPI: ${urls.billing}/openapi.json)`,
    `  mailer   a worker on the queue "mailer": sendReceipt, and purgeCarts on its schedule ('${purgeCartsTask.schedule}')`,
    '',
    'The services call each other over HTTP, each through its generated internal clients, signed with the key',
    'of the edge, SPECFIRST_KEY_<CALLER>_TO_<CALLEE> (dev defaults here); each refuses with a 403 a call of an edge services.yaml does not declare:',
    '  orders -> users.getUser, orders -> billing.createInvoice, mailer -> orders.purgeCarts',
    '',
    'Try the flow (orders -> billing.createInvoice; the payment -> invoice.paid -> orders -> users.getUser,',
    'then sendReceipt on the mailer):',
    `  CUSTOMER=$(curl -s ${urls.users}/users ${json} -d '${user}' | ${id})`,
    `  ORDER=$(curl -s ${urls.orders}/orders ${apiKey} ${json} -d '${order}' | ${id})`,
    `  curl -s ${urls.billing}/invoices/$ORDER ${internal}        # orders had billing invoice it, under the order's id`,
    `  curl -s ${urls.billing}/invoices/$ORDER/payment ${internal} ${json} -d '{"method":"card","token":"tok_visa"}'`,
    `  curl -s ${urls.orders}/orders/$ORDER ${apiKey}        # "status":"paid"; orders enqueued the receipt`,
    `The receipt: the mailer logs "receipt sent" and appends it to ${receipts} (cat it).`,
    'The purge: each run of purgeCarts logs "carts purged" (orders still pending after 30 days are deleted).',
    'Press Ctrl+C to stop.',
    '',
  ].join('\n');
}
