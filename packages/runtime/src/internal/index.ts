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
