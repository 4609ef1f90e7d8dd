/**
 * Every relative link of the documentation leads somewhere: to a file or folder a clone has, and,
 * for `#anchor`s, to a heading that exists, under GitHub's own anchor rules. So a renamed page or
 * heading fails here instead of rotting silently.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { anchorsOf, brokenLinks, githubSlug, linksOf } from './support/markdown-links.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The documentation: the README, every page of docs/, each package's README and its docs/ pages, the examples' READMEs. */
function documentationFiles(): string[] {
  const markdownIn = (folder: string, recursive = false): string[] =>
    readdirSync(path.join(ROOT, folder), { withFileTypes: true, recursive })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.md'))
      .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'));
  const packages = readdirSync(path.join(ROOT, 'packages'), { withFileTypes: true }).filter((entry) =>
    entry.isDirectory(),
  );
  const examples = readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true }).filter((entry) =>
    entry.isDirectory(),
  );
  return [
    'README.md',
    ...markdownIn('docs'),
    ...packages.map((p) => `packages/${p.name}/README.md`),
    ...packages.flatMap((p) =>
      readdirSync(path.join(ROOT, 'packages', p.name)).includes('docs')
        ? markdownIn(`packages/${p.name}/docs`, true)
        : [],
    ),
    ...examples.map((e) => `examples/${e.name}/README.md`),
  ].sort();
}

describe('githubSlug gives the anchors GitHub gives', () => {
  it.each([
    ['Quickstart', 'quickstart'],
    ['Naming rules', 'naming-rules'],
    ['`spec/tasks.yaml`', 'spectasksyaml'],
    ['`Create` and `Update` variants', 'create-and-update-variants'],
    ['References: `$ref: Name`', 'references-ref-name'],
    ['Working on SpecFirst', 'working-on-specfirst'],
    ['`specfirst.yaml`', 'specfirstyaml'],
    ['`spec/rest/<service>.yaml`', 'specrestserviceyaml'],
    ['SF3010 — invalid path', 'sf3010--invalid-path'],
    ['SF1xxx: YAML and file structure', 'sf1xxx-yaml-and-file-structure'],
    ['Before every commit: husky + lint-staged', 'before-every-commit-husky--lint-staged'],
    ['Controllers: `routers/<service>/<tag>.ts`', 'controllers-routersservicetagts'],
    ['`$ref` resolution', 'ref-resolution'],
    ['Models: `models.ts`', 'models-modelsts'],
    ['Status: what works today, what is coming', 'status-what-works-today-what-is-coming'],
    ['snake_case stays', 'snake_case-stays'],
    ['Étape 1 (français)', 'étape-1-français'],
  ])('%s → #%s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });
});

describe('reading Markdown', () => {
  it('numbers repeated headings, and reads the text of code spans, links and emphasis', () => {
    const anchors = anchorsOf(
      ['# Options', '## Options', '### Options', '## The [`docs`](x.md) **option**', '<a id="custom"></a>'].join('\n'),
    );
    expect([...anchors].sort()).toEqual(['custom', 'options', 'options-1', 'options-2', 'the-docs-option']);
  });

  it('reads a link whose text runs over two lines of a paragraph, at the line it starts', () => {
    expect(
      linksOf(['Intro.', '', 'See [spec files in the', 'editor](spec-files.md) and [more](more.md).'].join('\n')),
    ).toEqual([
      { target: 'spec-files.md', line: 3 },
      { target: 'more.md', line: 4 },
    ]);
  });

  it('takes no heading or link from code blocks or code spans', () => {
    const markdown = [
      'Read [the guide](guide.md) and `[not](a-link.md)`.',
      '```sh',
      '# not a heading',
      '[nor](this.md)',
      '```',
      '~~~',
      '[nor](that.md)',
      '~~~',
      '![img](pic.png "title")',
      '[ref]: defined.md',
    ].join('\n');
    expect(linksOf(markdown)).toEqual([
      { target: 'guide.md', line: 1 },
      { target: 'pic.png', line: 9 },
      { target: 'defined.md', line: 10 },
    ]);
    expect(anchorsOf(markdown).size).toBe(0);
  });
});

describe('brokenLinks', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'docs-links-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('reports a missing file, a missing anchor, a way out of the repository and an ignored path, and nothing else', () => {
    mkdirSync(path.join(scratch, 'docs'));
    mkdirSync(path.join(scratch, 'build'));
    writeFileSync(path.join(scratch, '.gitignore'), 'build/\n');
    writeFileSync(path.join(scratch, 'docs', 'guide.md'), '# Guide\n\n## Set up\n');
    writeFileSync(
      path.join(scratch, 'README.md'),
      [
        '# Readme',
        '[ok](docs/guide.md#set-up) [ok too](#readme) [folder](docs/) [web](https://example.com/x.md#nope) [mail](mailto:a@b.c)',
        '[gone](docs/missing.md)',
        '[no anchor](docs/guide.md#setup)',
        '[no local anchor](#nothing)',
        '[outside](../elsewhere.md)',
        '[ignored](build/)',
      ].join('\n'),
    );
    // git check-ignore needs a repository.
    execFileSync('git', ['init', '-q'], { cwd: scratch });
    expect(brokenLinks(scratch, ['README.md']).map(({ line, reason }) => `${line}: ${reason}`)).toEqual([
      '3: docs/missing.md does not exist',
      '4: docs/guide.md has no heading with the anchor #setup',
      '5: README.md has no heading with the anchor #nothing',
      '6: it leads out of the repository',
      '7: build is ignored by git, so a clone does not have it',
    ]);
  });
});

describe('the documentation of this repository', () => {
  const files = documentationFiles();

  it('is found: the README, docs/ and every package README', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'docs/spec-format.md',
        'docs/deployment.md',
        'docs/troubleshooting.md',
        'docs/upgrading.md',
        'packages/runtime/README.md',
        'packages/eslint-plugin-spec/docs/spec-files.md',
        'examples/conduit/README.md',
      ]),
    );
  });

  it('has no broken relative link or anchor', () => {
    const broken = brokenLinks(ROOT, files).map((b) => `${b.file}:${b.line}  ${b.target}  (${b.reason})`);
    expect(broken, `broken links:\n${broken.join('\n')}`).toEqual([]);
  });
});
