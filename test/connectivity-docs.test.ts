/**
 * docs/connectivity.md shows the shop's graph as a Mermaid block: it must be exactly what
 * `specfirst graph examples/shop --format mermaid` prints (the built command, run as a user runs
 * it), so the picture in the docs changes when the shop's services.yaml does.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CLI = path.join(ROOT, 'packages/cli/bin/specfirst.js');

/** The ```mermaid blocks of a Markdown page, without their fences. */
function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]!.trimEnd());
}

describe('docs/connectivity.md', () => {
  const page = readFileSync(path.join(ROOT, 'docs/connectivity.md'), 'utf8');

  it("shows the shop's graph as `specfirst graph --format mermaid` prints it", () => {
    const printed = execFileSync(process.execPath, [CLI, 'graph', 'examples/shop', '--format', 'mermaid'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trimEnd();
    expect(printed).toMatch(/^flowchart LR\n/);
    expect(mermaidBlocks(page)).toEqual([printed]);
  });

  it('has the sections the other parts of the issue fill', () => {
    const headings = page.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## The picture',
      '## The spec graph',
      '## Internal clients',
      '## The lint rule',
      '## Deployment files',
      '## Proof of isolation',
      '## Redis and PostgreSQL users',
    ]);
  });
});
