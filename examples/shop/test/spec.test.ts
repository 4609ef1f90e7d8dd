/** The shop's spec is clean, and its generated code is what the current generator makes of it. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const EXAMPLE = path.resolve(import.meta.dirname, '..');
const CLI = path.resolve(EXAMPLE, '../../packages/cli/bin/specfirst.js');
const run = (...args: string[]) => promisify(execFile)(process.execPath, [CLI, ...args], { cwd: EXAMPLE });

describe('the shop spec', () => {
  it('passes `specfirst check` with no problem', async () => {
    const { stdout, stderr } = await run('check');
    expect(stdout).toMatch(/✓ \.: 4 services/);
    expect(stderr).toBe('');
  });

  it('is what `specfirst sync` makes of it today (`specfirst sync --check` passes)', async () => {
    const { stdout } = await run('sync', '--check');
    expect(stdout).toMatch(/generated (matches the spec|is up to date)/);
  });
});
