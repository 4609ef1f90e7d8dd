import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  findProjectRoot,
  loadProjectSync,
  parseYamlSource,
  plural,
  PROJECT_FILE,
  type Diagnostic,
  type LoadResult,
} from '@specfirst/spec-core';
import { createRule } from '../util/create-rule.js';

type MessageIds = 'diagnostic' | 'notChecked' | 'noProject' | 'loadFailed';

/** What spec-core finds by parsing one file on its own; everything else needs the whole project. */
const PARSE_CODES = new Set(['SF1001', 'SF1002', 'SF1003', 'SF1004', 'SF1005']);
const SPEC_EXTENSION = /\.(?:ya?ml|json)$/i;
/** A top-level `openapi:` / `swagger:` key (YAML or JSON): a document that can be checked on its own. */
const OPENAPI_KEY = /^(?:["']?(?:openapi|swagger)["']?\s*:|\{\s*["'](?:openapi|swagger)["']\s*:)/m;

function describe(d: Diagnostic): string {
  return `${d.code} ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`;
}

function readDisk(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  }
}

type Found =
  | { kind: 'diagnostics'; diagnostics: Diagnostic[] }
  | { kind: 'notChecked'; root: string; count: number; first: Diagnostic }
  | { kind: 'noProject' }
  | { kind: 'loadFailed'; error: string };

/**
 * spec-core's diagnostics for one spec file. The project is loaded from disk (through spec-core's
 * cache, so an unchanged project costs a few `stat`s); when the editor's buffer differs from the
 * file on disk, the YAML-level problems (syntax, duplicate keys, ...) come from the buffer, live,
 * and the project-level ones from the last saved version.
 */
function findDiagnostics(file: string, text: string): Found {
  const root = findProjectRoot(path.dirname(file));
  const standalone = root === undefined;
  if (standalone && !OPENAPI_KEY.test(text)) return { kind: 'noProject' };
  let result: LoadResult;
  try {
    // No project: an OpenAPI document is checked on its own, as `specfirst check <file>` would.
    result = loadProjectSync(root ?? file);
  } catch (error) {
    return { kind: 'loadFailed', error: error instanceof Error ? error.message : String(error) };
  }
  const own = result.diagnostics.filter((d) => path.resolve(result.root, d.file) === file);
  const read = result.files.includes(file);
  if (!read && own.length === 0) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    // The cause is most likely a file that could not be found, read or parsed; the rest follows from it.
    const first = errors.find((d) => PARSE_CODES.has(d.code) || d.code.startsWith('SF000')) ?? errors[0];
    // Not read because the project is broken elsewhere: say so. Not read at all: not part of the spec.
    return first
      ? { kind: 'notChecked', root: result.root, count: errors.length, first }
      : { kind: 'diagnostics', diagnostics: [] };
  }
  const disk = readDisk(file);
  if (disk === undefined || disk === text) return { kind: 'diagnostics', diagnostics: own };
  const rel = path.relative(result.root, file).split(path.sep).join('/');
  const live = parseYamlSource(rel, file, text).diagnostics;
  return { kind: 'diagnostics', diagnostics: [...live, ...own.filter((d) => !PARSE_CODES.has(d.code))] };
}

export default createRule<[], MessageIds>({
  name: 'valid-spec',
  meta: {
    type: 'problem',
    docs: {
      description:
        "Report spec-core's diagnostics in spec files (YAML specs, specfirst.yaml, OpenAPI documents) at their line and column",
      recommended: false,
      requiresSpec: true,
    },
    messages: {
      diagnostic: '{{text}}',
      notChecked:
        'not checked: the project at `{{root}}` did not read this file because its spec has {{errors}}; the first is in {{where}}: {{first}}',
      noProject: `SF0001 this file is in no SpecFirst project: no ${PROJECT_FILE} in its folder or any folder above it (hint: create ${PROJECT_FILE} at the project root, or do not lint this file as a spec file)`,
      loadFailed: 'the spec could not be loaded: {{error}}',
    },
    schema: [],
  },
  defaultOptions: [],
  create(context) {
    const file = context.filename;
    // `<input>`, `<text>` and files that cannot be specs (a TypeScript file given this rule by mistake).
    if (!path.isAbsolute(file) || !SPEC_EXTENSION.test(file)) return {};
    return {
      Program(node) {
        const { lines } = context.sourceCode;
        /** spec-core positions (1-based line and column, 0 = unknown) as ESLint locations inside the linted text. */
        const position = (line: number, column: number) => {
          const l = Math.min(Math.max(line, 1), lines.length);
          return { line: l, column: Math.min(Math.max(column - 1, 0), (lines[l - 1] ?? '').length) };
        };
        const whole = { line: 1, column: 0 };
        const found = findDiagnostics(path.resolve(file), context.sourceCode.text);
        switch (found.kind) {
          case 'noProject':
            context.report({ node, loc: whole, messageId: 'noProject' });
            return;
          case 'loadFailed':
            context.report({ node, loc: whole, messageId: 'loadFailed', data: { error: found.error } });
            return;
          case 'notChecked': {
            const { first } = found;
            const where = first.line > 0 ? `${first.file}:${first.line}:${first.column}` : first.file;
            context.report({
              node,
              loc: whole,
              messageId: 'notChecked',
              data: { root: found.root, errors: plural(found.count, 'error'), where, first: describe(first) },
            });
            return;
          }
          case 'diagnostics':
            for (const d of found.diagnostics) {
              const start = position(d.line, d.column);
              const end =
                d.endLine !== undefined && d.endColumn !== undefined ? position(d.endLine, d.endColumn) : undefined;
              const after = end && (end.line > start.line || (end.line === start.line && end.column > start.column));
              context.report({
                node,
                loc: after ? { start, end } : start,
                messageId: 'diagnostic',
                data: { text: describe(d) },
              });
            }
        }
      },
    };
  },
});
