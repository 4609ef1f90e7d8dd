import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { findProjectRoot, loadProjectSync } from '@specfirst/spec-core';

/**
 * A digest of the spec files of the project around `cwd`, for the configs' `settings`. `eslint
 * --cache` keys cached results on the config, and a rule's verdict on an unchanged service file
 * depends on the spec too: with the digest in the config, a spec edit invalidates the cache.
 */
export function specDigest(cwd: string): string {
  const root = findProjectRoot(cwd);
  if (root === undefined) return 'no-project';
  const hash = createHash('sha256');
  for (const file of loadProjectSync(root).files) {
    hash.update(file).update('\0');
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update('missing');
    }
  }
  return hash.digest('hex').slice(0, 16);
}
