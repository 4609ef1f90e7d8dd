import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpecIR } from '@specfirst/spec-core';
import { generate } from './generate.js';
import { writeOutput, type OutputReport } from './write/output.js';
import { writeAtomic } from './write/atomic.js';
import { readRegularFileSync } from './write/fs-safe.js';
import { readStamp, stampJson } from './write/stamp.js';

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
  /** What was synced: `project`, or `openapi:<document>` (relative to the root). */
  target: string;
  /** Fingerprint of the IR and the generator. */
  input: string;
  /** Fingerprint of the generator alone. */
  generator: string;
  /** Every file the spec was read from (or looked for), relative to the project root: its sha256, or null when it did not exist. */
  sources: Record<string, string | null>;
  /** Every generated file and the hash in its stamp. */
  files: Record<string, string>;
}

/** What the spec was read from: the project root and the absolute paths of every file read or probed (`LoadResult.files`). */
export interface SyncInputs {
  root: string;
  files: readonly string[];
  /** What is synced: `project`, or `openapi:<document relative to root>`; see {@link syncTarget}. */
  target: string;
}

/** The name a manifest records for what it was made from, so another target's output is never vouched for. */
export function syncTarget(location: { root: string; kind: 'project' | 'openapi'; file?: string }): string {
  return location.kind === 'project' || location.file === undefined
    ? 'project'
    : `openapi:${path.relative(location.root, location.file).split(path.sep).join('/')}`;
}

function fastReport(files: string[]): SyncReport {
  return {
    written: [],
    unchanged: files,
    removed: [],
    edited: [],
    missing: [],
    outdated: [],
    extra: [],
    foreign: [],
    fast: true,
  };
}

export async function syncOutput(
  ir: SpecIR,
  outDir: string,
  options: { check?: boolean; inputs?: SyncInputs } = {},
): Promise<SyncReport> {
  const input = inputFingerprint(ir);
  const manifest = readManifest(outDir);
  const current = manifest?.input === input ? outputIntact(outDir, manifest) : undefined;
  if (current !== undefined && manifest !== undefined) {
    // The IR did not change, but a spec file may have (a comment): record its new hash, or every
    // later sync would have to load the spec to find out again. Only the manifest is rewritten.
    const sources = options.inputs ? sourceHashes(options.inputs) : manifest.sources;
    if (
      options.check !== true &&
      (JSON.stringify(sources) !== JSON.stringify(manifest.sources) ||
        manifest.target !== (options.inputs?.target ?? manifest.target))
    ) {
      const updated: Manifest = {
        ...manifest,
        target: options.inputs?.target ?? manifest.target,
        generator: generatorFingerprint(),
        sources,
      };
      await writeAtomic(path.resolve(outDir), MANIFEST, Buffer.from(stampJson(sourcesOf(ir), updated)));
      return { ...fastReport(current.filter((f) => f !== MANIFEST)), written: [MANIFEST] };
    }
    return fastReport(current);
  }
  const files = generate(ir);
  const next: Manifest = {
    target: options.inputs?.target ?? '',
    input,
    generator: generatorFingerprint(),
    sources: options.inputs ? sourceHashes(options.inputs) : {},
    files: Object.fromEntries(files.map((f) => [f.path, hashOf(f.contents)])),
  };
  files.push({ path: MANIFEST, contents: stampJson(sourcesOf(ir), next) });
  // Only what the previous sync wrote (and nobody edited since) may be removed as stale.
  const owned = new Map(Object.entries(manifest?.files ?? {}));
  return {
    ...(await writeOutput(outDir, files, { ...(options.check !== undefined ? { check: options.check } : {}), owned })),
    fast: false,
  };
}

/**
 * Whether the output folder is current without loading the spec: the manifest's generator is this
 * one, every spec file it lists hashes as recorded (and the missing ones are still missing), and
 * every generated file is intact and alone. Undefined when any of that cannot be shown.
 */
export function outputIsCurrent(outDir: string, root: string, target: string): SyncReport | undefined {
  const inputs = outputInputs(outDir, root, target);
  if (inputs?.current !== true) return undefined;
  const current = outputIntact(outDir, inputs.manifest);
  return current === undefined ? undefined : fastReport(current);
}

/**
 * What the last sync recorded, for a verdict on one generated file at a time (eslint-plugin-spec's
 * `generated-in-sync`): whether the spec files and the generator are still those the manifest
 * records, and the hash each file had when it was written (paths relative to the output folder).
 * A file whose own stamp is intact and whose hash is the recorded one is what the last sync wrote,
 * whatever happened to the other files. Undefined without a manifest for this target.
 */
export function outputRecord(
  outDir: string,
  root: string,
  target: string,
): { inputsCurrent: boolean; files: ReadonlyMap<string, string> } | undefined {
  const inputs = outputInputs(outDir, root, target);
  return inputs && { inputsCurrent: inputs.current, files: new Map(Object.entries(inputs.manifest.files)) };
}

function outputInputs(
  outDir: string,
  root: string,
  target: string,
): { manifest: Manifest; current: boolean } | undefined {
  const manifest = readManifest(outDir);
  if (!manifest || manifest.target !== target) return undefined;
  if (manifest.generator !== generatorFingerprint() || Object.keys(manifest.sources).length === 0)
    return { manifest, current: false };
  const files = Object.keys(manifest.sources).map((file) => path.join(root, ...file.split('/')));
  const now = sourceHashes({ root, files });
  const current = Object.entries(manifest.sources).every(([file, hash]) => now[file] === hash);
  return { manifest, current };
}

// The checks below read synchronously: a handful of small files, and ESLint rules (which cannot
// await) use them too.
function sourceHashes(inputs: { root: string; files: readonly string[] }): Record<string, string | null> {
  const entries = inputs.files.map((file) => {
    const relative = path.relative(inputs.root, file).split(path.sep).join('/');
    try {
      return [relative, createHash('sha256').update(readFileSync(file)).digest('hex')] as const;
    } catch {
      return [relative, null] as const;
    }
  });
  return Object.fromEntries(entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

function readManifest(outDir: string): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(outDir, MANIFEST), 'utf8')) as Partial<Manifest>;
    if (typeof manifest.input !== 'string' || typeof manifest.files !== 'object' || manifest.files === null)
      return undefined;
    return {
      target: manifest.target ?? '',
      input: manifest.input,
      generator: manifest.generator ?? '',
      sources: manifest.sources ?? {},
      files: manifest.files,
    };
  } catch {
    return undefined;
  }
}

/** The files of the output, when every file the manifest lists is there, intact, with the hash it records. */
function outputIntact(outDir: string, manifest: Manifest): string[] | undefined {
  const listed = [...Object.entries(manifest.files), [MANIFEST, undefined] as const];
  const intact = listed.map(([file, hash]) => {
    let bytes: Buffer | undefined;
    try {
      bytes = readRegularFileSync(path.join(outDir, ...file.split('/')));
    } catch {
      bytes = undefined;
    }
    const stamp = bytes === undefined ? undefined : readStamp(bytes.toString('utf8'));
    return stamp?.intact === true && (hash === undefined || stamp.hash === hash);
  });
  return intact.every(Boolean) ? listed.map(([file]) => file).sort() : undefined;
}

function hashOf(contents: string): string {
  const match = /sha256:([0-9a-f]{64})/.exec(contents);
  return match ? match[1]! : '';
}

function sourcesOf(ir: SpecIR): string[] {
  return [...ir.sources].sort();
}

/** The IR, the generator's and spec-core's own code, and the ajv that compiles validators: what decides every byte of the output. */
function inputFingerprint(ir: SpecIR): string {
  return createHash('sha256').update(generatorFingerprint()).update(JSON.stringify(ir)).digest('hex');
}

let generator: string | undefined;
function generatorFingerprint(): string {
  if (generator === undefined) {
    const hash = createHash('sha256');
    const require = createRequire(import.meta.url);
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.js')) hash.update(entry.name).update(readFileSync(full));
      }
    };
    // This package's code and spec-core's (which builds the IR the manifest's sources stand for).
    walk(path.dirname(fileURLToPath(import.meta.url)));
    walk(path.dirname(require.resolve('@specfirst/spec-core')));
    for (const dependency of ['ajv/package.json', 'ajv-formats/package.json'])
      hash.update(readFileSync(require.resolve(dependency)));
    generator = hash.digest('hex');
  }
  return generator;
}
