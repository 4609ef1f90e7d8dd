/**
 * Conduit's generated code is what the current generator makes of its spec. (That the RealWorld
 * files it is built from are unmodified is checked with the rest of the corpus, against
 * fixtures/corpus/sources.json, by test/corpus.test.ts at the repository root.)
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const EXAMPLE = path.resolve(import.meta.dirname, '..');
const REPO = path.resolve(EXAMPLE, '../..');
const CLI = path.join(REPO, 'packages/cli/bin/specfirst.js');

describe('generated/', () => {
  it('is what `specfirst sync` makes of the spec today (`specfirst sync --check` passes)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'sync', '--check'], { cwd: EXAMPLE });
    expect(stdout).toMatch(/generated (matches the spec|is up to date)/);
  });
});
