import type { IRService } from '@specfirst/spec-core';
import {
  appFactory,
  appOptionsType,
  controllerInterface,
  controllerKey,
  controllersInterface,
  openApiFile,
  operationsConst,
  relativeSpecifier,
  securitySchemeType,
  serviceIndexModule,
  servicePortConst,
  tagRouterModule,
} from '../names.js';
import { docComment, indent, propertyKey, str } from './ts.js';

/**
 * `routers/<service>/index.ts`: `create<Service>App({ <tag>: controller, ... }, options)`.
 * When operations are guarded, `options.authenticate` must name a function for every scheme they
 * use, and the compiler says so. The app gets the service's OpenAPI document for `options.docs`.
 */
export function emitServiceIndex(service: IRService): string {
  const self = serviceIndexModule(service);
  const tags = service.tags.filter((t) => t.operations.length > 0);
  const schemes = [...new Set(service.operations.flatMap((op) => op.security.flatMap((r) => r.schemes.map((s) => s.scheme))))].sort();
  const out: string[] = [];
  // A namespace, so that no generated name (a service called `service`) can clash with the runtime's.
  out.push(`import * as $sf from '@specfirst/runtime';`);
  // The document sync writes anyway, imported rather than repeated in code. With
  // `resolveJsonModule`, tsc type-checks the import and copies the file to the output folder.
  out.push(`import openApiDocument from '${relativeSpecifier(self, openApiFile(service))}' with { type: 'json' };`);
  for (const tag of tags) {
    out.push(`import { ${operationsConst(tag)}, type ${controllerInterface(tag)} } from '${relativeSpecifier(self, tagRouterModule(service, tag))}';`);
  }
  out.push('');
  if (service.port !== undefined) {
    out.push(
      `${docComment([`The port \`${service.name}\` listens on (\`port\` in the spec's services.yaml): import it, so the spec stays its one source.`])}export const ${servicePortConst(service)} = ${service.port};\n`,
    );
  }
  const members = tags.map((tag) => `${propertyKey(controllerKey(tag))}: ${controllerInterface(tag)};`);
  out.push(`${docComment([`One controller per tag of \`${service.name}\`.`])}export interface ${controllersInterface(service)} {\n${indent(members.join('\n'))}\n}\n`);
  let optionsParam = `options: $sf.ServiceOptions = {}`;
  if (schemes.length > 0) {
    out.push(`${docComment([`The security schemes \`${service.name}\`'s operations use.`])}export type ${securitySchemeType(service)} = ${schemes.map(str).join(' | ')};\n`);
    out.push(
      `${docComment(['How to check each security scheme: a function per scheme, returning the principal or null.'])}export type ${appOptionsType(service)} = $sf.ServiceOptions & { authenticate: $sf.Authenticators<${securitySchemeType(service)}> };\n`,
    );
    optionsParam = `options: ${appOptionsType(service)}`;
  }
  const tagEntries = tags.map(
    (tag) => `{ operations: ${operationsConst(tag)}, controller: controllers.${controllerKey(tag)} },`,
  );
  out.push(
    `${docComment([service.description, `The \`${service.name}\` service as an Express app: its routers under \`${service.basePath || '/'}\`, validation, authentication, 404/405 and RFC 9457 problems, and (\`options.docs\`) its OpenAPI document and API reference.`])}` +
      `export function ${appFactory(service)}(controllers: ${controllersInterface(service)}, ${optionsParam}): $sf.Express {\n` +
      `  return $sf.createServiceApp(\n` +
      `    {\n      basePath: ${str(service.basePath)},\n      tags: [\n${indent(tagEntries.join('\n'), '        ')}\n      ],\n      openapi: openApiDocument,\n    },\n    options,\n  );\n}\n`,
  );
  return out.join('\n');
}
