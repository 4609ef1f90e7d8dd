import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFEST } from '@specfirst/codegen';
import { findProjectRoot, loadProjectSync } from '@specfirst/spec-core';

/**
 * A digest of the spec files of the project around `cwd` and of its output's manifest, for the
 * configs' `settings`. `eslint --cache` keys cached results on the config, and a rule's verdict on
 * an unchanged file depends on more than the file: on the spec for services and generated code, on
 * the manifest (what the last sync wrote) for generated code. With the digest in the config, a
 * spec edit or a sync invalidates the cache.
 */
export function specDigest(cwd: string): string {
  const root = findProjectRoot(cwd);
  if (root === undefined) return 'no-project';
  const hash = createHash('sha256');
  const { files, ir } = loadProjectSync(root);
  const manifest = path.join(root, ...ir.project.outputDir.split('/'), MANIFEST);
  for (const file of [...files, manifest]) {
    hash.update(file).update('\0');
    try {
      hash.update(readFileSync(file));
    } catch {
      hash.update('missing');
    }
  }
  return hash.digest('hex').slice(0, 16);
}
