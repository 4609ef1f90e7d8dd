import { describe, expect, it } from 'vitest';
import { didYouMean, isIdentifier, toCamelCase, toFileName, toPascalCase } from '../src/index.js';
import { firstFreeName, importedMethodIdentifiers, methodIdentifierFor } from '../src/util/names.js';

describe('name conversions', () => {
  it.each([
    ['User and Authentication', 'UserAndAuthentication', 'userAndAuthentication', 'user-and-authentication'],
    ['order-items', 'OrderItems', 'orderItems', 'order-items'],
    ['HTTPServer', 'HTTPServer', 'httpServer', 'http-server'],
    ['getUserByID', 'GetUserByID', 'getUserByID', 'get-user-by-id'],
    ['../../etc/passwd', 'EtcPasswd', 'etcPasswd', 'etc-passwd'],
    ['list-data-sets', 'ListDataSets', 'listDataSets', 'list-data-sets'],
  ])('%s → %s / %s / %s', (input, pascal, camel, file) => {
    expect(toPascalCase(input)).toBe(pascal);
    expect(toCamelCase(input)).toBe(camel);
    expect(toFileName(input)).toBe(file);
  });

  it('knows reserved words are not identifiers', () => {
    expect(isIdentifier('delete')).toBe(false);
    expect(isIdentifier('deleteUser')).toBe(true);
    expect(isIdentifier('2fa')).toBe(false);
  });

  it('suggests the closest name, a name extended from it, or lists the known ones', () => {
    expect(didYouMean('Usr', ['User', 'Order'], 'model')).toBe('did you mean `User`?');
    expect(didYouMean('readOnly', ['readonly', 'optional'], 'key')).toBe('did you mean `readonly`?');
    expect(didYouMean('getUser', ['getUserById', 'listUsers'], 'operation')).toBe('did you mean `getUserById`?');
    expect(didYouMean('zzz', ['User', 'Order'], 'model')).toBe('known models: `Order`, `User`');
    expect(didYouMean('x', [], 'model')).toBe('no model is defined');
  });
});

describe('method names of imported operations', () => {
  it.each<[string, string[], (string | undefined)[]]>([
    ['safe names are kept', ['getUser', 'list-pets'], ['getUser', 'listPets']],
    ['a reserved word takes the first free number', ['delete', 'new', 'default'], ['delete2', 'new2', 'default2']],
    [
      'a member of every object takes one too',
      ['constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'],
      ['constructor2', 'toString2', 'hasOwnProperty2', 'valueOf2', 'isPrototypeOf2'],
    ],
    ['a number a safe name holds is skipped, wherever it comes', ['delete', 'delete2'], ['delete3', 'delete2']],
    ['two that camel-case alike are numbered in order', ['delete', 'Delete'], ['delete2', 'delete3']],
    ['`__proto__` camel-cases to a safe name', ['__proto__'], ['proto']],
    ['safe names that camel-case alike: the first keeps it', ['get-user', 'getUser'], ['getUser', 'getUser2']],
    ['… in either order', ['getUser', 'get-user', 'GetUser'], ['getUser', 'getUser2', 'getUser3']],
    ['`__proto__` beside `proto`', ['__proto__', 'proto'], ['proto', 'proto2']],
    ['`proto` beside `__proto__`', ['proto', '__proto__'], ['proto', 'proto2']],
    [
      'a number a later name holds is skipped',
      ['getUser', 'get-user', 'getUser2'],
      ['getUser', 'getUser3', 'getUser2'],
    ],
    [
      'a number an earlier numbered name took is skipped',
      ['delete', 'Delete', 'delete3'],
      ['delete2', 'delete4', 'delete3'],
    ],
    ['the same operationId twice is numbered too (SF3001 reports it)', ['getUser', 'getUser'], ['getUser', 'getUser2']],
    ['no leading letter: no name', ['123', ''], [undefined, undefined]],
  ])('%s', (_case, operationIds, expected) => {
    expect(importedMethodIdentifiers(operationIds)).toEqual(expected);
  });

  it('our own format still refuses members of every object, and keeps reserved words', () => {
    expect(['constructor', 'toString', 'isPrototypeOf', 'delete', 'new'].map(methodIdentifierFor)).toEqual([
      undefined,
      undefined,
      undefined,
      'delete',
      'new',
    ]);
  });

  it('firstFreeName numbers from 2 upwards, and keeps a free name', () => {
    const taken = new Set(['User', 'User2']);
    expect(firstFreeName('User', (n) => taken.has(n))).toBe('User3');
    expect(firstFreeName('Pet', (n) => taken.has(n))).toBe('Pet');
  });
});
