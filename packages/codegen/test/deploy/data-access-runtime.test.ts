// The runtime under the shop's Redis ACL users: the real Redis broker and BullMQ backend do their
// work with exactly the rights redisAclUsers gives, so the rules are not too tight (the ACL test
// beside this one shows they are not too loose).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '@specfirst/runtime';
import { redisBroker } from '@specfirst/runtime/events/redis';
import { bullmqTaskBackend } from '@specfirst/runtime/tasks/bullmq';
import { consumerGroup, deadLetterStreamKey, streamKey } from '@specfirst/spec-core/streams';
import { TASK_JOB_VERSION, taskQueueName } from '@specfirst/spec-core/tasks';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAclUsers } from '../../src/emit/deploy/redis-acl.js';
import { loadIR, REPO_ROOT } from '../support/project.js';

const shop = loadIR(path.join(REPO_ROOT, 'fixtures/shop'));
const run = randomBytes(4).toString('hex');
const streamPrefix = `sf-aclrt-${run}:`;
const bullPrefix = `sfaclrt${run}`;
const password = `pw-${run}`;
const users = redisAclUsers(shop, { streamPrefix, bullPrefix });
const userName = (service: string): string => `sf-aclrt-${run}-${service}`;
const url = (service: string): string =>
  `redis://${encodeURIComponent(userName(service))}:${encodeURIComponent(password)}@127.0.0.1:6379`;
const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function admin(args: string[]): string {
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', ...args], { encoding: 'utf8' });
  if (r.error || r.status !== 0)
    throw new Error(`redis-cli failed (is redis-server on 127.0.0.1:6379?): ${r.error?.message ?? r.stderr}`);
  return r.stdout.trim();
}

for (const u of users) admin(['ACL', 'SETUSER', userName(u.user), 'reset', ...u.rules.split(' '), `>${password}`]);
afterAll(() => {
  for (const u of users) admin(['ACL', 'DELUSER', userName(u.user)]);
  for (const pattern of [`${streamPrefix}*`, `${bullPrefix}:*`])
    for (const key of admin(['--scan', '--pattern', pattern]).split('\n').filter(Boolean)) admin(['DEL', key]);
});

describe('the runtime under the ACL users', () => {
  it('orders publishes order.created with the Redis broker, billing consumes and dead-letters it', async () => {
    const topic = shop.topics.find((t) => t.name === 'order.created')!;
    const stream = streamKey(topic, streamPrefix);
    const orders = redisBroker(url('orders'));
    const billing = redisBroker(url('billing'));
    try {
      const group = consumerGroup('billing');
      await billing.createGroup(stream, group, '0');
      const id = await orders.add(stream, { id: 'm1', payload: '{}' }, topic.retention);
      const read = await billing.read(stream, group, 'billing-1', { from: '>', count: 10 });
      expect(read.map((e) => e.id)).toEqual([id]);
      expect(
        await billing.deadLetter(stream, group, id, deadLetterStreamKey(topic, streamPrefix), { error: 'x' }),
      ).toBeDefined();
      expect(await billing.length(deadLetterStreamKey(topic, streamPrefix))).toBe(1);
      expect(await billing.setIfAbsent(`${streamPrefix}billing:dedupe:m1`, 't', 10_000)).toBe(true);
      await expect(orders.read(stream, group, 'orders-1', { from: '>', count: 1 })).rejects.toThrow(
        /NOPERM|no permissions/i,
      );
    } finally {
      await orders.close();
      await billing.close();
    }
  });

  it('orders enqueues sendReceipt with the BullMQ backend, the mailer runs it', async () => {
    const task = shop.tasks.find((t) => t.name === 'sendReceipt')!;
    const queue = taskQueueName(task);
    const orders = bullmqTaskBackend({ url: url('orders'), prefix: bullPrefix });
    const mailer = bullmqTaskBackend({ url: url('mailer'), prefix: bullPrefix });
    try {
      const processing = await mailer.process(queue, async (job) => ({ sent: job.name }), {
        concurrency: 1,
        logger: quiet,
      });
      const [id] = await orders.add([
        { queue, name: task.name, data: { v: TASK_JOB_VERSION, args: { orderId: 'o1' } }, retry: task.retry },
      ]);
      const outcome = await orders.outcome(queue, id!, 20_000);
      expect(outcome).toEqual({ status: 'completed', result: { sent: 'sendReceipt' } });
      await processing.close(5_000);
    } finally {
      await orders.close();
      await mailer.close();
    }
  });

  it('was refused nothing but the read planted above (Redis ACL LOG)', () => {
    const log = JSON.parse(admin(['--json', 'ACL', 'LOG', '128'])) as {
      username: string;
      reason: string;
      object: string;
    }[];
    const ours = log.filter((e) => e.username.startsWith(`sf-aclrt-${run}-`));
    expect(ours.map((e) => `${e.username.slice(`sf-aclrt-${run}-`.length)} ${e.reason} ${e.object}`)).toEqual([
      `orders key ${streamPrefix}order.created`,
    ]);
  });
});
