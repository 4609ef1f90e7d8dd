/**
 * Calls between the shop's services: each runs its generated internal clients (generated/internal/)
 * and the caller guard with the keys of the settings, given explicitly (their `env` option) rather
 * than through `process.env`, so that the whole shop in one process needs no global state.
 */
import type { CallerGuardOptions, InternalClientOptions } from '@specfirst/runtime/internal';
import { internalKeyEnv } from '@specfirst/spec-core/connectivity';
import { keysEnv, type ServiceName, type Settings } from './settings.js';

/**
 * What `caller`'s internal client of `callee` is made with: where the callee answers (a peer's
 * origin; without one, its `<CALLEE>_URL`, then the deployment files' host) and the edge's key.
 * Without it the calls would be refused by the callee's guard: the caller does not start.
 */
export function internalClientOptions(
  settings: Settings,
  caller: ServiceName,
  callee: ServiceName,
  baseUrl: string | undefined,
  options: Omit<InternalClientOptions, 'env' | 'baseUrl' | 'key'> = {},
): InternalClientOptions {
  const variable = internalKeyEnv(caller, callee);
  const key = settings.keys[variable];
  if (key === undefined) {
    throw new Error(
      `${caller} calls ${callee}: set ${variable}, the key it signs those calls with (${callee} holds the same)`,
    );
  }
  return { ...options, env: keysEnv(settings), key, ...(baseUrl === undefined ? {} : { baseUrl }) };
}

/**
 * The caller guard of `service` (RouterOptions.callerGuard): a call that says it is from another
 * service is let through only when signed with that edge's key and when spec/services.yaml
 * declares the edge; a refusal (403) names the line to add. Requests from outside name no caller
 * and go on to the operation's own security.
 */
export function callerGuard(service: ServiceName, settings: Settings): CallerGuardOptions {
  const only = CALLED_ONLY_BY_SERVICES[service];
  return { service, env: keysEnv(settings), ...(only ? { requireCaller: only } : {}) };
}

/**
 * The operations only other services may call (spec/services.yaml declares their callers and no
 * one outside needs them): a request without a caller identity is refused (403 SFR4408), so a
 * forged call cannot just leave the caller header out.
 */
export const CALLED_ONLY_BY_SERVICES: Partial<Record<ServiceName, readonly string[]>> = {
  billing: ['createInvoice'],
  orders: ['purgeCarts'],
};
