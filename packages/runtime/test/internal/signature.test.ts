import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReplayCache, signCall, verifyCall, type SignedCall } from '../../src/internal/signature.js';

const call: SignedCall = {
  caller: 'orders',
  callee: 'users',
  method: 'get',
  target: '/api/users/7?expand=a',
  timestamp: 1_765_000_000_000,
  nonce: '0123456789abcdef0123456789abcdef',
};

describe('the caller signature', () => {
  it('is v1=<hex HMAC-SHA256(key, caller \\n callee \\n METHOD \\n target \\n timestamp \\n nonce)> with the caller, timestamp and nonce headers', () => {
    const expected = createHmac('sha256', 'k')
      .update('orders\nusers\nGET\n/api/users/7?expand=a\n1765000000000\n0123456789abcdef0123456789abcdef')
      .digest('hex');
    expect(signCall('k', call)).toEqual({
      'x-specfirst-caller': 'orders',
      'x-specfirst-timestamp': '1765000000000',
      'x-specfirst-nonce': '0123456789abcdef0123456789abcdef',
      'x-specfirst-signature': `v1=${expected}`,
    });
  });

  const good = signCall('k', call)['x-specfirst-signature']!;
  it.each<[string, string, SignedCall, string | undefined, boolean]>([
    ['the same call and key', 'k', call, good, true],
    ['the method in any case', 'k', { ...call, method: 'GET' }, good, true],
    ['another key', 'k2', call, good, false],
    ['another caller', 'k', { ...call, caller: 'mailer' }, good, false],
    ['another callee', 'k', { ...call, callee: 'billing' }, good, false],
    ['another nonce', 'k', { ...call, nonce: 'f'.repeat(32) }, good, false],
    ['another method', 'k', { ...call, method: 'DELETE' }, good, false],
    ['another path', 'k', { ...call, target: '/api/users/8?expand=a' }, good, false],
    ['another query', 'k', { ...call, target: '/api/users/7' }, good, false],
    ['another timestamp', 'k', { ...call, timestamp: call.timestamp + 1 }, good, false],
    ['no signature', 'k', call, undefined, false],
    ['another version', 'k', call, good.replace('v1=', 'v2='), false],
    ['a truncated signature', 'k', call, good.slice(0, -2), false],
    ['upper-case hex', 'k', call, `v1=${good.slice(3).toUpperCase()}`, false],
    // Node's hex decoder stops at the first character that is not hex: the whole value must be the 64 digits.
    ['the right digits followed by more', 'k', call, `${good}zz`, false],
    ['the right digits followed by more hex', 'k', call, `${good}00`, false],
    ['the right digits after something else', 'k', call, `v1=zz${good.slice(3)}`, false],
  ])('verifies %s: %s', (_, key, signed, signature, valid) => {
    expect(verifyCall(key, signed, signature)).toBe(valid);
  });
});

describe('the replay cache', () => {
  it.each<[string, [string, number, number][], ('fresh' | 'replay' | 'full')[]]>([
    [
      'a new signature is fresh, the same again a replay',
      [
        ['a', 100, 0],
        ['a', 100, 50],
      ],
      ['fresh', 'replay'],
    ],
    [
      'a signature whose entry expired is fresh again',
      [
        ['a', 100, 0],
        ['a', 300, 200],
      ],
      ['fresh', 'fresh'],
    ],
    [
      'full: refuses a new one while none expired',
      [
        ['a', 100, 0],
        ['b', 100, 10],
        ['c', 100, 20],
      ],
      ['fresh', 'fresh', 'full'],
    ],
    [
      'full: makes room once entries expired',
      [
        ['a', 100, 0],
        ['b', 100, 10],
        ['c', 300, 150],
      ],
      ['fresh', 'fresh', 'fresh'],
    ],
  ])('%s', (_, admissions, answers) => {
    const cache = new ReplayCache(2);
    expect(admissions.map(([signature, expiresAt, now]) => cache.admit(signature, expiresAt, now))).toEqual(answers);
    expect(cache.size).toBeLessThanOrEqual(2);
  });
});
