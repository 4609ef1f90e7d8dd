/**
 * Hints send people to the docs: `see docs/spec-format.md`, `docs/spec-format.md ("Naming rules")`,
 * `docs/spec-format.md#naming-rules`. Every such reference in the packages' sources (the hints of
 * spec-core's diagnostics, the CLI's messages, and comments alike) and in the `hint:` lines the docs
 * quote must name a page that exists and, when it names a section, a heading of that page.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { anchorsOf, headingsOf } from './support/markdown-links.js';

const REPO = fileURLToPath(new URL('..', import.meta.url));

interface Reference {
  /** Where it was found, `file:line`. */
  at: string;
  page: string;
  /** The page's folder: the repository's docs/, or the package's own. */
  candidates: string[];
  heading?: string;
  anchor?: string;
}

/**
 * `docs/<page>.md`, then optionally a section: `("Heading")` (also with escaped quotes, as in a
 * template literal) or `#anchor`.
 */
const REFERENCE = /(?<![\w/.-])docs\/([\w./-]+?\.md)(?:#([\w-]+)|\s*\(\\?"([^"\\]+)\\?"\))?/g;

function referencesIn(file: string, text: string, packageRoot: string | undefined): Reference[] {
  const found: Reference[] = [];
  text.split('\n').forEach((line, index) => {
    for (const match of line.matchAll(REFERENCE)) {
      const page = match[1]!;
      found.push({
        at: `${path.relative(REPO, file)}:${index + 1}`,
        page,
        candidates: [path.join(REPO, 'docs', page), ...(packageRoot ? [path.join(packageRoot, 'docs', page)] : [])],
        ...(match[3] !== undefined ? { heading: match[3] } : {}),
        ...(match[2] !== undefined ? { anchor: match[2] } : {}),
      });
    }
  });
  return found;
}

function walk(dir: string, keep: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : walk(full, keep);
    return keep(full) ? [full] : [];
  });
}

function allReferences(): Reference[] {
  const references: Reference[] = [];
  const packages = readdirSync(path.join(REPO, 'packages')).map((name) => path.join(REPO, 'packages', name));
  for (const root of [...packages, path.join(REPO, 'examples/conduit')]) {
    const sources = walk(
      root,
      (file) => /\.(ts|mts|js|mjs)$/.test(file) && !/[/\\](test|generated)[/\\]/.test(path.relative(root, file)),
    );
    for (const file of sources) references.push(...referencesIn(file, readFileSync(file, 'utf8'), root));
  }
  // The hints the docs quote (docs/diagnostics.md's catalogue, docs/cli.md's examples).
  for (const page of walk(path.join(REPO, 'docs'), (file) => file.endsWith('.md'))) {
    const hints = readFileSync(page, 'utf8')
      .split('\n')
      .map((line) => (/^\s*hint: /.test(line) ? line : ''))
      .join('\n');
    references.push(...referencesIn(page, hints, undefined));
  }
  return references;
}

describe('references to the docs in hints and messages', () => {
  const references = allReferences();

  it('are found: spec-core names its pages in hints, the CLI names a section', () => {
    expect(references.some((r) => r.at.startsWith('packages/spec-core/src/') && r.page === 'spec-format.md')).toBe(
      true,
    );
    expect(references.some((r) => r.at.startsWith('packages/cli/src/') && r.heading !== undefined)).toBe(true);
    expect(references.some((r) => r.at.startsWith('docs/diagnostics.md:'))).toBe(true);
  });

  it('name pages that exist, and headings of those pages', () => {
    const broken: string[] = [];
    for (const reference of references) {
      const page = reference.candidates.find((candidate) => existsSync(candidate));
      if (page === undefined) {
        broken.push(`${reference.at}: docs/${reference.page} does not exist`);
        continue;
      }
      const markdown = readFileSync(page, 'utf8');
      if (reference.heading !== undefined && !headingsOf(markdown).includes(reference.heading)) {
        broken.push(`${reference.at}: docs/${reference.page} has no heading "${reference.heading}"`);
      }
      if (reference.anchor !== undefined && !anchorsOf(markdown).has(reference.anchor)) {
        broken.push(`${reference.at}: docs/${reference.page} has no heading with the anchor #${reference.anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each([
    ['see docs/spec-format.md)', { page: 'spec-format.md' }],
    ['in docs/spec-format.md ("Naming rules")', { page: 'spec-format.md', heading: 'Naming rules' }],
    ['in docs/spec-format.md (\\"Naming rules\\")', { page: 'spec-format.md', heading: 'Naming rules' }],
    ['[x](docs/cli.md#exit-codes)', { page: 'cli.md', anchor: 'exit-codes' }],
    ['packages/eslint-plugin-spec/docs/rules/x.md', undefined],
  ])('reads %j', (text, expected) => {
    const [found] = referencesIn('/x.ts', text, undefined);
    if (expected === undefined) expect(found).toBeUndefined();
    else expect(found).toMatchObject(expected);
  });
});
