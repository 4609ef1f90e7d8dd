/**
 * `@specfirst/runtime/tasks` must not load bullmq (nor ioredis): the memory backend's users never need
 * them. `@specfirst/runtime/tasks/bullmq` does. Checked in a fresh Node process on the built package
 * (dist, `pnpm build` first), through the package's own `exports`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('../..', import.meta.url));

async function load(specifier: string): Promise<{ bullmq: boolean; ioredis: boolean; exports: string[] }> {
  const script = `
    import { createRequire } from 'node:module';
    const module = await import(${JSON.stringify(specifier)});
    const files = Object.keys(createRequire(import.meta.url).cache);
    const loaded = (name) => files.some((file) => new RegExp('[\\\\\\\\/]' + name + '[\\\\\\\\/]').test(file));
    console.log(JSON.stringify({ bullmq: loaded('bullmq'), ioredis: loaded('ioredis'), exports: Object.keys(module).sort() }));
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir });
  return JSON.parse(stdout) as { bullmq: boolean; ioredis: boolean; exports: string[] };
}

describe('the tasks entry points', () => {
  it('@specfirst/runtime/tasks loads neither bullmq nor ioredis, and exports nothing of BullMQ', async () => {
    const { bullmq, ioredis, exports } = await load('@specfirst/runtime/tasks');
    expect(exports).toContain('TaskJobError');
    expect(exports.filter((name) => /bullmq/i.test(name))).toEqual([]);
    expect({ bullmq, ioredis }).toEqual({ bullmq: false, ioredis: false });
  });

  it('@specfirst/runtime/tasks/bullmq gives the BullMQ backend, with bullmq', async () => {
    const { bullmq, exports } = await load('@specfirst/runtime/tasks/bullmq');
    expect(exports).toEqual(['bullmqTaskBackend', 'failureOf', 'specFirstBackoff']);
    expect(bullmq).toBe(true);
  });
});
