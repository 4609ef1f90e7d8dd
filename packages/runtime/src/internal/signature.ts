/**
 * The caller signature of internal calls: `x-specfirst-signature: v1=<hex HMAC-SHA256(key,
 * caller + "\n" + METHOD + "\n" + path-with-query + "\n" + timestamp)>`, with `x-specfirst-caller`
 * and `x-specfirst-timestamp` (ms since the epoch). The key is the caller's
 * (`SPECFIRST_KEY_<CALLER>`); a callee is given the keys of its declared callers only.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CALLER_HEADERS } from '@specfirst/spec-core/connectivity';

/** What a signature covers. `target` is the request target as sent: path and query (`/api/users/7?x=1`). */
export interface SignedCall {
  caller: string;
  method: string;
  target: string;
  timestamp: number;
}

const VERSION = 'v1=';

function mac(key: string, call: SignedCall): Buffer {
  return createHmac('sha256', key)
    .update(`${call.caller}\n${call.method.toUpperCase()}\n${call.target}\n${call.timestamp}`)
    .digest();
}

/** The three caller headers of a call signed with `key`. */
export function signCall(key: string, call: SignedCall): Record<string, string> {
  return {
    [CALLER_HEADERS.caller]: call.caller,
    [CALLER_HEADERS.timestamp]: String(call.timestamp),
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
