import type { IROperation, IRResponse } from '@specfirst/spec-core';
import { docComment, indent, propertyKey } from './ts.js';
import { replyHelpers, resultType } from '../names.js';
import { typeOf, type TypeNaming } from './types.js';

/** Reply helper names: `createUserReply.created(user)` reads better than `.status201(user)`. */
const STATUS_NAMES: Record<number, string> = {
  200: 'ok', 201: 'created', 202: 'accepted', 203: 'nonAuthoritative', 204: 'noContent', 205: 'resetContent', 206: 'partialContent',
  300: 'multipleChoices', 301: 'movedPermanently', 302: 'found', 303: 'seeOther', 304: 'notModified', 307: 'temporaryRedirect', 308: 'permanentRedirect',
  400: 'badRequest', 401: 'unauthorized', 402: 'paymentRequired', 403: 'forbidden', 404: 'notFound', 405: 'methodNotAllowed', 406: 'notAcceptable',
  408: 'requestTimeout', 409: 'conflict', 410: 'gone', 411: 'lengthRequired', 412: 'preconditionFailed', 413: 'contentTooLarge', 415: 'unsupportedMediaType',
  416: 'rangeNotSatisfiable', 417: 'expectationFailed', 418: 'imATeapot', 421: 'misdirectedRequest', 422: 'unprocessableContent', 423: 'locked', 424: 'failedDependency',
  425: 'tooEarly', 426: 'upgradeRequired', 428: 'preconditionRequired', 429: 'tooManyRequests', 431: 'requestHeaderFieldsTooLarge', 451: 'unavailableForLegalReasons',
  500: 'internalServerError', 501: 'notImplemented', 502: 'badGateway', 503: 'serviceUnavailable', 504: 'gatewayTimeout',
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
    const ranges = op.responses.map((r) => r.status).filter((s): s is `${1 | 2 | 3 | 4 | 5}XX` => typeof s === 'string' && s !== 'default');
    const covered = [...exact.map(String), ...ranges.map((r) => `$sf.Status${r}`)];
    return covered.length === 0 ? '$sf.HttpStatus' : `Exclude<$sf.HttpStatus, ${covered.join(' | ')}>`;
  }
  const inRange = exact.filter((s) => Math.floor(s / 100) === Number(status[0]));
  return inRange.length === 0 ? `$sf.Status${status}` : `Exclude<$sf.Status${status}, ${inRange.join(' | ')}>`;
}

function headersType(response: IRResponse, naming: TypeNaming): { type: string; required: boolean } | undefined {
  if (response.headers.length === 0) return undefined;
  // An optional header may be given as `undefined` (the runtime leaves it out), which keeps
  // controllers simple under exactOptionalPropertyTypes.
  const members = response.headers.map((h) => `${docComment([h.description])}${propertyKey(h.name)}${h.required ? '' : '?'}: ${typeOf(h.schema, naming)}${h.required ? '' : ' | undefined'};`);
  return { type: `{\n${indent(members.join('\n'))}\n}`, required: response.headers.some((h) => h.required) };
}

/** One member of the result union: `{ status: 201; body: M.User }`. */
function resultMember(response: IRResponse, op: IROperation, naming: TypeNaming): string {
  const parts = [`status: ${statusType(response.status, op)};`];
  if (response.schema) parts.push(`body: ${typeOf(response.schema, naming)};`);
  const headers = headersType(response, naming);
  if (headers) parts.push(`headers${headers.required ? '' : '?'}: ${headers.type};`);
  return `{\n${indent(parts.join('\n'))}\n}`;
}

/** The union a controller method returns, discriminated on `status`. */
export function emitResultType(op: IROperation, naming: TypeNaming): string {
  const members = op.responses.map((r) => resultMember(r, op, naming));
  const doc = docComment([`What \`${op.identifier}\` answers: one of its declared responses.`]);
  if (members.length === 0) return `${doc}export type ${resultType(op)} = never;\n`;
  return `${doc}export type ${resultType(op)} =\n${members.map((m) => indent(`| ${m}`)).join('\n')};\n`;
}

/** `createUserReply.created(body)`: per-status constructors of the result. */
export function emitReplyHelpers(op: IROperation, naming: TypeNaming): string {
  const result = resultType(op);
  const lines: string[] = [];
  for (const response of op.responses) {
    const args: string[] = [];
    const fields: string[] = [];
    const fixed = typeof response.status === 'number';
    if (!fixed) args.push(`status: ${statusType(response.status, op)}`);
    fields.push(fixed ? `status: ${response.status}` : 'status');
    if (response.schema) {
      args.push(`body: ${typeOf(response.schema, naming)}`);
      fields.push('body');
    }
    const headers = headersType(response, naming);
    let value = `({ ${fields.join(', ')} })`;
    if (headers) {
      args.push(`headers${headers.required ? '' : '?'}: ${headers.type.replace(/\n\s*/g, ' ')}`);
      value = headers.required ? `({ ${fields.join(', ')}, headers })` : `(headers === undefined ? { ${fields.join(', ')} } : { ${fields.join(', ')}, headers })`;
    }
    lines.push(`${docComment([`${response.status}: ${response.description}`])}${replyName(response.status)}: (${args.join(', ')}): ${result} => ${value},`);
  }
  const doc = docComment([`Builds each declared response of \`${op.identifier}\`.`]);
  return `${doc}export const ${replyHelpers(op)} = {\n${indent(lines.join('\n'))}\n};\n`;
}
