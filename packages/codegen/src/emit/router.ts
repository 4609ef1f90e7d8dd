import type { IROperation, IRParameter, IRSchema, IRSecurityScheme, IRService, IRTag } from '@specfirst/spec-core';
import { bodyKind } from './naming.js';
import { admitsUnnamedKeys, inputView, type ModelIndex } from '../json-schema.js';
import { emitReplyHelpers, emitResultType } from './responses.js';
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
  appFactory,
  controllerInterface,
  MODELS_MODULE,
  operationsConst,
  relativeSpecifier,
  requestType,
  resultType,
  routerFactory,
  tagRouterModule,
  validatorsModule,
} from '../names.js';
import {
  interfaceDoc,
  member,
  objectType,
  text,
  typeDoc,
  typeOf,
  unionOf,
  type TypeExpr,
  type TypeNaming,
} from './types.js';
import type { OperationValidators } from './validators.js';

/**
 * `routers/<service>/<tag>.ts`: for one tag, the request and result types of each operation, the
 * controller interface, reply helpers, the operation definitions the runtime executes, and
 * `create<Tag>Router`. Models come in as `M.*`, so no model name can shadow anything here.
 */
export function emitTagRouter(
  service: IRService,
  tag: IRTag,
  models: ModelIndex,
  validators: Map<string, OperationValidators>,
  callers: (operationId: string) => readonly string[] = () => [],
): string {
  const naming: TypeNaming = { models, modelType: (name) => `M.${models.get(name)!.identifier}` };
  const operations = tag.operations.map((id) => service.operations.find((op) => op.operationId === id)!);
  const out: string[] = [];
  for (const op of operations) {
    out.push(emitRequestType(op, naming), emitResultType(op, naming), emitReplyHelpers(op, naming));
  }
  out.push(emitControllerInterface(tag, operations));
  out.push(emitDefinitions(service, tag, operations, validators, models, callers));
  const controller = controllerInterface(tag);
  out.push(
    print([
      comment([
        `The Express router of the \`${tag.name}\` operations of \`${service.name}\`. Mount it under the base path \`${service.basePath || '/'}\`, or let \`${appFactory(service)}\` do it.`,
      ]),
      functionDeclaration(
        `export function ${routerFactory(tag)}`,
        [
          `controller: ${controller}`,
          ['options: ', typeDoc(unionOf([text('$sf.RouterOptions'), text('$sf.ResolvedOptions')])), ' = {}'],
        ],
        '$sf.Router',
        [['return ', call('$sf.createOperationsRouter', [operationsConst(tag), 'controller', 'options']), ';']],
      ),
    ]),
  );
  const body = out.join('\n');
  // Import only what the body uses: an unused import fails strict compilation.
  const imports = [
    // A namespace, so that no generated name (a tag `Operations`, an operation `router`) can clash.
    `import * as $sf from '@specfirst/runtime';`,
  ];
  const self = tagRouterModule(service, tag);
  if (/\bM\./.test(body)) imports.push(`import type * as M from '${relativeSpecifier(self, MODELS_MODULE)}';`);
  if (/\bv\./.test(body)) imports.push(`import * as v from '${relativeSpecifier(self, validatorsModule(service))}';`);
  return `${imports.join('\n')}\n\n${body}`;
}

/** Parameters as the controller sees them: after defaults, so a defaulted one is always there. */
function parametersType(parameters: IRParameter[], naming: TypeNaming): TypeExpr {
  if (parameters.length === 0) return text('Record<string, never>');
  const members = parameters.map((p) =>
    member([p.description, p.deprecated ? '@deprecated' : undefined], propertyKey(p.name), typeOf(p.schema, naming), {
      optional: !(p.in === 'path' || p.required || p.schema.default !== undefined),
    }),
  );
  return objectType(members);
}

function emitRequestType(op: IROperation, naming: TypeNaming): string {
  const by = (location: IRParameter['in']) => op.parameters.filter((p) => p.in === location);
  const bodyType = op.body ? requestBodyType(op.body.contentType, op.body.schema, naming) : text('undefined');
  const body = op.body && !op.body.required ? unionOf([bodyType, text('undefined')]) : bodyType;
  const doc = comment([`What the controller receives for \`${op.method.toUpperCase()} ${op.path}\`, validated.`]);
  return print([
    doc,
    interfaceDoc(`export interface ${requestType(op)}`, [
      member([], 'params', parametersType(by('path'), naming)),
      member([], 'query', parametersType(by('query'), naming)),
      member([], 'headers', parametersType(by('header'), naming)),
      member([op.body?.description], 'body', body),
    ]),
  ]);
}

/** Bytes arrive as a Buffer (a Uint8Array); everything else as its schema says. */
export function requestBodyType(contentType: string, schema: IRSchema, naming: TypeNaming): TypeExpr {
  return bodyKind(contentType) === 'bytes' ? text('Uint8Array') : typeOf(inputView(schema, naming.models), naming);
}

/**
 * The context type of an operation: the schemes that may authenticate it, and those every
 * alternative requires (their principals are always present). `[{}, ...]` guarantees none.
 */
export function contextType(op: IROperation): string {
  const schemes = [...new Set(op.security.flatMap((r) => r.schemes.map((s) => s.scheme)))].sort();
  if (schemes.length === 0) return '$sf.OperationContext<never>';
  const guaranteed = schemes.filter((scheme) => op.security.every((r) => r.schemes.some((s) => s.scheme === scheme)));
  const union = (names: string[]) => names.map(str).join(' | ');
  return guaranteed.length === 0
    ? `$sf.OperationContext<${union(schemes)}>`
    : `$sf.OperationContext<${union(schemes)}, ${union(guaranteed)}>`;
}

function emitControllerInterface(tag: IRTag, operations: IROperation[]): string {
  const methods = operations.map((op) => {
    const doc = comment([
      op.summary,
      op.description,
      `\`${op.method.toUpperCase()} ${op.path}\``,
      op.deprecated ? '@deprecated' : undefined,
    ]);
    const result = resultType(op);
    const returns = typeDoc(unionOf([text(result), text(`Promise<${result}>`)]));
    return [
      doc,
      group([
        op.identifier,
        parameterList([`request: ${requestType(op)}`, `context: ${contextType(op)}`]),
        group([': ', returns]),
      ]),
    ];
  });
  const doc = comment([
    tag.description,
    `Implement this in \`services/\` and pass it to \`${routerFactory(tag)}\` (or the service's app).`,
  ]);
  return print([doc, interfaceDoc(`export interface ${controllerInterface(tag)}`, methods)]);
}

function challenge(scheme: IRSecurityScheme | undefined): string | undefined {
  if (scheme?.type !== 'http' || scheme.scheme === undefined) return undefined;
  const name = scheme.scheme.toLowerCase();
  if (name === 'bearer') return 'Bearer';
  if (name === 'basic') return 'Basic realm="api"';
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(scheme.scheme) ? scheme.scheme : undefined;
}

function emitDefinitions(
  service: IRService,
  tag: IRTag,
  operations: IROperation[],
  validators: Map<string, OperationValidators>,
  models: ModelIndex,
  callers: (operationId: string) => readonly string[],
): string {
  const schemes = new Map(service.securitySchemes.map((s) => [s.name, s]));
  const items = operations.map((op) => {
    const v = validators.get(op.operationId) ?? { responses: new Map<string, string>() };
    const by = (location: IRParameter['in']) => op.parameters.filter((p) => p.in === location);
    const validate = (['params', 'query', 'headers', 'body'] as const)
      .filter((k) => v[k] !== undefined)
      .map((k) => `${k}: v.${v[k]!}`);
    const responses = op.responses.map((r) => {
      const fields: Doc[] = [];
      const name = v.responses.get(String(r.status));
      if (name !== undefined) fields.push(`validate: v.${name}`);
      if (r.contentType !== undefined) fields.push(`contentType: ${str(r.contentType)}`);
      const required = r.headers.filter((h) => h.required).map((h) => str(h.name));
      if (required.length > 0) fields.push(['headers: ', arrayLiteral(required)]);
      return [propertyKey(String(r.status)), ': ', objectLiteral(fields)];
    });
    const security = op.security.map((req) =>
      arrayLiteral(
        req.schemes.map((s) =>
          objectLiteral([`scheme: ${str(s.scheme)}`, ['scopes: ', arrayLiteral(s.scopes.map(str))]]),
        ),
        { objectKeys: req.schemes.map(() => 2) },
      ),
    );
    const challenges = [
      ...new Set(
        op.security
          .flatMap((r) => r.schemes.map((s) => challenge(schemes.get(s.scheme))))
          .filter((c): c is string => c !== undefined),
      ),
    ].sort();
    const pathParams = by('path');
    // The services that declare an edge to this operation: a guarded router refuses any other caller.
    const allowed = callers(op.operationId);
    const fields: Doc[] = [
      `operationId: ${str(op.operationId)}`,
      `method: ${str(op.identifier)}`,
      `httpMethod: ${str(op.method)}`,
      `path: ${str(op.expressPath)}`,
      [
        'pathParams: ',
        arrayLiteral(
          pathParams.map((p) =>
            objectLiteral([`name: ${str(p.name)}`, `expressName: ${str(p.expressName ?? p.name)}`]),
          ),
          { objectKeys: pathParams.map(() => 2) },
        ),
      ],
      ['queryParams: ', arrayLiteral(by('query').map((p) => str(p.name)))],
      ['headerParams: ', arrayLiteral(by('header').map((p) => str(p.name)))],
      ['validate: ', objectLiteral(validate)],
      ...(op.body
        ? [
            [
              'body: ',
              objectLiteral([
                `contentType: ${str(op.body.contentType)}`,
                `required: ${op.body.required}`,
                `openKeys: ${admitsUnnamedKeys(inputView(op.body.schema, models), models)}`,
              ]),
            ],
          ]
        : []),
      ['responses: ', objectLiteral(responses, { expanded: true })],
      ['security: ', arrayLiteral(security)],
      ['challenges: ', arrayLiteral(challenges.map(str))],
      ...(allowed.length > 0 ? [['callers: ', arrayLiteral(allowed.map(str))]] : []),
    ];
    return objectLiteral(fields, { expanded: true });
  });
  const doc = comment([`What the runtime needs to serve each \`${tag.name}\` operation.`]);
  return print([
    doc,
    `export const ${operationsConst(tag)}: readonly $sf.OperationDefinition[] = `,
    arrayLiteral(items, { expanded: true }),
    ';',
  ]);
}
