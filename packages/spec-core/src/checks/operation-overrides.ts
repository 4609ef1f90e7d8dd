/**
 * `services.<name>.operations` in services.yaml: overrides for operations of an imported OpenAPI
 * document, by operationId. A third-party document (RealWorld's, a vendor's) has to stay as
 * published, yet may leave things out that generated code needs, e.g. operations whose
 * authentication is optional only in prose. The override states it in the spec instead.
 *
 * An override can replace `security` and add `responses` the implementation sends (a 404 for an
 * unknown id) that the document leaves out, so that the published document, the reply helpers and
 * the response validators know them. It cannot replace a response the document declares.
 */
import { type BuildContext, specfirstDialect } from '../load/context.js';
import type { IROperation, IRSecurityRequirement } from '../ir/ir.js';
import { diagnosticAt, relatedAt } from '../diagnostics/location.js';
import { type RestDescription, sortResponses } from '../formats/common/http.js';
import { readResponses } from '../formats/specfirst/rest.js';
import { isRecord } from '../util/records.js';
import { didYouMean } from '../diagnostics/suggest.js';
import { joinPointer } from '../util/json-pointer.js';
import type { SourceFile } from '../yaml/source-file.js';

/** Where a service's `operations` mapping is written, as read from services.yaml. */
export interface OperationOverrides {
  service: string;
  source: SourceFile;
  /** JSON pointer of the `operations` mapping, e.g. `/services/conduit/operations`. */
  pointer: string;
  entries: Record<string, unknown>;
}

/**
 * Checks the overrides against the imported document and applies them to its operations.
 * `documentFile` is the document's name as diagnostics print it.
 */
export function applyOperationOverrides(
  ctx: BuildContext,
  overrides: OperationOverrides,
  description: RestDescription,
  documentFile: string,
): void {
  const byId = new Map(description.operations.map((op) => [op.operationId, op]));
  const schemeNames = description.securitySchemes.map((s) => s.name);
  for (const [operationId, raw] of Object.entries(overrides.entries)) {
    const pointer = joinPointer(overrides.pointer, operationId);
    const op = byId.get(operationId);
    if (!op) {
      ctx.diagnostics.push(
        diagnosticAt(
          overrides.source,
          pointer,
          {
            code: 'SF4007',
            message: `service \`${overrides.service}\` overrides \`${operationId}\`, which is no operation of \`${documentFile}\``,
            hint: unknownOperationHint(operationId, description.operations),
          },
          'key',
        ),
      );
      continue;
    }
    if (!isRecord(raw)) continue; // reported by the schema check
    if (raw.security !== undefined)
      overrideSecurity(
        ctx,
        overrides.source,
        joinPointer(pointer, 'security'),
        raw.security,
        op,
        schemeNames,
        documentFile,
      );
    if (raw.responses !== undefined)
      addResponses(ctx, overrides.source, joinPointer(pointer, 'responses'), raw.responses, op, documentFile);
  }
}

/**
 * Adds the responses the document leaves out, read as a REST file's are: a body names a model of
 * the project or of the document (its `components/schemas`), checked with every other reference.
 * A status the document declares already is reported and the document's response kept: an
 * override states what a document leaves out, it does not rewrite what the document says.
 */
function addResponses(
  ctx: BuildContext,
  source: SourceFile,
  pointer: string,
  raw: unknown,
  op: IROperation,
  documentFile: string,
): void {
  if (!isRecord(raw)) return; // reported by the schema check
  const added = readResponses({ dialect: specfirstDialect(ctx), diagnostics: ctx.diagnostics }, source, pointer, raw);
  for (const response of added) {
    const declared = op.responses.find((r) => String(r.status) === String(response.status));
    if (!declared) {
      op.responses.push(response);
      continue;
    }
    ctx.diagnostics.push(
      diagnosticAt(
        source,
        joinPointer(pointer, String(response.status)),
        {
          code: 'SF4010',
          message: `the override of \`${op.operationId}\` declares response ${response.status}, which \`${documentFile}\` declares already`,
          hint: `an override can only add the responses a document leaves out: remove \`${response.status}\` here (the document's response stays)`,
          related: [relatedAt(declared.loc, 'declared here')],
        },
        'key',
      ),
    );
  }
  sortResponses(op.responses);
}

/**
 * Operations are named as the document writes them, like everywhere else in services.yaml
 * (`exposes`, `consumes.operations`). The generated method name (`getArticles` for `GetArticles`)
 * is the likeliest slip, so it gets its own hint instead of a bare "did you mean".
 */
function unknownOperationHint(written: string, operations: readonly IROperation[]): string {
  const byMethodName = operations.find((op) => op.identifier === written);
  if (byMethodName) {
    return `\`${written}\` is the generated method name of \`${byMethodName.operationId}\`; write the operationId as the document does: \`${byMethodName.operationId}\``;
  }
  return didYouMean(
    written,
    operations.map((op) => op.operationId),
    'operationId',
  );
}

/**
 * Replaces the operation's effective security (its own, or the document's default) with the
 * override, which has OpenAPI's shape: a list of alternatives, each scheme → scopes, `{}` for
 * anonymous access. A value of the wrong shape is reported by the schema check and changes
 * nothing: applying part of it could leave an operation less protected than either reading.
 */
function overrideSecurity(
  ctx: BuildContext,
  source: SourceFile,
  pointer: string,
  raw: unknown,
  op: IROperation,
  schemeNames: readonly string[],
  documentFile: string,
): void {
  const security = readRequirements(raw);
  if (!security) return;
  security.forEach((requirement, i) => {
    for (const { scheme } of requirement.schemes) {
      if (schemeNames.includes(scheme)) continue;
      ctx.diagnostics.push(
        diagnosticAt(
          source,
          joinPointer(joinPointer(pointer, i), scheme),
          {
            code: 'SF4008',
            message: `unknown security scheme \`${scheme}\` in the override of \`${op.operationId}\`: \`${documentFile}\` does not declare it`,
            hint:
              schemeNames.length > 0
                ? didYouMean(scheme, schemeNames, 'security scheme')
                : `\`${documentFile}\` declares no security schemes (\`components/securitySchemes\`), and an override can only use the document's schemes`,
          },
          'key',
        ),
      );
    }
  });
  // Kept even with an unknown scheme, as a REST file's requirement is: the error says what to fix.
  op.security = security;
}

/** The requirements, or undefined unless every alternative is a mapping of scheme → list of scopes. */
function readRequirements(raw: unknown): IRSecurityRequirement[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const requirements: IRSecurityRequirement[] = [];
  for (const alternative of raw) {
    if (!isRecord(alternative)) return undefined;
    const schemes: IRSecurityRequirement['schemes'] = [];
    for (const [scheme, scopes] of Object.entries(alternative)) {
      if (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string')) return undefined;
      schemes.push({ scheme, scopes: scopes.map(String) });
    }
    requirements.push({ schemes });
  }
  return requirements;
}
