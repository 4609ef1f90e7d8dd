/**
 * Linting spec files (`spec/**\/*.yaml`, `specfirst.yaml`, referenced OpenAPI documents) with
 * ESLint, so an editor's ESLint integration shows spec-core's diagnostics. ESLint only runs rules
 * on a parsed program; spec files are not JavaScript, so they get a parser that turns any text
 * into an empty `Program` spanning the whole file. The `spec/valid-spec` rule then reports what
 * spec-core found in that file. See docs/spec-files.md.
 */

/** The files a SpecFirst project keeps its spec in (OpenAPI documents elsewhere: add their globs). */
export const SPEC_FILE_GLOBS = ['spec/**/*.yaml', 'spec/**/*.yml', 'specfirst.yaml'];

interface Position {
  line: number;
  column: number;
}

/** The end of a text as an ESLint location (1-based line, 0-based column), line breaks as ESLint counts them. */
function endOf(text: string): Position {
  const breaks = /\r\n|[\r\n\u2028\u2029]/g;
  let line = 1;
  let lineStart = 0;
  for (let match = breaks.exec(text); match; match = breaks.exec(text)) {
    line++;
    lineStart = match.index + match[0].length;
  }
  return { line, column: text.length - lineStart };
}

/**
 * A parser for files that are not JavaScript: whatever the text, an empty program covering all of
 * it (no tokens, no comments), so JavaScript rules find nothing to report and `spec/valid-spec`
 * has a node to run on. It never throws: YAML errors are spec-core's to report, at their position.
 */
export const parser = {
  meta: { name: 'eslint-plugin-spec/spec-files-parser', version: '0.1.0' },
  parseForESLint(text: string) {
    const ast = {
      type: 'Program' as const,
      sourceType: 'module' as const,
      body: [],
      comments: [],
      tokens: [],
      range: [0, text.length] as [number, number],
      loc: { start: { line: 1, column: 0 }, end: endOf(text) },
    };
    return { ast, visitorKeys: { Program: [] as string[] } };
  },
};

/**
 * Flat config fragment that lints the spec files with `spec/valid-spec`. The plugin exposes it with
 * the plugin registered as `spec.configs['spec-files']`; put it after the other configs so its
 * parser wins for these files.
 */
export const specFilesConfig = {
  files: SPEC_FILE_GLOBS,
  languageOptions: { parser },
  rules: { 'spec/valid-spec': 'error' as const },
};
