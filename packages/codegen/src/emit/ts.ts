/**
 * Writing TypeScript source safely. Every string that comes from a spec reaches generated code
 * through one of these functions, so no name, description or enum value can end a comment,
 * a string or a template and start code.
 */

import { hardline, lines, type Doc } from './doc.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A string literal: JSON's escaping, plus the two line terminators JSON leaves raw. Quoted as the
 * repository's formatter quotes (Prettier, `singleQuote`): in single quotes, unless the text holds
 * more single quotes than double ones.
 */
export function str(value: string): string {
  const json = JSON.stringify(value)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const singles = value.split("'").length - 1;
  const doubles = value.split('"').length - 1;
  if (singles > doubles) return json;
  // JSON escapes `"` and never `'`: swap which of the two is escaped.
  return `'${json.slice(1, -1).replace(/\\(.)|'/g, (match, escaped?: string) => (escaped === '"' ? '"' : escaped !== undefined ? match : "\\'"))}'`;
}

/** A literal type or value for a JSON scalar (enum members, consts). */
export function literal(value: unknown): string {
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'number';
  if (typeof value === 'boolean' || value === null) return String(value);
  return 'unknown';
}

/**
 * A property name in a type or interface. Quoted unless it is a plain identifier; a quoted
 * `"__proto__"` is an ordinary member in a type (only object *literals* give it meaning, and
 * generated code never writes spec names into object literals).
 */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : str(name);
}

/** Text safe inside a block comment: no star-slash can close it early. */
function commentText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u2028\u2029]/g, '\n')
    .replace(/\*\//g, '*\\/');
}

/** A JSDoc block for the given lines (empty when there is nothing to say). */
function docComment(lines: (string | undefined)[]): string {
  const text = lines
    .filter((l): l is string => l !== undefined && l.trim() !== '')
    .map(commentText)
    .join('\n\n');
  if (text === '') return '';
  const body = text.split('\n');
  if (body.length === 1) return `/** ${body[0]!.trim()} */\n`;
  return `/**\n${body.map((l) => ` *${l.trimEnd() === '' ? '' : ` ${l.trimEnd()}`}`).join('\n')}\n */\n`;
}

/** A JSDoc block and the line break after it, as a document: nothing when there is nothing to say. */
export function comment(text: (string | undefined)[]): Doc {
  const block = docComment(text);
  return block === '' ? '' : [lines(block.trimEnd()), hardline];
}
