/**
 * One answer to "is this path inside that folder", for the loader, the project settings, `sync` and
 * the CLI. The cases are the ones that tell a correct check from a string-prefix one.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPathInside } from '../src/index.js';

describe('isPathInside (POSIX paths)', () => {
  it.each([
    ['/p', '/p', true, 'the folder itself'],
    ['/p', '/p/', true, 'the folder with a trailing slash'],
    ['/p/', '/p/a', true, 'a folder given with a trailing slash'],
    ['/p', '/p/a/b.yaml', true, 'a file two levels down'],
    ['/p', '/p/..x', true, '`..x` is an ordinary name'],
    ['/p', '/p/..x/y', true, 'below a folder named `..x`'],
    ['/p', '/p/...', true, '`...` is an ordinary name'],
    ['/p', '/p/a/..', true, '`a/..` comes back to the folder'],
    ['/p', '/p/a/../b', true, '`a/../b` stays inside'],
    ['/p', '/p/..', false, '`..` is the parent'],
    ['/p', '/p/../x', false, '`../x` is a sibling'],
    ['/p', '/p/a/../..', false, '`a/../..` is the parent'],
    ['/p', '/px', false, 'a sibling whose name starts with the folder name'],
    ['/p', '/p..', false, 'a sibling named `p..`'],
    ['/p', '/', false, 'the root above'],
    ['/p/a', '/p', false, 'the parent'],
    ['/p', '/q/p', false, 'another tree'],
  ])('%s contains %s: %s (%s)', (folder, target, inside) => {
    expect(isPathInside(folder, target, path.posix)).toBe(inside);
  });

  it('resolves relative paths against the current folder', () => {
    expect(isPathInside('.', 'spec/models.yaml', path.posix)).toBe(true);
    expect(isPathInside('spec', 'spec/../spec/a.yaml', path.posix)).toBe(true);
    expect(isPathInside('spec', 'spec/../other/a.yaml', path.posix)).toBe(false);
    expect(isPathInside('spec', '../spec/a.yaml', path.posix)).toBe(false);
  });
});

describe('isPathInside (Windows paths)', () => {
  it.each([
    ['C:\\p', 'C:\\p\\a', true, 'a child'],
    ['C:\\p', 'c:\\P\\a', true, 'drive letters and names compare without case'],
    ['C:\\p', 'C:\\p\\..x', true, '`..x` is an ordinary name'],
    ['C:\\p\\', 'C:\\p', true, 'a trailing backslash'],
    ['C:\\p', 'C:\\p\\..\\x', false, 'a sibling'],
    ['C:\\p', 'C:\\px', false, 'a sibling whose name starts with the folder name'],
    ['C:\\p', 'D:\\p\\a', false, 'another drive'],
    ['C:\\p', '\\\\server\\share\\p', false, 'a network share'],
  ])('%s contains %s: %s (%s)', (folder, target, inside) => {
    expect(isPathInside(folder, target, path.win32)).toBe(inside);
  });
});

describe('isPathInside and symbolic links', () => {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'containment-')));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(process.platform === 'win32')('judges the path as written; the real path tells where a link leads', () => {
    mkdirSync(path.join(dir, 'project'));
    mkdirSync(path.join(dir, 'elsewhere'));
    symlinkSync(path.join(dir, 'elsewhere'), path.join(dir, 'project', 'link'), 'dir');
    const throughLink = path.join(dir, 'project', 'link');
    expect(isPathInside(path.join(dir, 'project'), throughLink)).toBe(true);
    expect(isPathInside(path.join(dir, 'project'), realpathSync(throughLink))).toBe(false);
  });
});
