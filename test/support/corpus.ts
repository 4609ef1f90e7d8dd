/**
 * The public corpus: API descriptions nobody on this project wrote, copied into the repository
 * unmodified and listed in fixtures/corpus/sources.json. This module is the one place tests learn
 * where those files are; a test file that imports it is corpus-dependent, and
 * test/bare-clone.test.ts runs it from a clone with nothing beside it.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The folder of the corpus files that no example uses (RealWorld's live in examples/conduit). */
export const CORPUS_DIR = path.join(REPO_ROOT, 'fixtures/corpus');
export const MANIFEST = path.join(CORPUS_DIR, 'sources.json');

/** One entry of sources.json: a file of the repository and the upstream file it is a copy of. */
export interface CorpusFile {
  /** From the repository root, with `/`. */
  path: string;
  /** `https://github.com/<owner>/<name>`. */
  repository: string;
  /** The full commit the file was copied at. */
  commit: string;
  /** The file's path in the upstream repository at that commit. */
  upstreamPath: string;
  /** SPDX identifier. */
  licence: string;
  sha256: string;
}

/** Every entry of sources.json, as written. */
export function corpusManifest(): CorpusFile[] {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { files: CorpusFile[] };
  return manifest.files;
}

/** The absolute path of a listed file; a listed file that is missing means a broken checkout. */
function present(file: CorpusFile): string {
  const absolute = path.join(REPO_ROOT, file.path);
  if (!existsSync(absolute)) {
    throw new Error(
      `the corpus file ${file.path} (listed in fixtures/corpus/sources.json) is missing; restore it with \`git checkout -- ${file.path}\``,
    );
  }
  return absolute;
}

function pick(predicate: (file: CorpusFile) => boolean, what: string): string[] {
  const files = corpusManifest().filter(predicate).map(present).sort();
  if (files.length === 0) throw new Error(`fixtures/corpus/sources.json lists no ${what}`);
  return files;
}

const OAI = 'https://github.com/OAI/OpenAPI-Specification';
const REALWORLD = 'https://github.com/gothinkster/realworld';
const isYaml = (file: CorpusFile): boolean => /\.ya?ml$/.test(file.path);

/** The OpenAPI Initiative's OpenAPI 3.0 example documents (petstore.yaml, uspto.yaml, …), sorted. */
export const OAI_EXAMPLES: readonly string[] = pick(
  (f) => f.repository === OAI && isYaml(f),
  'OpenAPI Initiative examples',
);

/** One of the OpenAPI Initiative's examples by file name, e.g. `petstore.yaml`. */
export function oaiExample(name: string): string {
  const file = OAI_EXAMPLES.find((f) => path.basename(f) === name);
  if (!file)
    throw new Error(
      `no OpenAPI Initiative example named ${name}; the corpus has ${OAI_EXAMPLES.map((f) => path.basename(f)).join(', ')}`,
    );
  return file;
}

/** The repository's copy of RealWorld's Conduit API document (OpenAPI 3.1), examples/conduit's spec. */
export const REALWORLD_OPENAPI_COPY: string = pick(
  (f) => f.repository === REALWORLD && f.upstreamPath === 'api/openapi.yml',
  "RealWorld's api/openapi.yml",
)[0]!;

/**
 * RealWorld's document where it loads as a standalone OpenAPI document: a byte-for-byte copy of
 * REALWORLD_OPENAPI_COPY in a temporary folder (`<tmp>/realworld/openapi.yml`), because inside
 * examples/conduit spec-core reads it as part of the Conduit project. Removed after the test file.
 */
export const REALWORLD_OPENAPI: string = standaloneCopy(REALWORLD_OPENAPI_COPY, 'realworld');

/** Every OpenAPI document of the corpus, each loadable on its own: the OpenAPI Initiative's examples, then RealWorld's. */
export const OPENAPI_DOCUMENTS: readonly string[] = [...OAI_EXAMPLES, REALWORLD_OPENAPI];

/** A corpus file's path in the repository, from its root, for test names and messages. */
export function corpusName(file: string): string {
  return path
    .relative(REPO_ROOT, file === REALWORLD_OPENAPI ? REALWORLD_OPENAPI_COPY : file)
    .split(path.sep)
    .join('/');
}

function standaloneCopy(file: string, folder: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'specfirst-corpus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const copy = path.join(dir, folder, path.basename(file));
  mkdirSync(path.dirname(copy));
  copyFileSync(file, copy);
  return copy;
}
