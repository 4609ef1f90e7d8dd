import type { IRService } from '@specfirst/spec-core';
import { operationsConst } from './router.js';
import { docComment, indent, lowerFirst, propertyKey, str } from './ts.js';

/**
 * `routers/<service>/index.ts`: `create<Service>App({ <tag>: controller, ... }, options)`.
 * When operations are guarded, `options.authenticate` must name a function for every scheme they
 * use, and the compiler says so.
 */
export function emitServiceIndex(service: IRService): string {
  const id = service.identifier;
  const tags = service.tags.filter((t) => t.operations.length > 0);
  const schemes = [...new Set(service.operations.flatMap((op) => op.security.flatMap((r) => r.schemes.map((s) => s.scheme))))].sort();
  const out: string[] = [];
  const runtimeImports = ['createServiceApp', 'type Express', 'type ServiceOptions'];
  if (schemes.length > 0) runtimeImports.push('type Authenticators');
  out.push(`import { ${runtimeImports.join(', ')} } from '@specfirst/runtime';`);
  for (const tag of tags) {
    out.push(`import { create${tag.identifier}Router, ${operationsConst(tag)}, type ${tag.identifier}Controller } from './${tag.fileName}.js';`);
  }
  out.push('');
  const members = tags.map((tag) => `${propertyKey(controllerKey(tag.identifier))}: ${tag.identifier}Controller;`);
  out.push(`${docComment([`One controller per tag of \`${service.name}\`.`])}export interface ${id}Controllers {\n${indent(members.join('\n'))}\n}\n`);
  let optionsParam = `options: ServiceOptions = {}`;
  if (schemes.length > 0) {
    out.push(`${docComment([`The security schemes \`${service.name}\`'s operations use.`])}export type ${id}SecurityScheme = ${schemes.map(str).join(' | ')};\n`);
    out.push(
      `${docComment(['How to check each security scheme: a function per scheme, returning the principal or null.'])}export type ${id}AppOptions = ServiceOptions & { authenticate: Authenticators<${id}SecurityScheme> };\n`,
    );
    optionsParam = `options: ${id}AppOptions`;
  }
  const tagEntries = tags.map(
    (tag) => `{ operations: ${operationsConst(tag)}, createRouter: (resolved) => create${tag.identifier}Router(controllers.${controllerKey(tag.identifier)}, resolved) },`,
  );
  out.push(
    `${docComment([service.description, `The \`${service.name}\` service as an Express app: its routers under \`${service.basePath || '/'}\`, validation, authentication, 404/405 and RFC 9457 problems.`])}` +
      `export function create${id}App(controllers: ${id}Controllers, ${optionsParam}): Express {\n` +
      `  return createServiceApp(\n` +
      `    {\n      basePath: ${str(service.basePath)},\n      tags: [\n${indent(tagEntries.join('\n'), '        ')}\n      ],\n    },\n    options,\n  );\n}\n`,
  );
  return out.join('\n');
}

/** `AdminOrders` → `adminOrders`: the key of a tag's controller. Tag identifiers are PascalCase identifiers. */
export function controllerKey(tagIdentifier: string): string {
  return lowerFirst(tagIdentifier);
}
