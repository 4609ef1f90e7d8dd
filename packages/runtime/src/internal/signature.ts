/**
 * The caller signature of internal calls: `x-specfirst-signature: v1=<hex HMAC-SHA256(key,
 * caller + "\n" + callee + "\n" + METHOD + "\n" + path-with-query + "\n" + timestamp + "\n" + nonce)>`,
 * with `x-specfirst-caller`, `x-specfirst-timestamp` (ms since the epoch) and `x-specfirst-nonce`
 * (32 hex digits, new for every attempt). The key is the edge's (`SPECFIRST_KEY_<CALLER>_TO_<CALLEE>`),
 * which only that caller and that callee hold.
 *
 * The body is not signed: within the guard's skew window, a party that can intercept a signed call
 * *before* it arrives could send its headers with another body. The callee's replay cache refuses
 * a signature it has seen, so a call that arrived cannot be sent again (see the runtime README).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { CALLER_HEADERS } from '@specfirst/spec-core/connectivity';

/** The header carrying a call's nonce: what makes two identical calls in one millisecond two signatures. */
export const NONCE_HEADER = 'x-specfirst-nonce';

/** A nonce as the internal clients make them. */
export const NONCE_PATTERN = /^[0-9a-f]{32}$/;

/** What a signature covers. `target` is the request target as sent: path and query (`/api/users/7?x=1`). */
export interface SignedCall {
  caller: string;
  callee: string;
  method: string;
  target: string;
  timestamp: number;
  nonce: string;
}

const VERSION = 'v1=';

function mac(key: string, call: SignedCall): Buffer {
  return createHmac('sha256', key)
    .update(
      `${call.caller}\n${call.callee}\n${call.method.toUpperCase()}\n${call.target}\n${call.timestamp}\n${call.nonce}`,
    )
    .digest();
}

/** A fresh nonce for one attempt. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The four caller headers of a call signed with `key`. */
export function signCall(key: string, call: SignedCall): Record<string, string> {
  return {
    [CALLER_HEADERS.caller]: call.caller,
    [CALLER_HEADERS.timestamp]: String(call.timestamp),
    [NONCE_HEADER]: call.nonce,
    [CALLER_HEADERS.signature]: `${VERSION}${mac(key, call).toString('hex')}`,
  };
}

/** Does `signature` (the header's value) prove that the holder of `key` signed `call`? Constant time in the signature. */
export function verifyCall(key: string, call: SignedCall, signature: string | undefined): boolean {
  if (signature === undefined || !signature.startsWith(VERSION)) return false;
  const hex = signature.slice(VERSION.length);
  if (!/^[0-9a-f]{64}$/.test(hex)) return false;
  return timingSafeEqual(Buffer.from(hex, 'hex'), mac(key, call));
}

/**
 * The signatures a callee has accepted within the skew window, so that none is accepted twice.
 * Per process (each replica keeps its own: a replay sent to another replica is caught only by the
 * skew window), and bounded: past `capacity` live entries, new signed calls are refused until old
 * ones expire. Only verified signatures enter it, so only a genuine caller can fill it.
 */
export class ReplayCache {
  private readonly seen = new Map<string, number>();
  /** No entry expires before this: a full cache is swept again only from then on. */
  private earliest = 0;

  constructor(readonly capacity: number) {}

  /**
   * Remembers `signature` until `expiresAt` (ms since the epoch). Answers `'replay'` if it is
   * already remembered, `'full'` if there is no room, else `'fresh'`.
   */
  admit(signature: string, expiresAt: number, now: number): 'fresh' | 'replay' | 'full' {
    const known = this.seen.get(signature);
    if (known !== undefined && known >= now) return 'replay';
    if (this.seen.size >= this.capacity && now > this.earliest) this.prune(now);
    if (this.seen.size >= this.capacity) return 'full';
    this.seen.set(signature, expiresAt);
    return 'fresh';
  }

  /** Live entries (for tests and metrics). */
  get size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const [signature, expiresAt] of this.seen) {
      if (expiresAt < now) this.seen.delete(signature);
      else earliest = Math.min(earliest, expiresAt);
    }
    this.earliest = earliest;
  }
}
