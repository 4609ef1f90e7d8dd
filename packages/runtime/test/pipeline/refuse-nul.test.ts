import { describe, expect, it } from 'vitest';
import { NUL_MESSAGE, nulFailures } from '../../src/pipeline/refuse-nul.js';

/** The refuse-NUL check: every string and key of every part, in document order, bounded. */
describe('nulFailures', () => {
  const NUL = '\u0000';
  const cases: [string, Parameters<typeof nulFailures>[0], string[]][] = [
    [
      'nothing to refuse',
      { params: { slug: 'a' }, query: { n: 5, on: true }, headers: {}, body: { a: ['b', null] } },
      [],
    ],
    ['no body at all', { params: {}, query: {}, headers: {}, body: undefined }, []],
    ['a path parameter', { params: { slug: `a${NUL}b` } }, ['/params/slug']],
    ['a query parameter, repeated', { query: { tag: ['ok', NUL] } }, ['/query/tag/1']],
    ['a header parameter', { headers: { 'X-Name': NUL } }, ['/headers/X-Name']],
    ['a body that is a string', { body: `text${NUL}` }, ['/body']],
    ['a nested field', { body: { user: { bio: `x${NUL}`, name: 'ok' } } }, ['/body/user/bio']],
    ['an array item', { body: { tagList: ['a', 'b', NUL] } }, ['/body/tagList/2']],
    ['a key, not looked into further', { body: { [`k${NUL}`]: { deeper: NUL } } }, [`/body/k${NUL}`]],
    ['a key that needs escaping in the pointer', { body: { 'a/b~c': NUL } }, ['/body/a~1b~0c']],
    [
      'every part, in document order',
      { params: { id: NUL }, query: { q: NUL }, body: { b: [NUL, { c: NUL }], d: NUL } },
      ['/params/id', '/query/q', '/body/b/0', '/body/b/1/c', '/body/d'],
    ],
    ['bytes are not text', { body: Buffer.from([0, 1, 0]) }, []],
    ['numbers, booleans and null', { body: [0, false, null, 1.5] }, []],
  ];
  it.each(cases)('%s', (_name, parts, pointers) => {
    expect(nulFailures(parts, 10)).toEqual(pointers.map((pointer) => ({ pointer, message: NUL_MESSAGE })));
  });

  it('stops at the limit', () => {
    const failures = nulFailures({ body: Array.from({ length: 1000 }, () => NUL) }, 3);
    expect(failures.map((f) => f.pointer)).toEqual(['/body/0', '/body/1', '/body/2']);
  });

  it('walks any depth without overflowing the stack', () => {
    let deep: unknown = NUL;
    for (let i = 0; i < 200_000; i++) deep = i % 2 === 0 ? [deep] : { a: deep };
    const [failure] = nulFailures({ body: deep }, 10);
    expect(failure?.pointer.startsWith('/body/a/0/a/0')).toBe(true);
    expect(failure?.pointer.split('/')).toHaveLength(200_002);
  });

  it('walks any width without overflowing the stack: an object of 200,000 keys, NUL in the last', () => {
    const wide: Record<string, string> = {};
    for (let i = 0; i < 200_000; i++) wide[`k${i}`] = i === 199_999 ? `x${NUL}` : 'x';
    expect(nulFailures({ body: wide }, 10)).toEqual([{ pointer: '/body/k199999', message: NUL_MESSAGE }]);
  });
});
