import { Minimatch } from 'minimatch';
import { describe, expect, it } from 'vitest';
import { sourceGlob } from '../src/source-files.js';

/** Which files the configs' globs take: every JavaScript and TypeScript file, at any depth, and nothing else. */
describe('sourceGlob', () => {
  const anywhere = new Minimatch(sourceGlob(), { dot: true });
  const services = new Minimatch(sourceGlob('services'), { dot: true });
  it.each([
    ['main.ts', true, false],
    ['services/users/src/routes/router.cjs', true, true],
    ...['ts', 'mts', 'cts', 'tsx', 'js', 'mjs', 'cjs', 'jsx'].map(
      (ext) => [`services/a/b.${ext}`, true, true] as const,
    ),
    ['services/a/types.d.ts', true, true],
    ['services/a/.hidden/x.js', true, true],
    ['services/a/notes.yaml', false, false],
    ['services/a/data.json', false, false],
    ['services/a/x.tsx.map', false, false],
    ['other/services/a.ts', true, false],
  ] as const)('%s: anywhere %s, under services/ %s', (file, inAnywhere, inServices) => {
    expect(anywhere.match(file)).toBe(inAnywhere);
    expect(services.match(file)).toBe(inServices);
  });
});
