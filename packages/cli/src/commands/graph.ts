import { hasErrors, loadProject } from '@specfirst/spec-core';
import type { Output } from '../output.js';

/** Prints who talks to whom, one service per block. */
export async function graphCommand(target: string, out: Output): Promise<number> {
  const { ir, diagnostics, usageError } = await loadProject(target, { cache: false });
  if (usageError) {
    out.stderr(`specfirst: ${diagnostics[0]?.message ?? 'nothing to load'}`);
    return 2;
  }
  if (hasErrors(diagnostics)) {
    out.stderr('specfirst: the spec has errors; run `specfirst check` to see them');
    return 1;
  }
  const c = out.colors;
  const arrows = { operation: 'calls', topic: 'publishes to', task: 'enqueues on' } as const;
  for (const service of ir.services) {
    const kind = service.type === 'http' ? `http :${service.port ?? '?'}` : 'worker';
    const access = service.access.length > 0 ? `  access: ${service.access.join(', ')}` : '';
    out.stdout(`${c.bold(service.name)} ${c.dim(`(${kind}, ${service.operations.length} operations)`)}${c.dim(access)}`);
    for (const edge of ir.graph.filter((e) => e.from === service.name)) {
      out.stdout(`  ${arrows[edge.kind]} ${c.cyan(edge.to)} ${c.dim(`via ${edge.via}`)}`);
    }
  }
  return 0;
}
