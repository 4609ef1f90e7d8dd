/**
 * Nothing in the repository reaches for the folder of public corpora that sits beside the main
 * checkout on the developers' machines: a user's clone has nothing beside it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const THIS_FILE = 'test/no-shared.test.ts';
const SHARED = /\.\.[/\\]shared(?![\w-])|SPECFIRST_SHARED/;
/** Pages about the project may tell its history; nothing else may name the folder. */
const isHistory = (file: string): boolean =>
  file.startsWith('docs/') || file.startsWith('.changeset/') || path.basename(file) === 'CHANGELOG.md';

describe('the repository', () => {
  it('does not refer to ../shared or SPECFIRST_SHARED outside docs', () => {
    const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(listed.status, `\`git ls-files\` failed in ${REPO_ROOT}: ${listed.stderr}`).toBe(0);
    const files = listed.stdout
      .split('\0')
      .filter(
        (file) => file !== '' && file !== THIS_FILE && !isHistory(file) && existsSync(path.join(REPO_ROOT, file)),
      );
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((file) =>
      readFileSync(path.join(REPO_ROOT, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (SHARED.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(
      offenders,
      'a clone has nothing beside it: read public specs through test/support/corpus.ts (fixtures/corpus, see its README) and generate bench inputs with scripts in bench/',
    ).toEqual([]);
  });
});
