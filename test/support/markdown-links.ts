/**
 * Reads Markdown the way GitHub renders it, far enough to check links: the relative links of a
 * file (not those in code), and the anchors its headings get. Anchors follow github-slugger, which
 * GitHub uses: the heading's text, lower-cased, without punctuation or symbols, spaces made
 * hyphens, and `-1`, `-2`... added to repeats.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isPathInside } from '../../packages/spec-core/src/util/path-containment.js';

export interface MarkdownLink {
  /** As written: `docs/cli.md#specfirst-sync`, `#contents`, `../fixtures/shop/`. */
  target: string;
  /** 1-based. */
  line: number;
}

export interface BrokenLink extends MarkdownLink {
  /** The Markdown file, relative to the root, `/`-separated. */
  file: string;
  reason: string;
}

/** One heading's anchor before repeats are numbered: what github-slugger makes of its text. */
export function githubSlug(headingText: string): string {
  return headingText
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Fenced code blocks (``` and ~~~) hold neither headings nor links: the lines outside them, numbered. */
function proseLines(markdown: string): { text: string; line: number }[] {
  const lines = markdown.split(/\r?\n/);
  const prose: { text: string; line: number }[] = [];
  let fence: { char: string; length: number } | undefined;
  lines.forEach((text, index) => {
    const opening = /^ {0,3}(`{3,}|~{3,})/.exec(text);
    if (fence === undefined) {
      if (opening) fence = { char: opening[1]![0]!, length: opening[1]!.length };
      else prose.push({ text, line: index + 1 });
      return;
    }
    const closing = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
    if (closing && closing[1]![0] === fence.char && closing[1]!.length >= fence.length) fence = undefined;
  });
  return prose;
}

/** Splits a line into code spans and the text between them (CommonMark: equal backtick runs). */
function codeSpans(text: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  let rest = text;
  for (;;) {
    const open = /`+/.exec(rest);
    if (!open) break;
    const after = rest.slice(open.index + open[0].length);
    const close = new RegExp(`(?<!\`)${open[0]}(?!\`)`).exec(after);
    if (!close) break;
    parts.push({ code: false, text: rest.slice(0, open.index) });
    parts.push({ code: true, text: after.slice(0, close.index).replace(/^ (.*) $/, '$1') });
    rest = after.slice(close.index + open[0].length);
  }
  parts.push({ code: false, text: rest });
  return parts;
}

/** The text a heading shows: code spans as written, links as their text, no markup or HTML tags. */
function headingText(source: string): string {
  return codeSpans(source)
    .map((part) =>
      part.code
        ? part.text
        : part.text
            // A link's text may be a code span (\[`docs`](x.md)), so brackets and destinations go piecewise.
            .replace(/\]\([^)]*\)/g, '')
            .replace(/!?\[/g, '')
            .replace(/<[^>]+>/g, '')
            .replace(/\\([!-/:-@[-`{-~])/g, '$1')
            .replace(/\*+/g, '')
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>')
            .replace(/&quot;/g, '"')
            .replace(/&amp;/g, '&'),
    )
    .join('')
    .trim();
}

/** A heading line's content as written (`#` marks and closing `#`s dropped), or undefined for another line. */
function headingSource(line: string): string | undefined {
  const heading = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line);
  return heading ? (heading[1] ?? '') : undefined;
}

/** Every heading of a file, outside code blocks, as written (`` `spec/services.yaml` ``, with its backticks). */
export function headingsOf(markdown: string): string[] {
  return proseLines(markdown).flatMap(({ text }) => headingSource(text) ?? []);
}

/** Every anchor a file has: one per heading (repeats numbered), and `<a id>`/`<a name>` targets. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of proseLines(markdown)) {
    const heading = headingSource(text);
    if (heading !== undefined) {
      const slug = githubSlug(headingText(heading));
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const match of text.matchAll(/<a\s[^>]*?\b(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  }
  return anchors;
}

/** Links in the prose (inline `[text](target)`, images, and `[label]: target` definitions), outside code. */
export function linksOf(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  // A link may span lines within a paragraph, so the prose is read a paragraph at a time.
  const paragraphs: { text: string; line: number }[] = [];
  let previous: number | undefined;
  for (const { text, line } of proseLines(markdown)) {
    const definition = /^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(text);
    if (definition) {
      links.push({ target: definition[1]!, line });
      continue;
    }
    const last = paragraphs.at(-1);
    if (last !== undefined && previous === line - 1 && text.trim() !== '') last.text += `\n${text}`;
    else if (text.trim() !== '') paragraphs.push({ text, line });
    previous = text.trim() === '' ? undefined : line;
  }
  for (const paragraph of paragraphs) {
    // Code spans become a placeholder of the same lines, so that `[a](b)` written as code is no link.
    const prose = codeSpans(paragraph.text)
      .map((part) => (part.code ? part.text.replace(/[^\n]/g, 'c') : part.text))
      .join('');
    for (const match of prose.matchAll(
      /\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^\s)>]+)>?(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g,
    )) {
      links.push({ target: match[1]!, line: paragraph.line + (prose.slice(0, match.index).match(/\n/g)?.length ?? 0) });
    }
  }
  return links.sort((a, b) => a.line - b.line);
}

/** Links to other sites, e-mail and the like: not checked here. */
function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/**
 * The relative links of `files` (relative to `root`) that lead nowhere: to a path that does not
 * exist, leaves the repository or is ignored by git (so a clone does not have it), or to an anchor
 * that no heading of the target Markdown file has.
 */
export function brokenLinks(root: string, files: readonly string[]): BrokenLink[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (absolute: string): Set<string> => {
    let anchors = anchorCache.get(absolute);
    if (anchors === undefined) {
      anchors = anchorsOf(readFileSync(absolute, 'utf8'));
      anchorCache.set(absolute, anchors);
    }
    return anchors;
  };
  const broken: BrokenLink[] = [];
  const existing: { link: BrokenLink; relative: string }[] = [];
  for (const file of files) {
    const absoluteFile = path.join(root, file);
    for (const link of linksOf(readFileSync(absoluteFile, 'utf8'))) {
      if (isExternal(link.target)) continue;
      const report = (reason: string) => broken.push({ ...link, file, reason });
      const hash = link.target.indexOf('#');
      const pathPart = hash === -1 ? link.target : link.target.slice(0, hash);
      const fragment = hash === -1 ? undefined : link.target.slice(hash + 1);
      let decoded: string;
      try {
        decoded = decodeURIComponent(pathPart);
      } catch {
        report('the path is not validly percent-encoded');
        continue;
      }
      const absolute =
        decoded === ''
          ? absoluteFile
          : decoded.startsWith('/')
            ? path.join(root, decoded)
            : path.resolve(path.dirname(absoluteFile), decoded);
      const relative = path.relative(root, absolute);
      if (!isPathInside(root, absolute)) {
        report('it leads out of the repository');
        continue;
      }
      if (!existsSync(absolute)) {
        report(`${relative.split(path.sep).join('/') || '.'} does not exist`);
        continue;
      }
      if (relative !== '') existing.push({ link: { ...link, file, reason: '' }, relative });
      if (fragment === undefined || fragment === '' || !absolute.endsWith('.md') || statSync(absolute).isDirectory())
        continue;
      if (!anchorsIn(absolute).has(decodeURIComponent(fragment))) {
        report(
          `${path.relative(root, absolute).split(path.sep).join('/')} has no heading with the anchor #${fragment}`,
        );
      }
    }
  }
  // A path git ignores exists here but not in a clone (fixtures/shop/generated/, dist/, ...).
  if (existing.length > 0) {
    const ignored = new Set(gitIgnored(root, [...new Set(existing.map((e) => e.relative))]));
    for (const { link, relative } of existing) {
      if (ignored.has(relative))
        broken.push({
          ...link,
          reason: `${relative.split(path.sep).join('/')} is ignored by git, so a clone does not have it`,
        });
    }
  }
  return broken.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}

/** Which of `paths` (relative to `root`) git ignores. Throws when git cannot answer. */
function gitIgnored(root: string, paths: readonly string[]): string[] {
  try {
    return execFileSync('git', ['check-ignore', '--stdin'], { cwd: root, input: paths.join('\n'), encoding: 'utf8' })
      .split('\n')
      .filter((line) => line !== '');
  } catch (error) {
    // Exit code 1: none of them is ignored. Anything else (no git, not a repository) is a real failure.
    if ((error as { status?: unknown }).status === 1) return [];
    throw new Error(`git check-ignore failed in ${root}: ${(error as Error).message}`, { cause: error });
  }
}
