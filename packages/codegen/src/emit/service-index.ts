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
import { arrayLiteral, call, functionDeclaration, objectLiteral, print, type Doc } from './doc.js';
import { comment, propertyKey, str } from './ts.js';
import { aliasDoc, interfaceDoc, text, unionOf } from './types.js';

/**
 * `routers/<service>/index.ts`: `create<Service>App({ <tag>: controller, ... }, options)`.
 * When operations are guarded, `options.authenticate` must name a function for every scheme they
 * use, and the compiler says so. The app gets the service's OpenAPI document for `options.docs`.
 */
export function emitServiceIndex(service: IRService): string {
  const self = serviceIndexModule(service);
  const tags = service.tags.filter((t) => t.operations.length > 0);
  const schemes = [
    ...new Set(service.operations.flatMap((op) => op.security.flatMap((r) => r.schemes.map((s) => s.scheme)))),
  ].sort();
  const out: string[] = [];
  // A namespace, so that no generated name (a service called `service`) can clash with the runtime's.
  out.push(`import * as $sf from '@specfirst/runtime';`);
  // The document sync writes anyway, imported rather than repeated in code. With
  // `resolveJsonModule`, tsc type-checks the import and copies the file to the output folder.
  out.push(`import openApiDocument from '${relativeSpecifier(self, openApiFile(service))}' with { type: 'json' };`);
  for (const tag of tags) {
    out.push(
      print([
        'import ',
        objectLiteral([operationsConst(tag), `type ${controllerInterface(tag)}`]),
        ` from '${relativeSpecifier(self, tagRouterModule(service, tag))}';`,
      ]).trimEnd(),
    );
  }
  out.push('');
  if (service.port !== undefined) {
    out.push(
      print([
        comment([
          `The port \`${service.name}\` listens on (\`port\` in the spec's services.yaml): import it, so the spec stays its one source.`,
        ]),
        `export const ${servicePortConst(service)} = ${service.port};`,
      ]),
    );
  }
  const members = tags.map((tag) => `${propertyKey(controllerKey(tag))}: ${controllerInterface(tag)}`);
  out.push(
    print([
      comment([`One controller per tag of \`${service.name}\`.`]),
      interfaceDoc(`export interface ${controllersInterface(service)}`, members),
    ]),
  );
  let optionsParam = `options: $sf.ServiceOptions = {}`;
  if (schemes.length > 0) {
    out.push(
      print([
        comment([`The security schemes \`${service.name}\`'s operations use.`]),
        `export type ${securitySchemeType(service)}`,
        aliasDoc(unionOf(schemes.map((scheme) => text(str(scheme))))),
        ';',
      ]),
    );
    out.push(
      print([
        comment(['How to check each security scheme: a function per scheme, returning the principal or null.']),
        `export type ${appOptionsType(service)} = $sf.ServiceOptions & { authenticate: $sf.Authenticators<${securitySchemeType(service)}> };`,
      ]),
    );
    optionsParam = `options: ${appOptionsType(service)}`;
  }
  const tagEntries: Doc[] = tags.map((tag) =>
    objectLiteral([`operations: ${operationsConst(tag)}`, `controller: controllers.${controllerKey(tag)}`]),
  );
  const app = objectLiteral(
    [
      `basePath: ${str(service.basePath)}`,
      ['tags: ', arrayLiteral(tagEntries, { objectKeys: tags.map(() => 2) })],
      'openapi: openApiDocument',
    ],
    { expanded: true },
  );
  out.push(
    print([
      comment([
        service.description,
        `The \`${service.name}\` service as an Express app: its routers under \`${service.basePath || '/'}\`, validation, authentication, 404/405 and RFC 9457 problems, and (\`options.docs\`) its OpenAPI document and API reference.`,
      ]),
      functionDeclaration(
        `export function ${appFactory(service)}`,
        [`controllers: ${controllersInterface(service)}`, optionsParam],
        '$sf.Express',
        [['return ', call('$sf.createServiceApp', [app, 'options']), ';']],
      ),
    ]),
  );
  return out.join('\n');
}
