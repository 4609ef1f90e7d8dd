import { CALLER_HEADERS, internalKeyEnv } from '@specfirst/spec-core/connectivity';
import type { Request } from 'express';
import type { RuntimeErrorCode } from '../errors.js';
import { verifyCall } from '../internal/signature.js';
import type { OperationDefinition } from '../operation.js';
import { next, stop, type SyncStage } from './stage.js';

/** `RouterOptions.callerGuard` after defaults. */
export interface ResolvedCallerGuard {
  env: Readonly<Record<string, string | undefined>>;
  requireCaller: boolean;
  maxSkewMs: number;
  /** The service's own name, for the `services.yaml` line a refusal names; absent: "this service". */
  service: string | undefined;
}

/** The default of `CallerGuardOptions.maxSkewMs`: five minutes, as AWS Signature V4 allows. */
export const DEFAULT_MAX_SKEW_MS = 300_000;

/**
 * The guard's refusals. Not in spec-core's FRAMEWORK_RESPONSES: the guard is a runtime option, so
 * the published documents cannot know whether a deployment turns it on.
 */
const FORBIDDEN = 403;

/** A service name as spec/services.yaml allows it (the caller header of a real internal client). */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * The caller guard stage (with `RouterOptions.callerGuard`), before authentication: a request that
 * says which service sends it (`x-specfirst-caller`) goes on only when its signature holds with
 * that service's key (`SPECFIRST_KEY_<CALLER>`, read from the guard's env at each request), its
 * timestamp is within `maxSkewMs` of this clock, and the service declares an edge to this
 * operation (`definition.callers`). Anything else stops with a 403 problem whose `code` says why
 * (`SFR4403`–`SFR4408`) and whose detail names the fix. A request without the header is outside
 * traffic: it goes on to the operation's own security, unless `requireCaller`. Goes on with the
 * verified caller's name, or `undefined`.
 */
export function callerGuardStage(
  definition: OperationDefinition,
  guard: ResolvedCallerGuard | undefined,
): SyncStage<Request, string | undefined> {
  if (!guard) return () => next(undefined);
  const callers = new Set(definition.callers ?? []);
  const declared = callers.size > 0 ? [...callers].join(', ') : 'none';
  const self = guard.service ?? '<this service>';
  const edge = (caller: string) => `\`${caller}: consumes.operations: [${self}.${definition.operationId}]\``;
  const refuse = (code: RuntimeErrorCode, caller: string | undefined, problem: string, hint: string) =>
    stop({
      type: 'about:blank',
      title: 'Forbidden',
      status: FORBIDDEN,
      detail: `${code} ${problem}; ${hint}`,
      code,
      hint,
      ...(caller !== undefined ? { caller } : {}),
    });

  return (req) => {
    const given = req.headers[CALLER_HEADERS.caller];
    if (given === undefined) {
      if (!guard.requireCaller) return next(undefined);
      return refuse(
        'SFR4408',
        undefined,
        `operation \`${definition.operationId}\` answers only calls from services that declare it (${declared}), and this request names no caller (${CALLER_HEADERS.caller})`,
        "call it through the caller's generated internal client, with the caller's key set",
      );
    }
    const caller = typeof given === 'string' ? given : '';
    if (!SERVICE_NAME.test(caller)) {
      return refuse(
        'SFR4404',
        undefined,
        `the caller header \`${CALLER_HEADERS.caller}\` does not hold one service name`,
        'send the name of one service of spec/services.yaml, as the generated internal clients do',
      );
    }
    const keyEnv = internalKeyEnv(caller);
    const key = guard.env[keyEnv];
    if (key === undefined || key === '') {
      return callers.has(caller)
        ? refuse(
            'SFR4405',
            caller,
            `caller \`${caller}\` declares an edge to \`${definition.operationId}\`, but this service has no key to check its calls (${keyEnv} is unset)`,
            `set ${keyEnv} in this service's environment to the key ${caller} signs with (the deployment files do)`,
          )
        : refuse(
            'SFR4404',
            caller,
            `caller \`${caller}\` is not known here: it declares no edge to \`${definition.operationId}\` (declared callers: ${declared}), and this service has no key for it (${keyEnv})`,
            `if ${caller} should call it, add ${edge(caller)} to spec/services.yaml, run specfirst sync, and give this service ${keyEnv}`,
          );
    }
    const stamp = req.headers[CALLER_HEADERS.timestamp];
    const timestamp = typeof stamp === 'string' && /^\d{1,16}$/.test(stamp) ? Number(stamp) : undefined;
    if (timestamp === undefined) {
      return refuse(
        'SFR4407',
        caller,
        `the call from \`${caller}\` has no valid timestamp (${CALLER_HEADERS.timestamp}: ms since the epoch)`,
        "call through the caller's generated internal client, which signs each call",
      );
    }
    const signature = req.headers[CALLER_HEADERS.signature];
    const signed = { caller, method: req.method, target: req.originalUrl, timestamp };
    if (!verifyCall(key, signed, typeof signature === 'string' ? signature : undefined)) {
      return refuse(
        'SFR4406',
        caller,
        `the signature of the call from \`${caller}\` does not hold for ${req.method} ${req.originalUrl}`,
        `give ${caller} and this service the same ${keyEnv}; a proxy must not rewrite the path or query; otherwise the call is forged`,
      );
    }
    const skew = Math.abs(Date.now() - timestamp);
    if (skew > guard.maxSkewMs) {
      return refuse(
        'SFR4407',
        caller,
        `the call from \`${caller}\` was signed ${Math.round(skew / 1000)} s away from this service's clock (at most ${guard.maxSkewMs / 1000} s allowed)`,
        "synchronise the services' clocks (NTP); a call signed long ago may be a replay",
      );
    }
    if (!callers.has(caller)) {
      return refuse(
        'SFR4403',
        caller,
        `caller \`${caller}\` declares no edge to operation \`${definition.operationId}\` (declared callers: ${declared})`,
        `add ${edge(caller)} to spec/services.yaml and run specfirst sync, or do not make this call`,
      );
    }
    return next(caller);
  };
}
