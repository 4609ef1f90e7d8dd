/**
 * The process the isolation test runs inside each network namespace (`ip netns exec <ns> node agent.mjs
 * <host> <port>...`): it listens on the given TCP ports, prints `ready`, then answers probe requests
 * read from stdin, one JSON line each (`[{ target, address, port }]`), with one JSON line of results
 * (`[{ target, address, port, ok, code }]`). Each connection attempt is bounded by a timeout.
 * It exits when stdin closes (the test ended or died), and after two minutes whatever happens.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout } from 'node:timers';

const TIMEOUT_MS = 300;
/**
 * A connection that timed out is tried once more, with longer: on a loaded machine a first SYN can
 * wait past 300 ms (ARP, a busy core). A retry can only turn a refusal into a connection, so it never
 * hides a hole; an isolated pair times out twice (or fails at once: no route, refused).
 */
const RETRY_TIMEOUT_MS = 1_000;
const [host, ...ports] = process.argv.slice(2);

setTimeout(() => process.exit(2), 120_000).unref();

function listen(port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.end());
    server.once('error', reject);
    server.listen(Number(port), host, () => resolve(server));
  });
}

async function attempt(probe) {
  const first = await connect(probe, TIMEOUT_MS);
  return first.code === 'ETIMEDOUT' ? connect(probe, RETRY_TIMEOUT_MS) : first;
}

function connect({ target, address, port }, timeout) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout });
    const done = (ok, code) => {
      socket.destroy();
      resolve({ target, address, port, ok, code });
    };
    socket.once('connect', () => done(true, 'connected'));
    socket.once('timeout', () => done(false, 'ETIMEDOUT'));
    socket.once('error', (error) => done(false, error.code ?? String(error)));
  });
}

try {
  await Promise.all(ports.map(listen));
} catch (error) {
  process.stdout.write(`error ${error.code ?? ''} ${error.message}\n`);
  process.exit(1);
}
process.stdout.write('ready\n');

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const results = await Promise.all(JSON.parse(line).map(attempt));
  process.stdout.write(`${JSON.stringify(results)}\n`);
});
lines.on('close', () => process.exit(0));
