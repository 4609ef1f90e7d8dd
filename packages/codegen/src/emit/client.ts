import type { IROperation, IRParameter, IRService } from '@specfirst/spec-core';
import type { ModelIndex } from '../json-schema.js';
import { requestBodyType } from './router.js';
import {
  arrayLiteral,
  call,
  functionDeclaration,
  group,
  objectLiteral,
  parameterList,
  print,
  type Doc,
} from './doc.js';
import { comment, propertyKey, str } from './ts.js';
import {
  clientFactory,
  clientInputType,
  clientInterface,
  clientModule,
  MODELS_MODULE,
  relativeSpecifier,
  resultType,
  tagRouterModule,
} from '../names.js';
import { interfaceDoc, member, objectType, typeOf, type TypeExpr, type TypeNaming } from './types.js';

/**
 * `clients/<service>.ts`: a typed fetch client with the controller's operation names. Inputs
 * leave out what the server fills in (defaults, optional parts); results are the server's own
 * status-discriminated unions, plus the response headers.
 */
export function emitClient(service: IRService, models: ModelIndex): string {
  const naming: TypeNaming = { models, modelType: (name) => `M.${models.get(name)!.identifier}` };
  const ops = service.operations;
  const out: string[] = [];
  // A namespace, so that no generated name (an operation `client` gives `ClientResult`) can clash.
  out.push(`import * as $sf from '@specfirst/runtime/client';`);
  const modelsImport = out.length;
  const byTag = new Map<string, IROperation[]>();
  for (const op of ops) byTag.set(op.tag, [...(byTag.get(op.tag) ?? []), op]);
  for (const tag of service.tags) {
    const tagOps = byTag.get(tag.name);
    if (!tagOps) continue;
    out.push(
      print([
        'import type ',
        objectLiteral(tagOps.map(resultType)),
        ` from '${relativeSpecifier(clientModule(service), tagRouterModule(service, tag))}';`,
      ]).trimEnd(),
    );
  }
  out.push('');
  for (const op of ops) out.push(emitInputType(op, naming));
  const table = ops.map(clientOperationEntry);
  out.push(
    print([
      'const $operations: Readonly<Record<string, $sf.ClientOperation>> = ',
      objectLiteral(table, { expanded: true }),
      ';',
    ]),
  );
  const methods = ops.map((op) => {
    const input = clientInputType(op);
    const optional = inputIsOptional(op);
    const doc = comment([
      op.summary,
      `\`${op.method.toUpperCase()} ${service.basePath}${op.path}\``,
      op.deprecated ? '@deprecated' : undefined,
    ]);
    const params = parameterList([`input${optional ? '?' : ''}: ${input}`, 'options?: $sf.CallOptions']);
    return [doc, group([op.identifier, params, group([': ', `Promise<$sf.ClientResult<${resultType(op)}>>`])])];
  });
  out.push(
    print([
      comment([`A typed client of \`${service.name}\`.`]),
      interfaceDoc(`export interface ${clientInterface(service)}`, methods),
    ]),
  );
  out.push(
    print([
      comment([
        `Calls \`${service.name}\` over HTTP: \`${clientFactory(service)}({ baseUrl: 'http://localhost:3000' })\`.`,
      ]),
      functionDeclaration(
        `export function ${clientFactory(service)}`,
        ['options: $sf.ClientOptions'],
        clientInterface(service),
        [
          '// The table and the interface are generated from the same operations, so the cast only restores their types.',
          [
            'return ',
            call('$sf.createClient', ['$operations', str(service.basePath), 'options']),
            ` as unknown as ${clientInterface(service)};`,
          ],
        ],
      ),
    ]),
  );
  // Import the models only when a type uses them: an unused import fails strict compilation.
  if (out.some((block) => /\bM\./.test(block)))
    out.splice(
      modelsImport,
      0,
      `import type * as M from '${relativeSpecifier(clientModule(service), MODELS_MODULE)}';`,
    );
  return out.join('\n');
}

/** A parameter the caller may leave out: not required, or the server has a default for it. */
function callerMustSend(p: IRParameter): boolean {
  return p.in === 'path' || (p.required && p.schema.default === undefined);
}

function inputParts(op: IROperation, naming: TypeNaming): { key: string; type: TypeExpr; required: boolean }[] {
  const parts: { key: string; type: TypeExpr; required: boolean }[] = [];
  for (const [key, location] of [
    ['params', 'path'],
    ['query', 'query'],
    ['headers', 'header'],
  ] as const) {
    const params = op.parameters.filter((p) => p.in === location);
    if (params.length === 0) continue;
    const members = params.map((p) =>
      member([p.description], propertyKey(p.name), typeOf(p.schema, naming), { optional: !callerMustSend(p) }),
    );
    parts.push({ key, type: objectType(members), required: params.some(callerMustSend) });
  }
  if (op.body)
    parts.push({
      key: 'body',
      type: requestBodyType(op.body.contentType, op.body.schema, naming),
      required: op.body.required,
    });
  return parts;
}

/** An input a caller may leave out entirely: nothing it must send. */
export function inputIsOptional(op: IROperation): boolean {
  return !op.parameters.some(callerMustSend) && !(op.body?.required ?? false);
}

function emitInputType(op: IROperation, naming: TypeNaming): string {
  const parts = inputParts(op, naming);
  const doc = comment([`What a caller sends to \`${op.identifier}\`.`]);
  if (parts.length === 0) return print([doc, `export type ${clientInputType(op)} = Record<string, never>;`]);
  const members = parts.map((p) => member([], p.key, p.type, { optional: !p.required }));
  return print([doc, interfaceDoc(`export interface ${clientInputType(op)}`, members)]);
}

/**
 * One operation of a client's table, as the runtime's `ClientOperation` reads it: the public client
 * (`$operations`) and the internal clients (`$table.operations`) both write it so.
 */
export function clientOperationEntry(op: IROperation): Doc {
  const fields: Doc[] = [
    `method: ${str(op.method)}`,
    `path: ${str(op.path)}`,
    ['statuses: ', arrayLiteral(op.responses.map((r) => str(String(r.status))))],
    ...(op.body ? [`bodyContentType: ${str(op.body.contentType)}`] : []),
  ];
  return [propertyKey(op.identifier), ': ', objectLiteral(fields)];
}
