/**
 * `@specfirst/runtime/events` must not load ioredis (a user of the memory broker never needs it);
 * `@specfirst/runtime/events/redis` does. Checked in a fresh Node process on the built package (dist),
 * through the package's own `exports`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

async function loadsIoredis(specifier: string): Promise<{ loaded: boolean; exports: string[] }> {
  const script = `
    import { createRequire } from 'node:module';
    const module = await import(${JSON.stringify(specifier)});
    const cache = createRequire(import.meta.url).cache;
    const loaded = Object.keys(cache).some((file) => /[\\\\/]ioredis[\\\\/]/.test(file));
    console.log(JSON.stringify({ loaded, exports: Object.keys(module).sort() }));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir });
  return JSON.parse(stdout) as { loaded: boolean; exports: string[] };
}

describe('the events entry points', () => {
  it('@specfirst/runtime/events gives the memory broker without loading ioredis', async () => {
    const { loaded, exports } = await loadsIoredis('@specfirst/runtime/events');
    expect(exports).toEqual(expect.arrayContaining(['BrokerError', 'NoGroupError', 'memoryBroker']));
    expect(exports).not.toContain('redisBroker');
    expect(loaded).toBe(false);
  });

  it('@specfirst/runtime/events/redis gives the Redis broker, with ioredis', async () => {
    const { loaded, exports } = await loadsIoredis('@specfirst/runtime/events/redis');
    expect(exports).toEqual(['redisBroker']);
    expect(loaded).toBe(true);
  });
});
