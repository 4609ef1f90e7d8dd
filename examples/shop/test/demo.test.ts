/**
 * The Quickstart's demo as a newcomer sees it (`pnpm demo:shop` ends by running shop.ts): without
 * REDIS_URL, one process prints where each service listens and a walk-through; the walk-through's
 * commands work as printed, the event flow shows in the log, the receipt in the mailbox file the
 * banner names, purgeCarts' runs in the log, and Ctrl+C stops everything.
 * (The sync `pnpm start` runs first is left out: spec.test.ts reports a stale generated/.)
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './support/http.js';

const EXAMPLE = path.resolve(import.meta.dirname, '..');

describe('the shop demo, in one process', () => {
  const output: string[] = [];
  let child: ChildProcessByStdio<null, Readable, Readable>;
  let banner: string;
  let mailbox: string;

  beforeAll(async () => {
    mailbox = await mkdtemp(path.join(os.tmpdir(), 'shop-demo-mailbox-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      USERS_PORT: '0',
      ORDERS_PORT: '0',
      BILLING_PORT: '0',
      MAILBOX_DIR: mailbox,
    };
    delete env['REDIS_URL'];
    child = spawn('pnpm', ['exec', 'tsx', 'shop.ts'], {
      cwd: EXAMPLE,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    banner = await eventually(
      'the banner',
      () => {
        if (child.exitCode !== null) throw new Error(`the shop exited with ${child.exitCode}:\n${output.join('')}`);
        const text = output.join('');
        return /Press Ctrl\+C to stop/.test(text) ? text : undefined;
      },
      40_000,
    );
  });
  /** pnpm, tsx and Node share a process group (`detached`): signal them all, as a terminal does. */
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) throw new Error('the shop has no process id: it did not start');
    process.kill(-child.pid, signal);
  };
  afterAll(async () => {
    try {
      signalGroup('SIGKILL');
    } catch {
      // Already gone, as it should be after the last test.
    }
    if (mailbox) await rm(mailbox, { recursive: true, force: true });
  });

  const sh = async (command: string, env: Record<string, string> = {}) =>
    (await promisify(execFile)('sh', ['-c', command], { env: { ...process.env, ...env } })).stdout;

  it('says where each service listens, in one process on the in-memory broker and queue', () => {
    expect(banner).toContain('one process, events on the in-memory broker and tasks on the in-memory queue');
    for (const service of ['users', 'orders', 'billing']) {
      expect(banner).toMatch(new RegExp(`^  ${service} +http://localhost:\\d+/api `, 'm'));
    }
    expect(banner).toMatch(/^ {2}mailer +a worker on the queue "mailer": sendReceipt, and purgeCarts on its schedule/m);
    expect(banner).toContain(`appends it to ${path.join(mailbox, 'receipts.jsonl')}`);
  });

  it('prints a walk-through that works as printed: the order ends paid, with a receipt in the mailbox', async () => {
    const commands = banner
      .split('\n')
      .map((line) => line.trim().replace(/\s+# .*$/, ''))
      .filter((line) => /^(CUSTOMER=|ORDER=|curl )/.test(line));
    expect(commands).toHaveLength(5);
    const [signUp = '', place = '', invoice = '', pay = '', order = ''] = commands;
    const customer = (await sh(`${signUp}; printf %s "$CUSTOMER"`)).trim();
    expect(customer).toMatch(/^[0-9a-f-]{36}$/);
    const orderId = (await sh(`${place}; printf %s "$ORDER"`, { CUSTOMER: customer })).trim();
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);
    const env = { ORDER: orderId };
    // Orders had billing invoice the order before it answered: the invoice is there at once.
    expect(JSON.parse(await sh(invoice, env))).toMatchObject({ id: orderId, paidAt: null });
    expect(output.join('')).toMatch(new RegExp(`billing +invoice created .*orderId=${orderId} .*caller=orders`));
    expect(JSON.parse(await sh(pay, env))).toMatchObject({ id: orderId, paidAt: expect.any(String) });
    await eventually('the paid order', async () =>
      (await sh(order, env)).includes('"status":"paid"') ? true : undefined,
    );
    await eventually('the receipt in the log', () =>
      new RegExp(`receipt sent .*orderId=${orderId}`).test(output.join('')) ? true : undefined,
    );
    const receipts = (await readFile(path.join(mailbox, 'receipts.jsonl'), 'utf8')).trim().split('\n');
    expect(receipts.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ orderId, to: expect.stringMatching(/^ada\.\d+@example\.com$/) }),
    ]);
  });

  it('runs purgeCarts on its schedule, and says so in the log', async () => {
    // Every 10 s (spec/tasks.yaml): bounded by two periods.
    await eventually(
      'a run of purgeCarts in the log',
      () => (/mailer +carts purged .*\bpurged=0\b/.test(output.join('')) ? true : undefined),
      25_000,
    );
  });

  it('stops on Ctrl+C, leaving nothing listening', async () => {
    const orders = /^ {2}orders +(http:\/\/\S+)/m.exec(banner)?.[1];
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    signalGroup('SIGINT');
    await exited;
    const answering = () =>
      fetch(`${orders}/orders`).then(
        () => true,
        () => false,
      );
    await eventually(
      'the orders service to stop listening',
      async () => ((await answering()) ? undefined : true),
      5000,
    );
    expect(output.join('')).toContain('Stopping the shop');
    expect(output.join('')).not.toMatch(/error/i);
  });
});
