import { hasErrors, loadProject } from '@specfirst/spec-core';
import type { Output } from '../output.js';

/** Prints the IR as JSON: what codegen, the ESLint plugin and agents read. */
export async function irCommand(target: string, options: { pretty: boolean }, out: Output): Promise<number> {
  const result = await loadProject(target, { cache: false });
  if (result.usageError) {
    out.stderr(`specfirst: ${result.diagnostics[0]?.message ?? 'nothing to load'}`);
    return 2;
  }
  out.stdout(JSON.stringify(result.ir, null, options.pretty ? 2 : undefined));
  if (hasErrors(result.diagnostics)) {
    out.stderr(`specfirst: the spec has ${result.diagnostics.length} problem(s); run \`specfirst check\` to see them`);
    return 1;
  }
  return 0;
}
