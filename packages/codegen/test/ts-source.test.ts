import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { print } from '../src/emit/doc.js';
import { comment, literal, propertyKey, str } from '../src/emit/ts.js';
import { REPO_ROOT } from './support/project.js';

const options = { ...(await prettier.resolveConfig(path.join(REPO_ROOT, 'x.ts'))), filepath: 'generated.ts' };

/**
 * How spec text reaches generated TypeScript: as literals, property names and doc comments that
 * no name, description or enum value can break out of.
 */
describe('string literals', () => {
  it.each([
    ['plain', 'plain', "'plain'"],
    ['a double quote', 'say "hi"', `'say "hi"'`],
    ['an apostrophe', "it's", `"it's"`],
    ['more apostrophes than quotes', `'a' "b" 'c'`, `"'a' \\"b\\" 'c'"`],
    ['as many of each', `'a' "b"`, `'\\'a\\' "b"'`],
    ['a backslash', 'a\\b', "'a\\\\b'"],
    ['a newline', 'line\nbreak', "'line\\nbreak'"],
    ['the line terminators JSON leaves raw', '\u2028\u2029', "'\\u2028\\u2029'"],
    ['a template placeholder', '${x}', "'${x}'"],
  ])('%s', async (_name, value, expected) => {
    expect(str(value)).toBe(expected);
    // The literal means the value, and is what the formatter writes for it.
    expect(eval(expected)).toBe(value);
    expect(await prettier.format(`x = ${expected};\n`, options)).toBe(`x = ${expected};\n`);
  });
});

describe('literal types for JSON scalars', () => {
  it.each<[string, unknown, string]>([
    ['a string', 'low', "'low'"],
    ['an integer', 42, '42'],
    ['a negative fraction', -1.5, '-1.5'],
    ['zero', 0, '0'],
    ['a number JSON cannot hold, as the type of all numbers', Infinity, 'number'],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['null', null, 'null'],
    ['an object, which no literal type spells', { a: 1 }, 'unknown'],
    ['an array', [1], 'unknown'],
    ['undefined', undefined, 'unknown'],
  ])('%s', (_name, value, expected) => {
    expect(literal(value)).toBe(expected);
  });
});

describe('property names', () => {
  it.each([
    ['an identifier stays bare', 'createdAt', 'createdAt'],
    ['so do $ and _', '$ref_1', '$ref_1'],
    ['a dash is quoted', 'X-Next-Cursor', "'X-Next-Cursor'"],
    ['a leading digit is quoted', '1st', "'1st'"],
    ['a space is quoted', 'with space', "'with space'"],
    ['the empty name is quoted', '', "''"],
    ['a quote inside is escaped', "it's", `"it's"`],
    ['code in a name stays a string', "'];process.exit(1);//", `"'];process.exit(1);//"`],
  ])('%s', (_name, name, expected) => {
    expect(propertyKey(name)).toBe(expected);
  });
});

describe('doc comments', () => {
  it.each<[string, (string | undefined)[], string]>([
    ['nothing to say, no comment', [undefined, '', '  '], 'x\n'],
    ['one line', ['Creates a user.'], '/** Creates a user. */\nx\n'],
    ['one line, trimmed', ['  padded  '], '/** padded */\nx\n'],
    ['paragraphs, a blank line between', ['Summary.', 'Details.'], '/**\n * Summary.\n *\n * Details.\n */\nx\n'],
    ['a line break inside a description', ['first\nsecond'], '/**\n * first\n * second\n */\nx\n'],
    ['Windows line ends', ['first\r\nsecond\rthird'], '/**\n * first\n * second\n * third\n */\nx\n'],
    ['the line terminators JavaScript reads as line ends', ['a\u2028b\u2029c'], '/**\n * a\n * b\n * c\n */\nx\n'],
    [
      'a star-slash cannot end the comment',
      ['closes */ console.log(1) /*'],
      '/** closes *\\/ console.log(1) /* */\nx\n',
    ],
    ['trailing spaces go, indentation stays', ['code:\n    indented   '], '/**\n * code:\n *     indented\n */\nx\n'],
  ])('%s', (_name, lines, expected) => {
    expect(print([comment(lines), 'x'])).toBe(expected);
  });
});
