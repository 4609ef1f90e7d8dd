import { loadProject } from '@specfirst/spec-core';
import { plural } from '../format.js';
import type { Output } from '../output.js';

/**
 * Prints the IR as JSON: what codegen, the ESLint plugin and agents read. `--format json` is its
 * only format (the option exists so that every command that prints a result takes it).
 */
export async function irCommand(
  target: string,
  options: { pretty: boolean; format: 'json' },
  out: Output,
): Promise<number> {
  const result = await loadProject(target, { cache: false });
  if (result.usageError) {
    out.stderr(`specfirst: ${result.diagnostics[0]?.message ?? 'nothing to load'}`);
    return 2;
  }
  out.stdout(JSON.stringify(result.ir, null, options.pretty ? 2 : undefined));
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) {
    out.stderr(
      `specfirst: the spec has ${plural(errors, 'error')}, so the IR is incomplete; run \`specfirst check\` for the details`,
    );
    return 1;
  }
  return 0;
}
