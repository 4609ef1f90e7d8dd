import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProjectSync, type SpecIR } from '@specfirst/spec-core';
import ts from 'typescript';
import { generate, writeOutput } from '../../src/index.js';

/**
 * Test projects live under `test/.out/<name>` (git-ignored), inside the repository, so the
 * generated code resolves `@specfirst/runtime` exactly as a user's project does: through
 * node_modules. They are compiled by the real TypeScript compiler with the repository's own
 * strictest settings and run from the emitted JavaScript.
 */
export const OUT_ROOT = fileURLToPath(new URL('../.out/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface BuiltProject {
  root: string;
  ir: SpecIR;
  /** Where `tsc` wrote the JavaScript: `<root>/dist`. */
  dist: string;
}

export function loadIR(specPath: string): SpecIR {
  const { ir, diagnostics } = loadProjectSync(specPath, { cache: false });
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw new Error(
      `the spec has errors:\n${errors.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`).join('\n')}`,
    );
  return ir;
}

/** Generates `<root>/generated` from a spec, copies extra sources into `<root>/src`, and compiles it all. */
export async function buildProject(
  name: string,
  specPath: string,
  options: { sources?: string; extraFiles?: Record<string, string> } = {},
): Promise<BuiltProject> {
  const root = path.join(OUT_ROOT, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const ir = loadIR(specPath);
  await writeOutput(path.join(root, 'generated'), generate(ir), {});
  if (options.sources) cpSync(options.sources, path.join(root, 'src'), { recursive: true });
  for (const [file, text] of Object.entries(options.extraFiles ?? {})) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  const errors = compile(root);
  if (errors.length > 0) throw new Error(`tsc failed:\n${errors.join('\n')}`);
  return { root, ir, dist: path.join(root, 'dist') };
}

/** The repository's strict compiler options, plus `allowJs` for the precompiled validators. */
export function compilerOptions(root: string): ts.CompilerOptions {
  const base = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.base.json'), (f) => ts.sys.readFile(f));
  const parsed = ts.parseJsonConfigFileContent(
    {
      ...base.config,
      compilerOptions: {
        ...base.config.compilerOptions,
        allowJs: true,
        declaration: false,
        declarationMap: false,
        sourceMap: false,
        rootDir: root,
        outDir: path.join(root, 'dist'),
      },
    },
    ts.sys,
    root,
  );
  return parsed.options;
}

/** Compiles every `.ts` under the project (`options` override the strict settings); returns formatted diagnostics (empty when clean). */
export function compile(root: string, options: { emit?: boolean; options?: ts.CompilerOptions } = {}): string[] {
  const files = ts.sys.readDirectory(root, ['.ts', '.js'], ['dist', 'node_modules'], ['generated/**/*', 'src/**/*']);
  const program = ts.createProgram(files, { ...compilerOptions(root), ...options.options });
  const diagnostics = [...ts.getPreEmitDiagnostics(program)];
  if (diagnostics.length === 0 && options.emit !== false) diagnostics.push(...program.emit().diagnostics);
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(root, d.file.fileName)}:${line + 1}:${character + 1} TS${d.code} ${message}`;
  });
}
