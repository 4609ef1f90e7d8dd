import { describe, expect, it } from 'vitest';
import { didYouMean, isIdentifier, toCamelCase, toFileName, toPascalCase } from '../src/index.js';

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
