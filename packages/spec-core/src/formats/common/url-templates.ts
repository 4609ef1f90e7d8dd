/**
 * Path templates (`/users/{id}`): parsing, the Express 5 form, and the checks that apply to
 * every service whatever format it was written in.
 */
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import type { IROperation, IRParameter } from '../../ir/ir.js';
import { diagnosticAtLoc, relatedAt } from '../../diagnostics/location.js';
import { isIdentifier, toCamelCase } from '../../util/names.js';

export interface ParsedPath {
  /** Parameter names in order of appearance. */
  params: string[];
  /** The template with every parameter replaced by `{}`, to compare shapes. */
  shape: string;
  /** Problem with the template, when it is malformed. */
  error?: string;
}

export function parsePathTemplate(path: string): ParsedPath {
  const params: string[] = [];
  let shape = '';
  let error: string | undefined;
  const pattern = /\{([^{}/]*)\}/g;
  let last = 0;
  for (let match = pattern.exec(path); match; match = pattern.exec(path)) {
    const literal = path.slice(last, match.index);
    if (/[{}]/.test(literal)) error ??= `unbalanced \`{\` or \`}\` in \`${path}\``;
    shape += literal + '{}';
    const name = match[1] ?? '';
    if (name === '') error ??= `empty parameter \`{}\` in \`${path}\``;
    else if (params.includes(name)) error ??= `parameter \`{${name}}\` appears twice in \`${path}\``;
    params.push(name);
    last = match.index + match[0].length;
  }
  const rest = path.slice(last);
  if (/[{}]/.test(rest)) error ??= `unbalanced \`{\` or \`}\` in \`${path}\``;
  shape += rest;
  if (!path.startsWith('/')) error ??= `path \`${path}\` must start with \`/\``;
  if (/[?#]/.test(path))
    error ??= `path \`${path}\` must not contain a query string or fragment; declare query parameters instead`;
  // Paths end up in generated code and URLs: no blanks, quotes, backslashes or control characters.
  // eslint-disable-next-line no-control-regex
  if (/[\s"'`\\\u0000-\u001f\u007f]/.test(path))
    error ??= `path \`${JSON.stringify(path).slice(1, -1)}\` contains a blank, quote, backslash or control character`;
  return { params, shape, ...(error ? { error } : {}) };
}

/** Characters path-to-regexp 8 (Express 5) gives a meaning to; escaped in literal segments. */
const EXPRESS_SPECIAL = /[()[\]{}?+*!:\\]/g;

/** Express names for path parameters: safe identifiers, unique within the path. */
export function expressNames(params: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const param of params) {
    let name = isIdentifier(param) ? param : toCamelCase(param) || 'param';
    if (!/^[A-Za-z_$]/.test(name)) name = `p${name}`;
    let unique = name;
    for (let i = 2; used.has(unique); i++) unique = `${name}${i}`;
    used.add(unique);
    names.set(param, unique);
  }
  return names;
}

/** `/files/{id}.json` → `/files/:id.json`, with path-to-regexp's special characters escaped. */
export function toExpressPath(path: string, names: ReadonlyMap<string, string>): string {
  let out = '';
  let last = 0;
  const pattern = /\{([^{}/]*)\}/g;
  for (let match = pattern.exec(path); match; match = pattern.exec(path)) {
    out += escapeLiteral(path.slice(last, match.index));
    const expressName = names.get(match[1] ?? '') ?? 'param';
    last = match.index + match[0].length;
    // A literal right after the parameter that could continue its name would be swallowed by it;
    // path-to-regexp's quoted form `:"id"` ends the name explicitly.
    const next = path[last];
    out += next !== undefined && /[A-Za-z0-9_$]/.test(next) ? `:"${expressName}"` : `:${expressName}`;
  }
  return out + escapeLiteral(path.slice(last));
}

function escapeLiteral(text: string): string {
  return text.replace(EXPRESS_SPECIAL, (ch) => `\\${ch}`);
}

/** Declared path parameters vs the template: undeclared, unused, optional. */
export function checkPathParameters(op: IROperation, parsed: ParsedPath, diagnostics: Diagnostic[]): void {
  const declared = op.parameters.filter((p) => p.in === 'path');
  const declaredNames = new Set(declared.map((p) => p.name));
  for (const name of parsed.params) {
    if (!declaredNames.has(name)) {
      diagnostics.push(
        diagnosticAtLoc(op.loc, {
          code: 'SF3004',
          message: `path parameter \`{${name}}\` of \`${op.method.toUpperCase()} ${op.path}\` is not declared`,
          hint: `declare it under the operation's path parameters, e.g. \`${name}: string\``,
        }),
      );
    }
  }
  for (const param of declared) {
    if (!parsed.params.includes(param.name)) {
      diagnostics.push(
        diagnosticAtLoc(param.loc, {
          code: 'SF3005',
          message: `path parameter \`${param.name}\` does not appear in \`${op.path}\``,
          hint:
            parsed.params.length > 0
              ? `the path has: ${parsed.params.map((p) => `{${p}}`).join(', ')}`
              : 'remove it, or add it to the path',
        }),
      );
    } else if (!param.required) {
      diagnostics.push(
        diagnosticAtLoc(param.loc, {
          code: 'SF3006',
          message: `path parameter \`${param.name}\` is optional, but a path parameter is always present`,
          hint: 'remove `optional`/`default` (OpenAPI: set `required: true`)',
        }),
      );
    }
  }
}

/** Duplicate operationIds, duplicate method + path, and paths that differ only in parameter names. */
export function checkOperationUniqueness(operations: readonly IROperation[], diagnostics: Diagnostic[]): void {
  const byId = new Map<string, IROperation>();
  const byIdentifier = new Map<string, IROperation>();
  const byRoute = new Map<string, IROperation>();
  const byShape = new Map<string, IROperation>();
  for (const op of operations) {
    const firstWithId = byId.get(op.operationId);
    if (firstWithId) {
      diagnostics.push(
        diagnosticAtLoc(op.loc, {
          code: 'SF3001',
          message: `operationId \`${op.operationId}\` is used twice in service \`${op.service}\``,
          hint: 'operationIds name controller methods and must be unique within a service',
          related: [relatedAt(firstWithId.loc, 'first used here')],
        }),
      );
      continue;
    }
    byId.set(op.operationId, op);
    const sameIdentifier = byIdentifier.get(op.identifier);
    if (sameIdentifier) {
      diagnostics.push(
        diagnosticAtLoc(op.loc, {
          code: 'SF3001',
          message: `operationIds \`${sameIdentifier.operationId}\` and \`${op.operationId}\` both become the method \`${op.identifier}\``,
          hint: 'rename one of them',
          related: [relatedAt(sameIdentifier.loc, `\`${sameIdentifier.operationId}\` is here`)],
        }),
      );
    } else byIdentifier.set(op.identifier, op);

    const parsed = parsePathTemplate(op.path);
    const route = `${op.method} ${op.path}`;
    const sameRoute = byRoute.get(route);
    if (sameRoute) {
      diagnostics.push(
        diagnosticAtLoc(op.loc, {
          code: 'SF3002',
          message: `\`${op.method.toUpperCase()} ${op.path}\` is declared twice (\`${sameRoute.operationId}\` and \`${op.operationId}\`)`,
          hint: 'a method and path may belong to one operation only',
          related: [relatedAt(sameRoute.loc, 'first declared here')],
        }),
      );
      continue;
    }
    byRoute.set(route, op);
    const sameShape = byShape.get(parsed.shape);
    if (sameShape && sameShape.path !== op.path) {
      diagnostics.push(
        diagnosticAtLoc(op.loc, {
          code: 'SF3003',
          message: `\`${op.path}\` and \`${sameShape.path}\` are the same path with different parameter names`,
          hint: `use the same parameter names in both (e.g. \`${sameShape.path}\`)`,
          related: [relatedAt(sameShape.loc, `\`${sameShape.path}\` is declared here`)],
        }),
      );
    } else if (!sameShape) byShape.set(parsed.shape, op);
  }
}

/** Sets `expressName` on path parameters and returns the operation's Express path. */
export function assignExpressNames(path: string, parameters: IRParameter[]): string {
  const parsed = parsePathTemplate(path);
  const names = expressNames(parsed.params);
  for (const param of parameters) {
    if (param.in === 'path') {
      const name = names.get(param.name);
      if (name !== undefined) param.expressName = name;
    }
  }
  return toExpressPath(path, names);
}
