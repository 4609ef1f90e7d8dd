/** A service's `main.ts`: start it from the environment, say where it listens, stop it on Ctrl+C. */
import { memoryBroker } from '@specfirst/runtime/events';
import { serviceUrlEnv } from '@specfirst/spec-core/connectivity';
import { billingPort } from '#generated/routers/billing/index.js';
import { ordersPort } from '#generated/routers/orders/index.js';
import { usersPort } from '#generated/routers/users/index.js';
import type { RunningService, ServiceOptions } from './service.js';
import { brokerFromEnv } from './broker.js';
import { textLogger } from './log.js';
import { settingsFromEnv } from './settings.js';
import { taskBackendFromEnv } from './tasks.js';

/** The line a service prints once it is ready (the shop's launcher waits for it). */
export const readyLine = (service: RunningService): string =>
  service.url === undefined ? `${service.name} is running` : `${service.name} is listening on ${service.url}`;

export async function runService(
  name: string,
  start: (options: ServiceOptions) => Promise<RunningService>,
  {
    events = true,
    tasks = false,
    env = process.env,
  }: { events?: boolean; tasks?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const logger = textLogger(name);
  try {
    // A service that takes part in no event (users) needs no connection to Redis.
    const { broker, description } = events ? await brokerFromEnv(env) : { broker: memoryBroker(), description: 'none' };
    if (events && !env['REDIS_URL']) {
      logger.warn({}, 'REDIS_URL is not set: events stay inside this process (in-memory broker)');
    }
    // Orders enqueues tasks and the mailer runs them; users and billing have none.
    const queue = tasks ? await taskBackendFromEnv(env) : undefined;
    if (tasks && !env['REDIS_URL']) {
      logger.warn({}, 'REDIS_URL is not set: tasks stay inside this process (in-memory queue)');
    }
    const close = async () => {
      await queue?.backend.close();
      await broker.close();
    };
    const port = env['PORT'] ? Number(env['PORT']) : undefined;
    const service = await start({
      broker,
      ...(queue ? { tasks: queue.backend } : {}),
      settings: settingsFromEnv(env),
      prefix: env['EVENTS_PREFIX'] ?? '',
      logger,
      ...(port === undefined ? {} : { port }),
      ...(env['HOST'] ? { host: env['HOST'] } : {}),
      // USERS_URL, ORDERS_URL, BILLING_URL: where the services this one calls answer (default:
      // the spec's port on localhost, as `pnpm demo:shop` runs them; the deployment files set them).
      peers: {
        users: env[serviceUrlEnv('users')] || `http://localhost:${usersPort}`,
        orders: env[serviceUrlEnv('orders')] || `http://localhost:${ordersPort}`,
        billing: env[serviceUrlEnv('billing')] || `http://localhost:${billingPort}`,
      },
      ...(env['MAILBOX_DIR'] ? { mailboxDir: env['MAILBOX_DIR'] } : {}),
    }).catch(async (error: unknown) => {
      await close();
      throw error;
    });
    const uses = [...(events ? [`events: ${description}`] : []), ...(queue ? [`tasks: ${queue.description}`] : [])];
    process.stdout.write(`${readyLine(service)}${uses.length > 0 ? ` (${uses.join(', ')})` : ''}\n`);
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= service
        .stop()
        .then(close)
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error({ error: String(error) }, 'could not stop cleanly');
            process.exit(1);
          },
        );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (error) {
    process.stderr.write(`${name} could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
