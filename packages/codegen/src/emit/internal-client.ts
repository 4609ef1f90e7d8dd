import type { IROperation, IRService, SpecIR } from '@specfirst/spec-core';
import { calleesOf, defaultServiceUrl, internalKeyEnv, serviceUrlEnv } from '@specfirst/spec-core/connectivity';
import { clientOperationEntry, inputIsOptional } from './client.js';
import { call, functionDeclaration, group, objectLiteral, parameterList, print } from './doc.js';
import { comment, str } from './ts.js';
import {
  clientInputType,
  clientModule,
  internalClientFactory,
  internalClientInterface,
  internalClientModule,
  relativeSpecifier,
  resultType,
  tagRouterModule,
} from '../names.js';
import { interfaceDoc } from './types.js';

/** One declared edge set: a caller, a callee it may call, and the callee's operations it declares (in the callee's order). */
export interface InternalEdge {
  caller: IRService;
  callee: IRService;
  operations: IROperation[];
}

/**
 * The internal clients a spec asks for: one per caller and callee with at least one declared
 * `consumes.operations` edge (`calleesOf`), sorted by caller then callee. A caller with no edge to
 * a service gets no client of it, so a call to that service has nothing to import. The IR's graph
 * holds only operations the callee exposes (an edge to any other is SF4005, and never an edge).
 */
export function internalEdges(ir: SpecIR): InternalEdge[] {
  const byName = new Map(ir.services.map((s) => [s.name, s]));
  const edges: InternalEdge[] = [];
  for (const caller of [...ir.services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    for (const { callee: name, operations: ids } of calleesOf(ir, caller.name)) {
      const callee = byName.get(name);
      if (!callee || callee.type !== 'http') continue;
      // The callee's order (its REST file's), so adding an edge does not reorder the others.
      const operations = callee.operations.filter((op) => ids.includes(op.operationId));
      if (operations.length > 0) edges.push({ caller, callee, operations });
    }
  }
  return edges;
}

/**
 * `internal/<caller>/<callee>.ts`: the caller's client of the callee, holding only the operations
 * of its declared edges. Inputs are the public client's, results the callee's routers'; the table
 * tells the runtime where the callee is (`<CALLEE>_URL`, else its deployment host) and which key
 * signs the caller's identity.
 */
export function emitInternalClient({ caller, callee, operations }: InternalEdge): string {
  const self = internalClientModule(caller, callee);
  const out: string[] = [`import * as $sf from '@specfirst/runtime/internal';`];
  out.push(
    print([
      'import type ',
      objectLiteral(operations.map(clientInputType)),
      ` from '${relativeSpecifier(self, clientModule(callee))}';`,
    ]).trimEnd(),
  );
  for (const tag of callee.tags) {
    const tagOps = operations.filter((op) => op.tag === tag.name);
    if (tagOps.length === 0) continue;
    out.push(
      print([
        'import type ',
        objectLiteral(tagOps.map(resultType)),
        ` from '${relativeSpecifier(self, tagRouterModule(callee, tag))}';`,
      ]).trimEnd(),
    );
  }
  out.push('');
  const table = operations.map(clientOperationEntry);
  out.push(
    print([
      'const $table: $sf.InternalClientTable = ',
      objectLiteral(
        [
          `caller: ${str(caller.name)}`,
          `callee: ${str(callee.name)}`,
          `urlEnv: ${str(serviceUrlEnv(callee))}`,
          `defaultUrl: ${str(defaultServiceUrl(callee))}`,
          `keyEnv: ${str(internalKeyEnv(caller, callee))}`,
          `basePath: ${str(callee.basePath)}`,
          ['operations: ', objectLiteral(table, { expanded: true })],
        ],
        { expanded: true },
      ),
      ';',
    ]),
  );
  const methods = operations.map((op) => {
    const doc = comment([
      op.summary,
      `\`${op.method.toUpperCase()} ${callee.basePath}${op.path}\``,
      op.deprecated ? '@deprecated' : undefined,
    ]);
    const params = parameterList([
      `input${inputIsOptional(op) ? '?' : ''}: ${clientInputType(op)}`,
      'options?: $sf.InternalCallOptions',
    ]);
    return [doc, group([op.identifier, params, group([': ', `Promise<$sf.ClientResult<${resultType(op)}>>`])])];
  });
  const iface = internalClientInterface(callee);
  out.push(
    print([
      comment([
        `The client \`${caller.name}\` calls \`${callee.name}\` with: only the operations \`${caller.name}\` declares it calls (\`consumes.operations\` in services.yaml).`,
      ]),
      interfaceDoc(`export interface ${iface}`, methods),
    ]),
  );
  out.push(
    print([
      comment([
        `Calls \`${callee.name}\` as \`${caller.name}\`: at \`${serviceUrlEnv(callee)}\` (default \`${defaultServiceUrl(callee)}\`), signed with \`${internalKeyEnv(caller, callee)}\`, passing on the current request's id and trace.`,
      ]),
      functionDeclaration(
        `export function ${internalClientFactory(callee)}`,
        ['options: $sf.InternalClientOptions = {}'],
        iface,
        [
          '// The table and the interface are generated from the same operations, so the cast only restores their types.',
          ['return ', call('$sf.createInternalClient', ['$table', 'options']), ` as unknown as ${iface};`],
        ],
      ),
    ]),
  );
  return out.join('\n');
}
