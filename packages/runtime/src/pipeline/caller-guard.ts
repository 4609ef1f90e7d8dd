import { CALLER_HEADERS, internalKeyEnv } from '@specfirst/spec-core/connectivity';
import type { Request } from 'express';
import type { RuntimeErrorCode } from '../errors.js';
import { NONCE_HEADER, NONCE_PATTERN, verifyCall, type ReplayCache } from '../internal/signature.js';
import type { OperationDefinition } from '../operation.js';
import { next, stop, type Next, type Stop } from './stage.js';

/** `RouterOptions.callerGuard` after defaults. */
export interface ResolvedCallerGuard {
  env: Readonly<Record<string, string | undefined>>;
  /** `true`: every operation; a set: those operationIds only. */
  requireCaller: boolean | ReadonlySet<string>;
  maxSkewMs: number;
  /** The service's own name: the second half of each edge key (`SPECFIRST_KEY_<CALLER>_TO_<SERVICE>`). */
  service: string;
  /** The signatures accepted within the skew window (per process). */
  replay: ReplayCache;
}

/** The default of `CallerGuardOptions.maxSkewMs`: five minutes, as AWS Signature V4 allows. */
export const DEFAULT_MAX_SKEW_MS = 300_000;

/** The default of `CallerGuardOptions.replayCacheSize`: about 10 MB at most. */
export const DEFAULT_REPLAY_CACHE_SIZE = 100_000;

/**
 * The guard's refusals. Not in spec-core's FRAMEWORK_RESPONSES: the guard is a runtime option, so
 * the published documents cannot know whether a deployment turns it on.
 */
const FORBIDDEN = 403;

/** A service name as spec/services.yaml allows it (the caller header of a real internal client). */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** A refusal with what the log gets: the detail stays out of the answer unless `disclose`. */
export type GuardStop = Stop & { log?: { detail: string; hint: string } };

/**
 * The caller guard stage (with `RouterOptions.callerGuard`), before authentication: a request that
 * says which service sends it (`x-specfirst-caller`) goes on only when its signature holds with
 * the key of that edge (`SPECFIRST_KEY_<CALLER>_TO_<THIS SERVICE>`, read from the guard's env at
 * each request), its timestamp is within `maxSkewMs` of this clock, its signature was not seen
 * before (replay cache), and the service declares an edge to this operation (`definition.callers`).
 * Anything else stops with a 403 problem whose `code` says why (`SFR4403`–`SFR4408`). Only a
 * caller whose signature holds (`SFR4403`) is told the fix; every other refusal answers a generic
 * problem, since whoever sent it may not be one of the services, and the detail goes to the log.
 * A request without the header is outside traffic: it goes on to the operation's own security,
 * unless `requireCaller` names the operation (or is `true`). Goes on with the verified caller's
 * name, or `undefined`.
 */
export function callerGuardStage(
  definition: OperationDefinition,
  guard: ResolvedCallerGuard | undefined,
): (req: Request) => Next<string | undefined> | GuardStop {
  if (!guard) return () => next(undefined);
  const callers = new Set(definition.callers ?? []);
  const declared = callers.size > 0 ? [...callers].join(', ') : 'none';
  const required =
    guard.requireCaller === true || (guard.requireCaller !== false && guard.requireCaller.has(definition.operationId));
  const edge = (caller: string) => `\`${caller}: consumes.operations: [${guard.service}.${definition.operationId}]\``;
  const refuse = (code: RuntimeErrorCode, caller: string | undefined, problem: string, hint: string): GuardStop => ({
    ...stop({
      type: 'about:blank',
      title: 'Forbidden',
      status: FORBIDDEN,
      detail: `${code} the caller guard refused this request`,
      code,
    }),
    log: { detail: `${problem}${caller !== undefined ? ` (caller header: ${caller})` : ''}`, hint },
  });
  /** The one refusal whose detail the answer carries: the caller proved who it is. */
  const discloseUndeclared = (caller: string): Stop => {
    const hint = `add ${edge(caller)} to spec/services.yaml and run specfirst sync, or do not make this call`;
    return stop({
      type: 'about:blank',
      title: 'Forbidden',
      status: FORBIDDEN,
      detail: `SFR4403 caller \`${caller}\` declares no edge to operation \`${definition.operationId}\` of \`${guard.service}\`; ${hint}`,
      code: 'SFR4403',
      hint,
      caller,
    });
  };

  return (req) => {
    const given = req.headers[CALLER_HEADERS.caller];
    if (given === undefined) {
      if (!required) return next(undefined);
      return refuse(
        'SFR4408',
        undefined,
        `operation \`${definition.operationId}\` answers only calls from services that declare it (${declared}), and this request names no caller (${CALLER_HEADERS.caller})`,
        "call it through the caller's generated internal client, with the edge's key set",
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
    const keyEnv = internalKeyEnv(caller, guard.service);
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
            `if ${caller} should call it, add ${edge(caller)} to spec/services.yaml, run specfirst sync, and give ${caller} and this service ${keyEnv}`,
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
    const nonce = req.headers[NONCE_HEADER];
    const signature = req.headers[CALLER_HEADERS.signature];
    const signed = {
      caller,
      callee: guard.service,
      method: req.method,
      target: req.originalUrl,
      timestamp,
      nonce: typeof nonce === 'string' ? nonce : '',
    };
    if (typeof signature !== 'string' || !NONCE_PATTERN.test(signed.nonce) || !verifyCall(key, signed, signature)) {
      return refuse(
        'SFR4406',
        caller,
        signature === undefined
          ? `the call from \`${caller}\` is not signed: its client has no key (${keyEnv})`
          : `the signature of the call from \`${caller}\` does not hold for ${req.method} ${req.originalUrl}`,
        `give ${caller} and this service the same ${keyEnv}; a proxy must not rewrite the path or query; otherwise the call is forged`,
      );
    }
    const now = Date.now();
    const skew = Math.abs(now - timestamp);
    if (skew > guard.maxSkewMs) {
      return refuse(
        'SFR4407',
        caller,
        `the call from \`${caller}\` was signed ${Math.round(skew / 1000)} s away from this service's clock (at most ${guard.maxSkewMs / 1000} s allowed)`,
        "synchronise the services' clocks (NTP); a call signed long ago may be a replay",
      );
    }
    const admitted = guard.replay.admit(signature, timestamp + guard.maxSkewMs, now);
    if (admitted !== 'fresh') {
      return refuse(
        'SFR4406',
        caller,
        admitted === 'replay'
          ? `the signed call from \`${caller}\` (${req.method} ${req.originalUrl}) was already received: a replay`
          : `the replay cache is full (${guard.replay.capacity} signed calls within ${guard.maxSkewMs / 1000} s)`,
        admitted === 'replay'
          ? 'each attempt of an internal client is signed afresh; a repeated signature is a captured call sent again'
          : 'raise callerGuard.replayCacheSize, or lower maxSkewMs',
      );
    }
    if (!callers.has(caller)) return discloseUndeclared(caller);
    return next(caller);
  };
}
