/**
 * copyData: the copy of job data the producer validates and the worker hands its handler. It must
 * give what structuredClone gives (the caller's and the job's own data untouched by the validator's
 * defaults), and fail where it fails.
 */
import { describe, expect, it } from 'vitest';
import { copyData } from '../../src/tasks/data-copy.js';

describe('copyData', () => {
  const plain: [string, unknown][] = [
    ['a string', 'receipt'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['a flat object', { orderId: 'o-1', email: 'a@example.com' }],
    [
      'nested objects and arrays',
      { lines: [{ sku: 'x', qty: 2, tags: ['a', 'b'] }], meta: { paid: true, note: null } },
    ],
    ['a member that is undefined', { a: undefined, b: 1 }],
    ['an empty array', []],
  ];
  it.each(plain)('%s: equal to structuredClone’s copy, sharing no object with the original', (_, value) => {
    const copied = copyData(value);
    expect(copied).toStrictEqual(structuredClone(value));
    if (typeof value === 'object' && value !== null) {
      expect(copied).not.toBe(value);
      (copied as Record<string, unknown>).added = 'default';
      expect(value).not.toHaveProperty('added');
    }
  });

  it('copies deep members: a change to the copy leaves the original as it was', () => {
    const original = { lines: [{ qty: 1 }] };
    const copied = copyData(original);
    copied.lines[0]!.qty = 9;
    expect(original).toEqual({ lines: [{ qty: 1 }] });
  });

  it('keeps a `__proto__` member (as JSON.parse makes it) a member, never the prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const copied = copyData(parsed);
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect((copied as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(copied)).toEqual(['__proto__', 'a']);
    expect(copied.__proto__).toEqual({ polluted: true });
  });

  const special: [string, unknown][] = [
    ['a Date', { at: new Date(0) }],
    ['a Map', { index: new Map([['a', 1]]) }],
    ['a typed array', { bytes: new Uint8Array([1, 2]) }],
  ];
  it.each(special)('%s: copied as structuredClone copies it', (_, value) => {
    expect(copyData(value)).toStrictEqual(structuredClone(value));
  });

  it('a cycle: copied whole by structuredClone, the cycle kept', () => {
    const cyclic: { name: string; self?: unknown } = { name: 'loop' };
    cyclic.self = cyclic;
    const copied = copyData(cyclic) as typeof cyclic;
    expect(copied).not.toBe(cyclic);
    expect(copied.self).toBe(copied);
  });

  it.each<[string, unknown]>([
    ['a function', { send: () => undefined }],
    ['a symbol', { tag: Symbol('x') }],
  ])('%s: fails as structuredClone fails (DataCloneError)', (_, value) => {
    expect(() => copyData(value)).toThrow(expect.objectContaining({ name: 'DataCloneError' }) as Error);
  });
});
