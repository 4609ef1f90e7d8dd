/**
 * An imported OpenAPI document is not ours to change, and the published document codegen writes
 * for it declares the responses the runtime sends on its own (FRAMEWORK_RESPONSES). Clients that
 * read the source document instead do not learn of them: `specfirst check` says which ones each
 * operation leaves out, as a warning at the operation (`SF6008`). Only the statuses that depend on
 * the operation (400, 401, 413, 415): 500, and the 404 and 405 of requests that reach no
 * operation, are the same for every operation and would only repeat.
 *
 * Advice, not a load check: `loadProject` does not run it, so sync, the lint rules and the editor
 * stay quiet about a third-party document the project cannot change; `check` adds it.
 */
import type { Diagnostic } from '../diagnostics/diagnostics.js';
import type { IROperation, SpecIR } from '../ir/ir.js';
import { diagnosticAtLoc } from '../diagnostics/location.js';
import { frameworkResponsesUncovered, type FrameworkResponse } from '../http/framework-responses.js';

/** Why the runtime sends each status an operation can be warned about. */
const WHY: Partial<Record<number, string>> = {
  400: 'a parameter or the body is not valid',
  401: 'credentials are missing or refused',
  413: 'the body is too large',
  415: 'the body is in another media type',
};

/** One `SF6008` warning per operation of an imported OpenAPI document that leaves out a framework response. */
export function checkFrameworkResponses(ir: SpecIR): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const service of ir.services) {
    if (service.rest?.format !== 'openapi') continue;
    for (const op of service.operations) {
      const missing = leftOut(op);
      if (missing.length === 0) continue;
      diagnostics.push(
        diagnosticAtLoc(op.loc, {
          code: 'SF6008',
          severity: 'warning',
          message: `\`${op.method.toUpperCase()} ${op.path}\` (\`${op.operationId}\`) declares no response for ${missing.map((r) => `${r.status} (${WHY[r.status] ?? r.description})`).join(', ')}, which the SpecFirst runtime sends`,
          hint: `declare ${missing.map((r) => `\`'${r.status}'\``).join(', ')} with an \`application/problem+json\` body, or a \`4XX\` response; the OpenAPI document \`specfirst sync\` publishes for \`${service.name}\` declares them already`,
        }),
      );
    }
  }
  return diagnostics;
}

/** The operation-specific framework responses (not the 500 every operation gets) no response of it applies to. */
function leftOut(op: IROperation): FrameworkResponse[] {
  return frameworkResponsesUncovered(op).filter((r) => r.scope !== 'every');
}
