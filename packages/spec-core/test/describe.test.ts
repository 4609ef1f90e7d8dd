import { describe, expect, it } from 'vitest';
import { describeContext, describeValue } from '../src/diagnostics/describe.js';

describe('describeValue', () => {
  it.each([
    [null, 'null'],
    [undefined, 'nothing'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    ['strin', 'the string "strin"'],
    ['x'.repeat(41), `the string "${'x'.repeat(40)}…"`],
    [3, 'number 3'],
    [true, 'boolean true'],
  ])('%j reads %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });
});

describe('describeContext', () => {
  it.each([
    ['', ' at the top level'],
    ['/services/users/port', ' at services.users.port'],
    ['/paths/~1notes~1{id}/get', ' at paths./notes/{id}.get'],
    ['/a~0b', ' at a~b'],
  ])('%j reads %j', (pointer, expected) => {
    expect(describeContext(pointer)).toBe(expected);
  });
});
