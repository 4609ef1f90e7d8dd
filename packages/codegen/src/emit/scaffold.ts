import type { IRService, SpecIR } from '@specfirst/spec-core';
import {
  controllerClass,
  controllerFile,
  controllerInterface,
  generatedSpecifier,
  requestType,
  resultType,
  tagRouterModule,
} from '../names.js';
import { contextType } from './router.js';
import { group, hardline, indent, join, objectLiteral, parameterList, print } from './doc.js';
import { comment, str } from './ts.js';

/** A controller skeleton: `path` is relative to the project root. It belongs to the user once written. */
export interface ScaffoldFile {
  path: string;
  service: string;
  tag: string;
  contents: string;
}

export interface ScaffoldOptions {
  /** Only this service's controllers. */
  service?: string;
  /**
   * The project's package.json maps `#generated/*` to its output folder
   * (`declaresGeneratedImport`): the skeletons import `#generated/routers/<service>/<tag>.js`.
   * Otherwise they import the generated module by a relative path.
   */
  generatedImport?: boolean;
}

/**
 * Controller skeletons for `specfirst scaffold`: one class per service and tag in
 * `<services>/<service>/src/controllers/<tag>.ts` implementing the generated interface, each method
 * answering 501 until it is written. Only paths are planned here; the CLI writes those that do not exist.
 */
export function scaffoldFiles(ir: SpecIR, options: ScaffoldOptions = {}): ScaffoldFile[] {
  const only = options.service;
  const project = { outputDir: ir.project.outputDir, generatedImport: options.generatedImport ?? false };
  const files: ScaffoldFile[] = [];
  for (const service of ir.services) {
    if (service.type !== 'http' || (only !== undefined && service.name !== only)) continue;
    for (const tag of service.tags) {
      if (tag.operations.length === 0) continue;
      const file = controllerFile(ir.project.servicesDir, service, tag);
      const specifier = generatedSpecifier(file, tagRouterModule(service, tag), project);
      files.push({
        path: file,
        service: service.name,
        tag: tag.name,
        contents: skeleton(service, tag.name, specifier),
      });
    }
  }
  return files;
}

function skeleton(service: IRService, tagName: string, specifier: string): string {
  const tag = service.tags.find((t) => t.name === tagName)!;
  const ops = tag.operations.map((id) => service.operations.find((op) => op.operationId === id)!);
  const typeImports = [controllerInterface(tag), ...ops.flatMap((op) => [requestType(op), resultType(op)])];
  const methods = ops.map((op) => [
    comment([op.summary, `\`${op.method.toUpperCase()} ${service.basePath}${op.path}\``]),
    group([
      `async ${op.identifier}`,
      parameterList([`_request: ${requestType(op)}`, `_context: ${contextType(op)}`]),
      `: Promise<${resultType(op)}>`,
    ]),
    ' {',
    indent([hardline, `throw notImplemented(${str(op.operationId)});`]),
    hardline,
    '}',
  ]);
  return print([
    // Spec strings reach a comment only through comment(), which no newline or `*/` can escape.
    comment([
      `The \`${tag.name}\` operations of \`${service.name}\`. Written once by \`specfirst scaffold\`; this file is yours.`,
    ]),
    `import * as $sf from '@specfirst/runtime';`,
    hardline,
    ['import type ', objectLiteral(typeImports), ` from ${str(specifier)};`],
    hardline,
    hardline,
    'function notImplemented(operationId: string): $sf.HttpProblem {',
    indent([
      hardline,
      "return new $sf.HttpProblem(501, 'Not Implemented', { detail: `${operationId} is not implemented yet` });",
    ]),
    hardline,
    '}',
    hardline,
    hardline,
    `export class ${controllerClass(tag)} implements ${controllerInterface(tag)} {`,
    indent([hardline, join([hardline, hardline], methods)]),
    hardline,
    '}',
  ]);
}
