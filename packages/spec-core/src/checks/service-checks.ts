/**
 * Checks that apply to one assembled service whatever format described it: path templates,
 * parameters, uniqueness of operations, and tag names that become file names.
 */
import type { BuildContext } from '../load/context.js';
import type { IRService } from '../ir/ir.js';
import { diagnosticAtLoc, inSourceOrder, relatedAt } from '../diagnostics/location.js';
import { checkOperationUniqueness, checkPathParameters, parsePathTemplate } from '../formats/common/url-templates.js';

/** Generated routers of a service sit beside its `index.ts`; a tag cannot take that name. */
const RESERVED_TAG_FILE = 'index';

export function checkService(ctx: BuildContext, service: IRService): void {
  const { diagnostics } = ctx;
  for (const op of service.operations) {
    const parsed = parsePathTemplate(op.path);
    if (parsed.error !== undefined) {
      diagnostics.push(
        diagnosticAtLoc(op.loc, {
          code: 'SF3010',
          message: parsed.error,
          hint: 'write a plain path of `/`-separated segments, with parameters as `{name}`, e.g. `/users/{id}`',
        }),
      );
    }
    checkPathParameters(op, parsed, diagnostics);
    const seen = new Map<string, (typeof op.parameters)[number]>();
    for (const param of op.parameters) {
      // Header names are case-insensitive; everything else is compared as written.
      const key = `${param.in}:${param.in === 'header' ? param.name.toLowerCase() : param.name}`;
      const first = seen.get(key);
      if (first) {
        diagnostics.push(
          diagnosticAtLoc(param.loc, {
            code: 'SF3011',
            message: `${param.in} parameter \`${param.name}\` is declared twice for \`${op.operationId}\``,
            hint: 'remove one of them',
            related: [relatedAt(first.loc, 'first declared here')],
          }),
        );
      } else seen.set(key, param);
    }
    if (op.body && (op.method === 'get' || op.method === 'head')) {
      diagnostics.push(
        diagnosticAtLoc(op.body.loc, {
          code: 'SF3013',
          message: `a ${op.method.toUpperCase()} request cannot have a body`,
          hint: 'send the data as query parameters, or use POST',
        }),
      );
    }
    if (op.responses.length === 0) {
      diagnostics.push(
        diagnosticAtLoc(op.loc, {
          code: 'SF3012',
          message: `operation \`${op.operationId}\` declares no responses`,
          hint: 'declare at least the success response, e.g. `200: User`',
        }),
      );
    }
  }
  checkOperationUniqueness(inSourceOrder(service.operations), diagnostics);

  const byFileName = new Map<string, (typeof service.tags)[number]>();
  const byIdentifier = new Map<string, (typeof service.tags)[number]>();
  for (const tag of inSourceOrder(service.tags)) {
    if (tag.fileName === RESERVED_TAG_FILE) {
      diagnostics.push(
        diagnosticAtLoc(tag.loc, {
          code: 'SF3008',
          message: `tag \`${tag.name}\` would become \`routers/${service.name}/index.ts\`, the file that composes the service`,
          hint: 'rename the tag, e.g. `home` or `root`',
        }),
      );
      continue;
    }
    if (tag.fileName === '' || tag.identifier === '' || !/^[A-Za-z]/.test(tag.identifier)) {
      diagnostics.push(
        diagnosticAtLoc(tag.loc, {
          code: 'SF3008',
          message: `tag \`${tag.name}\` cannot become a file name and a TypeScript name`,
          hint: 'use a tag made of letters, digits, spaces or `-`, starting with a letter',
        }),
      );
      continue;
    }
    const other = byFileName.get(tag.fileName) ?? byIdentifier.get(tag.identifier);
    if (other) {
      diagnostics.push(
        diagnosticAtLoc(tag.loc, {
          code: 'SF3009',
          message:
            other.fileName === tag.fileName
              ? `tags \`${other.name}\` and \`${tag.name}\` both become \`routers/${service.name}/${tag.fileName}.ts\``
              : `tags \`${other.name}\` and \`${tag.name}\` both become \`${tag.identifier}Controller\``,
          hint: 'rename one of them, or merge them into one tag',
          related: [relatedAt(other.loc, `\`${other.name}\` is here`)],
        }),
      );
    } else {
      byFileName.set(tag.fileName, tag);
      byIdentifier.set(tag.identifier, tag);
    }
  }
}
