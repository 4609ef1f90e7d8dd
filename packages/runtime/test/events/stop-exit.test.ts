/**
 * What keeps a process alive after stop(): nothing. A service that stops its consumers and closes its
 * servers must exit, even when a handler fails during the shutdown with a long backoff ahead of it.
 * Run in a child process on the built runtime (`pnpm build` first; `pnpm test` does it).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const runtime = pathToFileURL(fileURLToPath(new URL('../../dist/events/index.js', import.meta.url))).href;

const script = `
import { brokerSink, createConsumers, memoryBroker, publish } from ${JSON.stringify(runtime)};
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const topic = {
  name: 'order.created', messageType: 'OrderCreated', version: 1,
  retry: { attempts: 5, backoff: 'fixed', delayMs: 60000 },
  claimAfterMs: 30000, startFrom: 'beginning', concurrency: 1,
  validate: Object.assign(() => true, { errors: null }),
};
const broker = memoryBroker();
let started, stopping;
const running = new Promise((resolve) => (started = resolve));
const stopCalled = new Promise((resolve) => (stopping = resolve));
const consumers = createConsumers('billing', [{ topic, handler: async () => {
  started();
  await stopCalled;
  throw new Error('fails during the shutdown');
} }], { broker, logger: quiet, shutdownTimeoutMs: 5000 });
await consumers.start();
await publish(brokerSink(broker), topic, { n: 1 });
await running;
const stopped = consumers.stop();
stopping();
await stopped;
const pending = await broker.pending('order.created', 'billing');
console.log('stopped, pending ' + pending.count);
`;

describe('a stopped consumer', () => {
  it('lets the process exit although its handler failed during stop() with a minute of backoff ahead', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    clearTimeout(killer);
    // Killed after 15 s: a retry timer of the 60 s backoff kept the process alive.
    expect({ code, signal, out: out.trim() }).toEqual({ code: 0, signal: null, out: 'stopped, pending 1' });
  }, 20_000);
});
