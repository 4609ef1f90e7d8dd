import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { isRowId } from '../db/database.js';

/** What a valid token says about its bearer: who, and which of their keys it was issued under. */
export interface TokenClaims {
  userId: number;
  /** The user's `token_key` when the token was issued; it must still be theirs (see migrations). */
  key: string;
}

export interface Tokens {
  issue(claims: TokenClaims): Promise<string>;
  /**
   * The claims of a valid token signed by this service: unexpired, with an expiry (a token without
   * one would be good forever), and a subject that can be a user's id; undefined otherwise.
   */
  verify(token: string): Promise<TokenClaims | undefined>;
}

const ISSUER = 'conduit';

/**
 * HS256 JWTs. Without a configured secret, one is drawn per process: tokens then stop working
 * at restart, which is what an in-memory demo wants and a deployment must not (set JWT_SECRET).
 */
export function createTokens(secret: string | undefined, lifetime = '30d'): Tokens {
  const signingKey = secret ? new TextEncoder().encode(secret) : new Uint8Array(randomBytes(32));
  return {
    async issue({ userId, key }) {
      return new SignJWT({ key })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(userId))
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(lifetime)
        .sign(signingKey);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, signingKey, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          requiredClaims: ['exp', 'sub'],
        });
        // Decimal digits only: `Number` would also read ' 7', '0x7' and '7e0' as 7.
        const userId = /^[1-9]\d{0,9}$/.test(payload.sub ?? '') ? Number(payload.sub) : NaN;
        const key = payload['key'];
        return isRowId(userId) && typeof key === 'string' ? { userId, key } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** The token of an `Authorization: Token <jwt>` header, as RealWorld specifies it. */
export function tokenFromHeader(header: string | undefined): string | undefined {
  const match = /^Token\s+(\S+)\s*$/.exec(header ?? '');
  return match?.[1];
}

/** A fresh key for a user's tokens. */
export function newTokenKey(): string {
  return randomBytes(16).toString('base64url');
}
