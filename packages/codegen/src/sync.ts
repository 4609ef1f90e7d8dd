import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpecIR } from '@specfirst/spec-core';
import { generate } from './generate.js';
import { writeOutput, type OutputReport } from './write/output.js';
import { scanOutput } from './write/scan.js';
import { stampJson } from './write/stamp.js';

/**
 * `specfirst sync` as one call: generate and write, or, when nothing that shapes the output has
 * changed, confirm that in a fraction of the time. The output folder keeps a stamped
 * `manifest.json` with a fingerprint of its inputs (the IR and the generator itself) and the hash
 * of every file; when the fingerprint matches and every file is still intact, nothing is generated.
 */
export const MANIFEST = 'manifest.json';

export interface SyncReport extends OutputReport {
  /** True when the manifest proved the output current without generating anything. */
  fast: boolean;
}

interface Manifest {
  input: string;
  files: Record<string, string>;
}

export async function syncOutput(ir: SpecIR, outDir: string, options: { check?: boolean } = {}): Promise<SyncReport> {
  const input = inputFingerprint(ir);
  const current = await provenCurrent(outDir, input);
  if (current !== undefined) {
    return { written: [], unchanged: current, removed: [], edited: [], missing: [], outdated: [], extra: [], foreign: [], fast: true };
  }
  const files = generate(ir);
  const manifest: Manifest = { input, files: Object.fromEntries(files.map((f) => [f.path, hashOf(f.contents)])) };
  files.push({ path: MANIFEST, contents: stampJson(sourcesOf(ir), manifest) });
  return { ...(await writeOutput(outDir, files, options)), fast: false };
}

/** The files of the output, when the manifest matches `input` and every file it lists is intact and alone. */
async function provenCurrent(outDir: string, input: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(outDir, MANIFEST), 'utf8');
  } catch {
    return undefined;
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(text) as Manifest;
  } catch {
    return undefined;
  }
  if (manifest.input !== input || typeof manifest.files !== 'object') return undefined;
  const scan = await scanOutput(outDir).catch(() => undefined);
  if (!scan) return undefined;
  const listed = new Map(Object.entries(manifest.files));
  for (const [file, scanned] of scan.files) {
    if (scanned.stamp === undefined) continue; // not ours: never in the way unless it sits on a listed path
    if (!scanned.stamp.intact) return undefined;
    if (file === MANIFEST) continue;
    if (listed.get(file) !== scanned.stamp.hash) return undefined; // stale, edited, or one we no longer make
  }
  for (const file of listed.keys()) if (scan.files.get(file)?.stamp === undefined) return undefined;
  if (scan.files.get(MANIFEST)?.stamp?.intact !== true || scan.leftovers.size > 0) return undefined;
  return [...listed.keys(), MANIFEST].sort();
}

function hashOf(contents: string): string {
  const match = /sha256:([0-9a-f]{64})/.exec(contents);
  return match ? match[1]! : '';
}

function sourcesOf(ir: SpecIR): string[] {
  return [...ir.sources].sort();
}

/** The IR, the generator's own code and the ajv that compiles validators: what decides every byte of the output. */
function inputFingerprint(ir: SpecIR): string {
  return createHash('sha256').update(generatorFingerprint()).update(JSON.stringify(ir)).digest('hex');
}

let generator: string | undefined;
function generatorFingerprint(): string {
  if (generator === undefined) {
    const hash = createHash('sha256');
    const dist = path.dirname(fileURLToPath(import.meta.url));
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.js')) hash.update(entry.name).update(readFileSync(full));
      }
    };
    walk(dist);
    const require = createRequire(import.meta.url);
    for (const dependency of ['ajv/package.json', 'ajv-formats/package.json']) hash.update(readFileSync(require.resolve(dependency)));
    generator = hash.digest('hex');
  }
  return generator;
}
