/**
 * The wording of messages (src/suggest.ts): which name a "did you mean" hint offers for a
 * misspelt one, when it lists the known names instead, and counts. Every package words its
 * messages with these, so each rule is a row here.
 */
import { describe, expect, it } from 'vitest';
import { didYouMean, plural } from '../src/index.js';
import { editDistance } from '../src/diagnostics/suggest.js';

describe('editDistance', () => {
  it.each([
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['NewUser', 'User', 3],
    ['User', 'User', 0],
    // A wrong case is a typo too: one edit, however many letters differ in case.
    ['readOnly', 'readonly', 1],
    ['USER', 'user', 1],
  ])('%j to %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('didYouMean', () => {
  it.each<[string, string, string[], string]>([
    // How far a suggestion may be grows with the word: one edit up to 5 letters, two from 6, three from 9.
    ['one edit, 4 letters', 'Ordr', ['Order', 'User'], 'did you mean `Order`?'],
    ['two edits, 5 letters: too far', 'Odrer', ['Order', 'User'], 'known models: `Order`, `User`'],
    ['two edits, 3 letters: too far', 'Usx', ['User', 'Order'], 'known models: `Order`, `User`'],
    ['two edits, 6 letters', 'Custmr', ['Customer', 'Order'], 'did you mean `Customer`?'],
    ['three edits, 7 letters: too far', 'Shpmnts', ['Shipment', 'Order'], 'known models: `Order`, `Shipment`'],
    ['three edits, 10 letters', 'PaymntMthd', ['PaymentMethod', 'Order'], 'did you mean `PaymentMethod`?'],
    [
      'four edits, 9 letters: too far',
      'PymntMthd',
      ['PaymentMethod', 'Order'],
      'known models: `Order`, `PaymentMethod`',
    ],
    ['three edits, however long the word', 'NewUser', ['User', 'Order'], 'known models: `Order`, `User`'],
    // Of two equally close names, the first in alphabetical order, whatever order they come in.
    ['a tie, in order', 'Csr', ['Asr', 'Bsr'], 'did you mean `Asr`?'],
    ['a tie, in reverse order', 'Csr', ['Bsr', 'Asr'], 'did you mean `Asr`?'],
    ['the closer of two, though later in order', 'Usrs', ['User', 'Users'], 'did you mean `Users`?'],
    // A name it extends, or one that extends it, however far in edits, when it is the only one.
    ['a longer name', 'get', ['getUser', 'listUsers'], 'did you mean `getUser`?'],
    ['a shorter name', 'getUserById', ['getUser', 'listUsers'], 'did you mean `getUser`?'],
    ['a longer name, in another case', 'GETUSER', ['getUserById', 'listUsers'], 'did you mean `getUserById`?'],
    ['two longer names: neither', 'get', ['getUser', 'getOrder'], 'known models: `getOrder`, `getUser`'],
    ['a longer name of a 2-letter word: too little to go on', 'Us', ['User', 'Order'], 'known models: `Order`, `User`'],
  ])('%s: %j among %j', (_case, word, candidates, hint) => {
    expect(didYouMean(word, candidates, 'model')).toBe(hint);
  });

  const NATO = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf', 'Hotel', 'India', 'Juliett'];

  it.each<[string, string[], string]>([
    ['none', [], 'no model is defined'],
    [
      'eight, all shown, sorted',
      [...NATO.slice(0, 8)].reverse(),
      'known models: `Alpha`, `Bravo`, `Charlie`, `Delta`, `Echo`, `Foxtrot`, `Golf`, `Hotel`',
    ],
    [
      'nine: the first eight and the count',
      NATO.slice(0, 9),
      'known models: `Alpha`, `Bravo`, `Charlie`, `Delta`, `Echo`, `Foxtrot`, `Golf`, `Hotel`, … (9 in all)',
    ],
    [
      'ten',
      [...NATO].reverse(),
      'known models: `Alpha`, `Bravo`, `Charlie`, `Delta`, `Echo`, `Foxtrot`, `Golf`, `Hotel`, … (10 in all)',
    ],
  ])('with nothing close, lists the known names: %s', (_case, candidates, hint) => {
    expect(didYouMean('Zulu', candidates, 'model')).toBe(hint);
  });
});

describe('plural', () => {
  it.each<[number, string, string | undefined, string]>([
    [0, 'file', undefined, '0 files'],
    [1, 'file', undefined, '1 file'],
    [2, 'file', undefined, '2 files'],
    [1, 'stale file', undefined, '1 stale file'],
    [3, 'stale file', undefined, '3 stale files'],
    [0, 'entry', 'entries', '0 entries'],
    [1, 'entry', 'entries', '1 entry'],
    [2, 'entry', 'entries', '2 entries'],
  ])('plural(%i, %j, %j) is %j', (n, word, pluralWord, expected) => {
    expect(plural(n, word, pluralWord)).toBe(expected);
  });
});
