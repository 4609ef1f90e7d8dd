import { describe, expect, it } from 'vitest';
import { isBatchRun } from '../src/util/spec-problems.js';

/** Which processes lint in one batch (one notice of a broken spec per run) and which are editors (one per lint). */
describe('isBatchRun', () => {
  it.each([
    ['/p/node_modules/eslint/bin/eslint.js', true], // `pnpm exec eslint`, lint-staged, the pnpm shim
    ['/p/node_modules/.pnpm/eslint@10.15.0/node_modules/eslint/bin/eslint.js', true],
    ['/p/node_modules/.bin/eslint', true], // npm's symbolic link, run by its own name
    ['/p/node_modules/eslint/lib/eslint/worker.js', true], // a worker thread of `eslint --concurrency`
    ['C:\\p\\node_modules\\eslint\\bin\\eslint.js', true],
    ['/home/u/.vscode/extensions/dbaeumer.vscode-eslint-3.0.10/server/out/eslintServer.js', false],
    ['/p/node_modules/vscode-eslint-language-server/bin/eslint-language-server.js', false],
    ['/p/node_modules/vitest/vitest.mjs', false],
    ['/p/eslint.js', false],
    [undefined, false], // a REPL
  ])('%s: %s', (script, batch) => {
    expect(isBatchRun(script)).toBe(batch);
  });
});
