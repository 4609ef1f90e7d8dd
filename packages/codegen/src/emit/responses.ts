import type { IROperation, IRResponse } from '@specfirst/spec-core';
import { align, group, ifBreak, indent, line, objectLiteral, parameterList, print, softline, type Doc } from './doc.js';
import { comment, propertyKey } from './ts.js';
import { replyHelpers, resultType } from '../names.js';
import {
  aliasDoc,
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

/** Reply helper names: `createUserReply.created(user)` reads better than `.status201(user)`. */
const STATUS_NAMES: Record<number, string> = {
  200: 'ok',
  201: 'created',
  202: 'accepted',
  203: 'nonAuthoritative',
  204: 'noContent',
  205: 'resetContent',
  206: 'partialContent',
  300: 'multipleChoices',
  301: 'movedPermanently',
  302: 'found',
  303: 'seeOther',
  304: 'notModified',
  307: 'temporaryRedirect',
  308: 'permanentRedirect',
  400: 'badRequest',
  401: 'unauthorized',
  402: 'paymentRequired',
  403: 'forbidden',
  404: 'notFound',
  405: 'methodNotAllowed',
  406: 'notAcceptable',
  408: 'requestTimeout',
  409: 'conflict',
  410: 'gone',
  411: 'lengthRequired',
  412: 'preconditionFailed',
  413: 'contentTooLarge',
  415: 'unsupportedMediaType',
  416: 'rangeNotSatisfiable',
  417: 'expectationFailed',
  418: 'imATeapot',
  421: 'misdirectedRequest',
  422: 'unprocessableContent',
  423: 'locked',
  424: 'failedDependency',
  425: 'tooEarly',
  426: 'upgradeRequired',
  428: 'preconditionRequired',
  429: 'tooManyRequests',
  431: 'requestHeaderFieldsTooLarge',
  451: 'unavailableForLegalReasons',
  500: 'internalServerError',
  501: 'notImplemented',
  502: 'badGateway',
  503: 'serviceUnavailable',
  504: 'gatewayTimeout',
};

export function replyName(status: IRResponse['status']): string {
  if (typeof status === 'number') return STATUS_NAMES[status] ?? `status${status}`;
  if (status === 'default') return 'other';
  return `status${status}`;
}

/**
 * `201` is its own literal; `4XX` is every 4xx status the operation does not declare on its own;
 * `default` every status no other response of the operation covers. So a status the spec does not
 * allow is a compile error even next to a range or a default.
 */
function statusType(status: IRResponse['status'], op: IROperation): string {
  if (typeof status === 'number') return String(status);
  const exact = op.responses.map((r) => r.status).filter((s): s is number => typeof s === 'number');
  if (status === 'default') {
    const ranges = op.responses
      .map((r) => r.status)
      .filter((s): s is `${1 | 2 | 3 | 4 | 5}XX` => typeof s === 'string' && s !== 'default');
    const covered = [...exact.map(String), ...ranges.map((r) => `$sf.Status${r}`)];
    return covered.length === 0 ? '$sf.HttpStatus' : `Exclude<$sf.HttpStatus, ${covered.join(' | ')}>`;
  }
  const inRange = exact.filter((s) => Math.floor(s / 100) === Number(status[0]));
  return inRange.length === 0 ? `$sf.Status${status}` : `Exclude<$sf.Status${status}, ${inRange.join(' | ')}>`;
}

function headersType(
  response: IRResponse,
  naming: TypeNaming,
  expanded: boolean,
): { type: TypeExpr; required: boolean } | undefined {
  if (response.headers.length === 0) return undefined;
  // An optional header may be given as `undefined` (the runtime leaves it out), which keeps
  // controllers simple under exactOptionalPropertyTypes.
  const members = response.headers.map((h) =>
    member(
      [h.description],
      propertyKey(h.name),
      h.required ? typeOf(h.schema, naming) : unionOf([typeOf(h.schema, naming), text('undefined')]),
      { optional: !h.required },
    ),
  );
  return { type: objectType(members, expanded), required: response.headers.some((h) => h.required) };
}

/** One member of the result union: `{ status: 201; body: M.User }`. */
function resultMember(response: IRResponse, op: IROperation, naming: TypeNaming): TypeExpr {
  const parts = [member([], 'status', text(statusType(response.status, op)))];
  if (response.schema) parts.push(member([], 'body', typeOf(response.schema, naming)));
  const headers = headersType(response, naming, true);
  if (headers) parts.push(member([], 'headers', headers.type, { optional: !headers.required }));
  return objectType(parts);
}

/** The union a controller method returns, discriminated on `status`. */
export function emitResultType(op: IROperation, naming: TypeNaming): string {
  const doc = comment([`What \`${op.identifier}\` answers: one of its declared responses.`]);
  const result = unionOf(op.responses.map((r) => resultMember(r, op, naming)));
  // One response is one object type: an interface, as the repository's lint asks.
  if (result.kind === 'object') return print([doc, interfaceDoc(`export interface ${resultType(op)}`, result.members)]);
  return print([doc, `export type ${resultType(op)}`, aliasDoc(result), ';']);
}

/** `createUserReply.created(body)`: per-status constructors of the result. */
export function emitReplyHelpers(op: IROperation, naming: TypeNaming): string {
  const result = resultType(op);
  const helpers: Doc[] = [];
  for (const response of op.responses) {
    const params: { name: string; type: TypeExpr }[] = [];
    const fields: string[] = [];
    const fixed = typeof response.status === 'number';
    if (!fixed) params.push({ name: 'status', type: text(statusType(response.status, op)) });
    fields.push(fixed ? `status: ${response.status}` : 'status');
    if (response.schema) {
      params.push({ name: 'body', type: typeOf(response.schema, naming) });
      fields.push('body');
    }
    const headers = headersType(response, naming, false);
    let value: Doc = ['(', objectLiteral(fields), ')'];
    if (headers) {
      params.push({ name: headers.required ? 'headers' : 'headers?', type: headers.type });
      value = headers.required
        ? ['(', objectLiteral([...fields, 'headers']), ')']
        : conditional('headers === undefined', objectLiteral(fields), objectLiteral([...fields, 'headers']));
    }
    helpers.push([
      comment([`${response.status}: ${response.description}`]),
      replyName(response.status),
      ': ',
      arrowFunction(params, result, value),
    ]);
  }
  const doc = comment([`Builds each declared response of \`${op.identifier}\`.`]);
  return print([doc, `export const ${replyHelpers(op)} = `, objectLiteral(helpers, { expanded: true }), ';']);
}

/** `test ? a : b` as an arrow function's body: in parentheses on one line, or on lines of its own. */
function conditional(test: string, consequent: Doc, alternate: Doc): Doc {
  const body = group([test, indent([line, '? ', align(2, consequent), line, ': ', align(2, alternate)])]);
  return group([ifBreak('', '('), indent([softline, body]), ifBreak('', ')')]);
}

/** `(a: A, b: B): R => value`, laid out as Prettier lays out an arrow function. */
function arrowFunction(params: readonly { name: string; type: TypeExpr }[], result: string, value: Doc): Doc {
  const only = params.length === 1 ? params[0]! : undefined;
  const signature =
    only !== undefined && only.type.kind === 'object'
      ? ['(', only.name, ': ', typeDoc(only.type, 'hug'), ')', ': ', result]
      : [parameterList(params.map((p) => [p.name, ': ', typeDoc(p.type)])), ': ', result];
  return group([group(signature), ' =>', group([' ', value])]);
}
