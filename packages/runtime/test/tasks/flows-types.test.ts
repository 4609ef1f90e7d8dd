/**
 * Typed chains and groups, checked by the real TypeScript compiler with the repository's test
 * settings: types/flows.ts compiles clean as it is (so every `@ts-expect-error` there marks a real
 * error), and without its `@ts-expect-error` comments it has exactly the errors listed here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./types/flows.ts', import.meta.url));

const options = (() => {
  let parsed: ts.CompilerOptions | undefined;
  return (): ts.CompilerOptions => (parsed ??= readOptions());
})();

function readOptions(): ts.CompilerOptions {
  const file = ts.findConfigFile(REPO_ROOT, (f) => ts.sys.fileExists(f), 'tsconfig.tests.json')!;
  const config = ts.readConfigFile(file, (f) => ts.sys.readFile(f));
  return ts.parseJsonConfigFileContent(config.config, ts.sys, REPO_ROOT).options;
}

/** The fixture's diagnostics, as `<marker>: TS<code> <message>`, with `text` as the fixture's text. */
function diagnostics(text: string, oldProgram?: ts.Program): { found: string[]; program: ts.Program } {
  const compilerOptions = options();
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === FIXTURE ? ts.createSourceFile(name, text, language) : getSourceFile(name, language, ...rest);
  const program = ts.createProgram({
    rootNames: [FIXTURE],
    options: compilerOptions,
    host,
    ...(oldProgram === undefined ? {} : { oldProgram }),
  });
  const lines = text.split('\n');
  const found = ts.getPreEmitDiagnostics(program).map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/\s+/g, ' ');
    if (d.file?.fileName !== FIXTURE || d.start === undefined) return `elsewhere: TS${d.code} ${message}`;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    // The marker is the comment on the line above the error.
    const marker = /\/\/ (?:@ts-expect-error )?([A-Z0-9-]+)$/.exec(lines[line - 1] ?? '')?.[1] ?? `line ${line + 1}`;
    return `${marker}: TS${d.code} ${message}`;
  });
  return { found, program };
}

describe('typed chains and groups', { timeout: 60_000 }, () => {
  const text = readFileSync(FIXTURE, 'utf8');
  let program: ts.Program | undefined;

  it('compile where the task map allows them, with the handle and outcome types of their tasks', () => {
    const compiled = diagnostics(text);
    program = compiled.program;
    expect(compiled.found).toEqual([]);
  });

  it('are compile errors where a task would get args it does not accept, each named', () => {
    const stripped = text.replaceAll('// @ts-expect-error', '//');
    expect(stripped).not.toBe(text);
    expect(diagnostics(stripped, program).found).toEqual([
      "ENQUEUE-ARGS: TS2345 Argument of type '{ copies: number; }' is not assignable to parameter of type 'SendReceiptArgs'. Property 'orderId' is missing in type '{ copies: number; }' but required in type 'SendReceiptArgs'.",
      'MISMATCH-1: TS2345 Argument of type \'"charge"\' is not assignable to parameter of type \'"the args of `charge` do not accept the result of `sendReceipt`"\'.',
      'MISMATCH-2: TS2345 Argument of type \'"sendReceipt"\' is not assignable to parameter of type \'"the args of `sendReceipt` do not accept the result of `sendReceipt`"\'.',
      'MISMATCH-VOID: TS2345 Argument of type \'"sendReceipt"\' is not assignable to parameter of type \'"the args of `sendReceipt` do not accept the result of `purgeCarts`"\'.',
      'UNKNOWN-TASK: TS2554 Expected 1 arguments, but got 2.',
      "FIRST-ARGS: TS2322 Type 'string' is not assignable to type 'number'.",
      "GROUP-ARGS: TS2353 Object literal may only specify known properties, and 'orderId' does not exist in type 'ChargeArgs'.",
      'EXTRA-FIELD: TS2345 Argument of type \'"sendReceipt"\' is not assignable to parameter of type \'"the args of `sendReceipt` have no field `total` that the result of `invoice` has"\'.',
      'EXTRA-NESTED: TS2345 Argument of type \'"archive"\' is not assignable to parameter of type \'"the args of `archive` have no field `lines[].qty` that the result of `invoiceLines` has"\'.',
    ]);
  });
});
