/**
 * Packs every published package once per run, for all the tests that read tarballs
 * (packages.test.ts, init-outside.test.ts). Once, because packing the CLI fills its vendor/ folder:
 * two packs at the same time would share it (the CLI's prepack refuses the second).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { packAll, type PackedPackage } from '../scripts/lib/packages.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Every published package, packed with pnpm and unpacked beside its tarball. */
    packed: PackedPackage[];
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dest = mkdtempSync(path.join(tmpdir(), 'specfirst-packed-'));
  project.provide('packed', await packAll(dest));
  return () => rmSync(dest, { recursive: true, force: true });
}
