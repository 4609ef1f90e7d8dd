import type { IROperation, IRParameter, IRSchema, IRSecurityScheme, IRService, IRTag } from '@specfirst/spec-core';
import { bodyKind } from './naming.js';
import { admitsUnnamedKeys, inputView, type ModelIndex } from '../json-schema.js';
import { emitReplyHelpers, emitResultType } from './responses.js';
import { docComment, indent, propertyKey, str } from './ts.js';
import { appFactory, controllerInterface, MODELS_MODULE, operationsConst, relativeSpecifier, requestType, resultType, routerFactory, tagRouterModule, validatorsModule } from '../names.js';
import { typeOf, type TypeNaming } from './types.js';
import type { OperationValidators } from './validators.js';

/**
 * `routers/<service>/<tag>.ts`: for one tag, the request and result types of each operation, the
 * controller interface, reply helpers, the operation definitions the runtime executes, and
 * `create<Tag>Router`. Models come in as `M.*`, so no model name can shadow anything here.
 */
export function emitTagRouter(service: IRService, tag: IRTag, models: ModelIndex, validators: Map<string, OperationValidators>): string {
  const naming: TypeNaming = { models, modelType: (name) => `M.${models.get(name)!.identifier}` };
  const operations = tag.operations.map((id) => service.operations.find((op) => op.operationId === id)!);
  const out: string[] = [];
  for (const op of operations) {
    out.push(emitRequestType(op, naming), emitResultType(op, naming), emitReplyHelpers(op, naming));
  }
  out.push(emitControllerInterface(tag, operations));
  out.push(emitDefinitions(service, tag, operations, validators, models));
  const controller = controllerInterface(tag);
  out.push(
    `${docComment([`The Express router of the \`${tag.name}\` operations of \`${service.name}\`. Mount it under the base path \`${service.basePath || '/'}\`, or let \`${appFactory(service)}\` do it.`])}` +
      `export function ${routerFactory(tag)}(controller: ${controller}, options: $sf.RouterOptions | $sf.ResolvedOptions = {}): $sf.Router {\n` +
      `  return $sf.createOperationsRouter(${operationsConst(tag)}, controller, options);\n}\n`,
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
function parametersType(parameters: IRParameter[], naming: TypeNaming): string {
  if (parameters.length === 0) return 'Record<string, never>';
  const members = parameters.map((p) => {
    const present = p.in === 'path' || p.required || p.schema.default !== undefined;
    return `${docComment([p.description, p.deprecated ? '@deprecated' : undefined])}${propertyKey(p.name)}${present ? '' : '?'}: ${typeOf(p.schema, naming)};`;
  });
  return `{\n${indent(members.join('\n'))}\n}`;
}

function emitRequestType(op: IROperation, naming: TypeNaming): string {
  const by = (location: IRParameter['in']) => op.parameters.filter((p) => p.in === location);
  const bodyType = op.body ? requestBodyType(op.body.contentType, op.body.schema, naming) : 'undefined';
  const body = op.body && !op.body.required ? `${bodyType} | undefined` : bodyType;
  const doc = docComment([`What the controller receives for \`${op.method.toUpperCase()} ${op.path}\`, validated.`]);
  return (
    `${doc}export interface ${requestType(op)} {\n` +
    indent(
      [
        `params: ${parametersType(by('path'), naming)};`,
        `query: ${parametersType(by('query'), naming)};`,
        `headers: ${parametersType(by('header'), naming)};`,
        `${docComment([op.body?.description])}body: ${body};`,
      ].join('\n'),
    ) +
    '\n}\n'
  );
}

/** Bytes arrive as a Buffer (a Uint8Array); everything else as its schema says. */
export function requestBodyType(contentType: string, schema: IRSchema, naming: TypeNaming): string {
  return bodyKind(contentType) === 'bytes' ? 'Uint8Array' : typeOf(inputView(schema, naming.models), naming);
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
  return guaranteed.length === 0 ? `$sf.OperationContext<${union(schemes)}>` : `$sf.OperationContext<${union(schemes)}, ${union(guaranteed)}>`;
}

function emitControllerInterface(tag: IRTag, operations: IROperation[]): string {
  const methods = operations.map((op) => {
    const doc = docComment([op.summary, op.description, `\`${op.method.toUpperCase()} ${op.path}\``, op.deprecated ? '@deprecated' : undefined]);
    const result = resultType(op);
    return `${doc}${op.identifier}(request: ${requestType(op)}, context: ${contextType(op)}): ${result} | Promise<${result}>;`;
  });
  const doc = docComment([tag.description, `Implement this in \`services/\` and pass it to \`${routerFactory(tag)}\` (or the service's app).`]);
  return `${doc}export interface ${controllerInterface(tag)} {\n${indent(methods.join('\n'))}\n}\n`;
}

function challenge(scheme: IRSecurityScheme | undefined): string | undefined {
  if (scheme?.type !== 'http' || scheme.scheme === undefined) return undefined;
  const name = scheme.scheme.toLowerCase();
  if (name === 'bearer') return 'Bearer';
  if (name === 'basic') return 'Basic realm="api"';
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(scheme.scheme) ? scheme.scheme : undefined;
}

function emitDefinitions(service: IRService, tag: IRTag, operations: IROperation[], validators: Map<string, OperationValidators>, models: ModelIndex): string {
  const schemes = new Map(service.securitySchemes.map((s) => [s.name, s]));
  const items = operations.map((op) => {
    const v = validators.get(op.operationId) ?? { responses: new Map<string, string>() };
    const by = (location: IRParameter['in']) => op.parameters.filter((p) => p.in === location);
    const validate = (['params', 'query', 'headers', 'body'] as const).filter((k) => v[k] !== undefined).map((k) => `${k}: v.${v[k]!}`);
    const responses = op.responses.map((r) => {
      const fields: string[] = [];
      const name = v.responses.get(String(r.status));
      if (name !== undefined) fields.push(`validate: v.${name}`);
      if (r.contentType !== undefined) fields.push(`contentType: ${str(r.contentType)}`);
      const required = r.headers.filter((h) => h.required).map((h) => str(h.name));
      if (required.length > 0) fields.push(`headers: [${required.join(', ')}]`);
      return `${str(String(r.status))}: { ${fields.join(', ')} },`;
    });
    const security = op.security.map((req) => `[${req.schemes.map((s) => `{ scheme: ${str(s.scheme)}, scopes: [${s.scopes.map(str).join(', ')}] }`).join(', ')}]`);
    const challenges = [...new Set(op.security.flatMap((r) => r.schemes.map((s) => challenge(schemes.get(s.scheme)))).filter((c): c is string => c !== undefined))].sort();
    const fields = [
      `operationId: ${str(op.operationId)},`,
      `method: ${str(op.identifier)},`,
      `httpMethod: ${str(op.method)},`,
      `path: ${str(op.expressPath)},`,
      `pathParams: [${by('path').map((p) => `{ name: ${str(p.name)}, expressName: ${str(p.expressName ?? p.name)} }`).join(', ')}],`,
      `queryParams: [${by('query').map((p) => str(p.name)).join(', ')}],`,
      `headerParams: [${by('header').map((p) => str(p.name)).join(', ')}],`,
      `validate: { ${validate.join(', ')} },`,
      ...(op.body ? [`body: { contentType: ${str(op.body.contentType)}, required: ${op.body.required}, openKeys: ${admitsUnnamedKeys(inputView(op.body.schema, models), models)} },`] : []),
      `responses: {\n${indent(responses.join('\n'))}\n},`,
      `security: [${security.join(', ')}],`,
      `challenges: [${challenges.map(str).join(', ')}],`,
    ];
    return `{\n${indent(fields.join('\n'))}\n},`;
  });
  const doc = docComment([`What the runtime needs to serve each \`${tag.name}\` operation.`]);
  return `${doc}export const ${operationsConst(tag)}: readonly $sf.OperationDefinition[] = [\n${indent(items.join('\n'))}\n];\n`;
}
