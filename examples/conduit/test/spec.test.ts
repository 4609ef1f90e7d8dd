/**
 * Conduit is built from RealWorld's own files, unmodified, and its generated code is what the
 * current generator makes of them.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const EXAMPLE = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(EXAMPLE, '../..');
const SHARED = process.env['SPECFIRST_SHARED'] ?? path.resolve(REPO, '../shared');
const CLI = path.join(REPO, 'packages/cli/bin/specfirst.js');

describe('the RealWorld files', () => {
  it.each([
    ['spec/conduit/openapi.yml', 'corpus/realworld/openapi.yml'],
    ['test/realworld/Conduit.postman_collection.json', 'corpus/realworld/Conduit.postman_collection.json'],
  ])('%s is the shared corpus copy, byte for byte', async (ours, theirs) => {
    const original = await readFile(path.join(SHARED, theirs)).catch((error: unknown) => {
      throw new Error(`the shared corpus is missing (${String(error)}): put it at ../shared or set SPECFIRST_SHARED`);
    });
    expect((await readFile(path.join(EXAMPLE, ours))).equals(original)).toBe(true);
  });
});

describe('generated/', () => {
  it('is what `specfirst sync` makes of the spec today (`specfirst sync --check` passes)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'sync', '--check'], { cwd: EXAMPLE });
    expect(stdout).toMatch(/generated (matches the spec|is up to date)/);
  });
});
