/** Starts the mailer: a worker with no HTTP API, running the jobs of its queue (sendReceipt, purgeCarts). */
import { createOrdersInternalClient } from '#generated/internal/mailer/orders.js';
import { createMailerWorker } from '#generated/tasks/mailer/index.js';
import { internalClientOptions } from '../../../lib/internal.js';
import { tasksOf, type RunningService, type ServiceOptions } from '../../../lib/service.js';
import { Mailbox } from './mailbox.js';
import { mailerTasks } from './tasks.js';

export interface RunningMailer extends RunningService {
  mailbox: Mailbox;
}

export async function startMailer(
  options: Pick<ServiceOptions, 'tasks' | 'settings' | 'logger' | 'peers' | 'mailboxDir'>,
): Promise<RunningMailer> {
  const { logger } = options;
  const mailbox = await Mailbox.open(options.mailboxDir);
  // purgeCarts calls orders through the mailer's internal client (signed as `mailer`), with the
  // API key that purgeCarts' security asks for.
  const orders = createOrdersInternalClient(
    internalClientOptions(options.settings, 'mailer', 'orders', options.peers?.orders, {
      headers: { 'x-api-key': options.settings.apiKey },
    }),
  );
  const worker = createMailerWorker(mailerTasks(mailbox, orders), {
    backend: tasksOf('mailer', options),
    concurrency: 4,
    ...(logger ? { logger } : {}),
  });
  // Brings purgeCarts' schedule in line with the spec, then takes jobs.
  await worker.start();
  return { name: 'mailer', mailbox, stop: () => worker.stop() };
}
