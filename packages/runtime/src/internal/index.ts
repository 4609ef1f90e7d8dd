/**
 * `@specfirst/runtime/internal`: what generated internal clients run on, the call context they pass
 * on, and the caller signature a guarded callee checks.
 */
export type {
  CallContext,
  CallerGuardOptions,
  InternalCallOptions,
  InternalClientOptions,
  InternalClientTable,
} from './types.js';
export type { ClientOperation, ClientResult } from '../client.js';
export { UnexpectedResponseError } from '../client.js';
export {
  createInternalClient,
  INTERNAL_CLIENT_DEFAULTS,
  InternalCallError,
  MAX_INTERNAL_RETRIES,
  type InternalClientMethod,
} from './client.js';
export {
  childTraceparent,
  currentCallContext,
  isValidTraceparent,
  newTraceparent,
  parseTraceparent,
  runInCallContext,
  traceIdOf,
} from './call-context.js';
export { NONCE_HEADER, newNonce, signCall, verifyCall, type SignedCall } from './signature.js';
