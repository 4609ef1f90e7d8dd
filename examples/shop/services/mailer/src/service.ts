/** Starts the mailer: a worker with no HTTP API, consuming `invoice.paid`. */
import { createMailerConsumers } from '#generated/events/mailer/index.js';
import type { RunningService, ServiceOptions } from '../../../lib/service.js';
import { mailerHandlers } from './events.js';
import { Receipts } from './receipts.js';

export interface RunningMailer extends RunningService {
  receipts: Receipts;
}

export async function startMailer(
  options: Pick<ServiceOptions, 'broker' | 'prefix' | 'logger' | 'consumer'>,
): Promise<RunningMailer> {
  const { broker, prefix = '', logger, consumer } = options;
  const receipts = new Receipts();
  const consumers = createMailerConsumers(mailerHandlers(receipts), {
    broker,
    prefix,
    ...(logger ? { logger } : {}),
    ...(consumer ? { consumer } : {}),
  });
  await consumers.start();
  return { name: 'mailer', receipts, stop: () => consumers.stop() };
}
