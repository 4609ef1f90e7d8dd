import { hasErrors, loadProject } from '@specfirst/spec-core';
import { graphDot, graphJson, graphMermaid, graphText, serviceGraph, type GraphFormat } from '../graph-output.js';
import type { Output } from '../output.js';

/**
 * Prints who talks to whom: one block per service (text), the graph as JSON, or a Mermaid or
 * Graphviz diagram. A spec with errors prints nothing on standard output, in every format.
 */
export async function graphCommand(target: string, options: { format: GraphFormat }, out: Output): Promise<number> {
  const { ir, diagnostics, usageError } = await loadProject(target, { cache: false });
  if (usageError) {
    out.stderr(`specfirst: ${diagnostics[0]?.message ?? 'nothing to load'}`);
    return 2;
  }
  if (hasErrors(diagnostics)) {
    out.stderr('specfirst: the spec has errors; run `specfirst check` to see them');
    return 1;
  }
  const graph = serviceGraph(ir);
  if (options.format === 'json') out.stdout(graphJson(graph));
  else if (options.format === 'mermaid') out.stdout(graphMermaid(graph));
  else if (options.format === 'dot') out.stdout(graphDot(graph));
  else for (const line of graphText(graph, out.colors)) out.stdout(line);
  return 0;
}
