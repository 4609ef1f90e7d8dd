/** The whole shop in one process, on one broker and one task queue: `pnpm start` without Redis, and the tests. */
import type { Logger } from '@specfirst/runtime';
import type { EventBroker } from '@specfirst/runtime/events';
import type { TaskBackend } from '@specfirst/runtime/tasks';
import { startBilling, type RunningBilling } from '../services/billing/src/service.js';
import { startMailer, type RunningMailer } from '../services/mailer/src/service.js';
import { startOrders, type RunningOrders } from '../services/orders/src/service.js';
import { startUsers, type RunningUsers } from '../services/users/src/service.js';
import type { Settings } from './settings.js';

export interface ShopOptions {
  broker: EventBroker;
  /** Orders enqueues on it, the mailer runs its jobs: `memoryTaskBackend()`. */
  tasks: TaskBackend;
  settings: Settings;
  prefix?: string;
  /** Default: the spec's ports; 0 picks free ones. */
  ports?: { users?: number; orders?: number; billing?: number };
  host?: string;
  /** A logger per service. */
  logger?: (service: string) => Logger;
  /** The mailer's mailbox folder; default in memory only. */
  mailboxDir?: string;
}

export interface Shop {
  users: RunningUsers;
  orders: RunningOrders;
  billing: RunningBilling;
  mailer: RunningMailer;
  /** Stops every service, the mailer first: consumers and the worker finish or give back what they hold, then HTTP closes. */
  stop(): Promise<void>;
}

/** `http://localhost:3001/api` → `http://localhost:3001`: what an internal client is given. */
const origin = (url: string): string => new URL(url).origin;

export async function startShop(options: ShopOptions): Promise<Shop> {
  const { broker, tasks, settings, prefix = '', ports = {}, host } = options;
  const common = (service: string, port: number | undefined) => ({
    broker,
    tasks,
    settings,
    prefix,
    ...(port === undefined ? {} : { port }),
    ...(host === undefined ? {} : { host }),
    ...(options.logger ? { logger: options.logger(service) } : {}),
  });
  const started: { stop(): Promise<void> }[] = [];
  const stop = async () => {
    for (const service of started.reverse()) await service.stop();
  };
  try {
    const users = await startUsers(common('users', ports.users));
    started.push(users);
    const billing = await startBilling(common('billing', ports.billing));
    started.push(billing);
    // Orders calls users and billing over HTTP, through its internal clients, on their real ports.
    const orders = await startOrders({
      ...common('orders', ports.orders),
      peers: { users: origin(users.url), billing: origin(billing.url) },
    });
    started.push(orders);
    const mailer = await startMailer({
      ...common('mailer', undefined),
      peers: { orders: origin(orders.url) },
      ...(options.mailboxDir === undefined ? {} : { mailboxDir: options.mailboxDir }),
    });
    started.push(mailer);
    return { users, orders, billing, mailer, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
