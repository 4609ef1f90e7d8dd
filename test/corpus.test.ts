/**
 * The public corpus is what its upstreams wrote, byte for byte, and fixtures/corpus/sources.json
 * says where each file comes from and under which licence.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusManifest, corpusName, type CorpusFile, MANIFEST, REPO_ROOT } from './support/corpus.js';

const files = corpusManifest();
/** Ours, not copies: they describe the corpus. */
const OURS = new Set(['fixtures/corpus/README.md', 'fixtures/corpus/sources.json']);

const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [corpusName(full)];
  });
}

describe('fixtures/corpus/sources.json', () => {
  it('lists each file once, with its upstream repository, full commit, upstream path, SPDX licence and sha256', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    for (const file of files) {
      expect(Object.keys(file).sort(), file.path).toEqual([
        'commit',
        'licence',
        'path',
        'repository',
        'sha256',
        'upstreamPath',
      ]);
      expect(file.path, 'a path from the repository root, with /').toMatch(/^[\w.-]+(\/[\w.-]+)+$/);
      expect(file.repository, file.path).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
      expect(file.commit, `${file.path}: the full 40-character commit`).toMatch(/^[0-9a-f]{40}$/);
      expect(file.upstreamPath, file.path).toMatch(/^[^/].*[^/]$/);
      expect(['Apache-2.0', 'MIT'], `${file.path}: an SPDX identifier this repository knows the terms of`).toContain(
        file.licence,
      );
      expect(file.sha256, file.path).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('lists every file under fixtures/corpus/ (besides its README and itself)', () => {
    const listed = new Set(files.map((f) => f.path));
    const unlisted = walk(CORPUS_DIR).filter((file) => !OURS.has(file) && !listed.has(file));
    expect(
      unlisted,
      `list ${unlisted.join(', ')} in ${corpusName(MANIFEST)} with source, commit, licence and sha256 (see fixtures/corpus/README.md)`,
    ).toEqual([]);
  });

  it('gives one commit and one licence per upstream repository', () => {
    const byRepository = new Map<string, Set<string>>();
    for (const file of files) {
      const seen = byRepository.get(file.repository) ?? new Set<string>();
      seen.add(`${file.commit} ${file.licence}`);
      byRepository.set(file.repository, seen);
    }
    for (const [repository, seen] of byRepository) expect([...seen], repository).toHaveLength(1);
  });
});

describe('every corpus file', () => {
  it.each(files.map((f) => [f.path, f] as const))(
    '%s has the sha256 recorded in sources.json',
    (_name, file: CorpusFile) => {
      const absolute = path.join(REPO_ROOT, file.path);
      expect(
        existsSync(absolute),
        `${file.path} is listed in sources.json but missing; restore it with \`git checkout -- ${file.path}\``,
      ).toBe(true);
      const actual = sha256(absolute);
      expect(
        actual,
        `${file.path} is an unmodified copy of ${file.upstreamPath} in ${file.repository} at ${file.commit.slice(0, 7)}, and must stay byte for byte what upstream wrote. ` +
          `Undo the edit (\`git checkout -- ${file.path}\`); a test that needs a variant copies the file into a fixture of its own and edits the copy.`,
      ).toBe(file.sha256);
    },
  );

  it.each(files.filter((f) => path.basename(f.path) !== 'LICENSE').map((f) => [f.path, f] as const))(
    '%s has its upstream licence text beside it, as LICENSE',
    (_name, file: CorpusFile) => {
      const licence = files.find((f) => f.path === `${path.posix.dirname(file.path)}/LICENSE`);
      expect(
        licence,
        `put ${file.repository}'s LICENSE (at ${file.commit.slice(0, 7)}) beside ${file.path} and list it in sources.json`,
      ).toBeDefined();
      expect({
        repository: licence!.repository,
        upstreamPath: licence!.upstreamPath,
        licence: licence!.licence,
      }).toEqual({
        repository: file.repository,
        upstreamPath: 'LICENSE',
        licence: file.licence,
      });
    },
  );

  it('has its upstream named in fixtures/corpus/README.md, with its commit and licence', () => {
    const readme = readFileSync(path.join(CORPUS_DIR, 'README.md'), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| ['));
    for (const file of files) {
      const row = rows.find((line) => line.includes(`](${file.repository})`));
      expect(row, `fixtures/corpus/README.md needs a row for ${file.repository}`).toBeDefined();
      expect(row, file.path).toContain(file.commit);
      expect(row, file.path).toContain(file.licence);
    }
  });
});
