/**
 * Bearer tokens: `<claims>.<signature>`, the claims as base64url JSON signed with HMAC-SHA256. Users
 * issues them at sign-in; orders checks them with the same secret, without calling users.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Customer } from './principals.js';

interface Claims extends Customer {
  /** Expiry, in milliseconds since the epoch. */
  exp: number;
}

const sign = (payload: string, secret: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export function issueToken(customer: Customer, expiresAt: Date, secret: string): string {
  const claims: Claims = { ...customer, exp: expiresAt.getTime() };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${sign(payload, secret)}`;
}

/** The customer a `Bearer` header proves, or null (no header, a forged or an expired token). */
export function customerOf(authorization: string | undefined, secret: string, now = Date.now()): Customer | null {
  const match = /^Bearer ([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
  if (!match) return null;
  const [, payload = '', signature = ''] = match;
  const expected = Buffer.from(sign(payload, secret));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Claims;
  return claims.exp > now ? { userId: claims.userId, role: claims.role } : null;
}

/** A header compared in constant time (API keys, internal tokens). */
export function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
