/**
 * Calls between the shop's services: each runs its generated internal clients (generated/internal/)
 * and the caller guard with the keys of the settings, given explicitly (their `env` option) rather
 * than through `process.env`, so that the whole shop in one process needs no global state.
 */
import type { CallerGuardOptions, InternalClientOptions } from '@specfirst/runtime/internal';
import { internalKeyEnv } from '@specfirst/spec-core/connectivity';
import { keysEnv, type ServiceName, type Settings } from './settings.js';

/**
 * What the internal clients of `caller` are made with: where the callee answers (a peer's origin;
 * without one, its `<CALLEE>_URL`, then the deployment files' host) and the caller's key. Without
 * its key a caller's calls would go unsigned, as outside traffic: it does not start.
 */
export function internalClientOptions(
  settings: Settings,
  caller: ServiceName,
  baseUrl: string | undefined,
  options: Omit<InternalClientOptions, 'env' | 'baseUrl' | 'key'> = {},
): InternalClientOptions {
  const key = settings.keys[caller];
  if (key === undefined) {
    throw new Error(
      `${caller} calls other services: set ${internalKeyEnv(caller)}, the key it signs its calls with (the services it calls hold the same)`,
    );
  }
  return { ...options, env: keysEnv(settings), key, ...(baseUrl === undefined ? {} : { baseUrl }) };
}

/**
 * The caller guard of `service` (RouterOptions.callerGuard): a call that says it is from another
 * service is let through only when signed with that service's key and when spec/services.yaml
 * declares the edge; a refusal (403) names the line to add. Requests from outside name no caller
 * and go on to the operation's own security.
 */
export function callerGuard(service: ServiceName, settings: Settings): CallerGuardOptions {
  return { service, env: keysEnv(settings) };
}
