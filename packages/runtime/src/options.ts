import type { Request } from 'express';
import type { Authenticator } from './auth.js';
import { SpecFirstRuntimeError } from './errors.js';
import { jsonLogger, type Logger } from './logger.js';
import type { OperationResult } from './operation.js';
import type { CallerGuardOptions } from './internal/types.js';
import { ReplayCache } from './internal/signature.js';
import { DEFAULT_MAX_SKEW_MS, DEFAULT_REPLAY_CACHE_SIZE, type ResolvedCallerGuard } from './pipeline/caller-guard.js';
import type { ValidationProblem } from './validation.js';

export interface RouterOptions {
  /**
   * Check every controller result against the declared responses (status, body). On by default
   * unless NODE_ENV is `production`; a mismatch is logged and answered with a 500 problem.
   */
  validateResponses?: boolean;
  /** One function per security scheme the operations use; see {@link Authenticator}. */
  authenticate?: Readonly<Record<string, Authenticator>>;
  /** Largest request body accepted, in bytes or as `'1mb'`. Default `'1mb'`. */
  bodyLimit?: number | string;
  /**
   * Deepest nesting of arrays and objects accepted in a JSON request body. Default 64. A deeper
   * body is refused with a 400 problem (`SFR3001`) before it is parsed, so no check, controller or
   * serialiser ever walks an unbounded structure.
   */
  maxBodyDepth?: number;
  logger?: Logger;
  /**
   * Answer validation failures with the service's own declared error response instead of the
   * RFC 9457 problem (e.g. RealWorld's `422 {"errors": {"body": [...]}}`).
   */
  validationErrorResponse?: (problem: ValidationProblem, req: Request) => OperationResult;
  /**
   * Refuse U+0000 (NUL, `\u0000` in JSON, `%00` in a URL) in every string and object key of the
   * parameters and the body, as a validation failure (`must not contain the NUL character
   * (U+0000)`): a 400, or `validationErrorResponse`. Turn it on when text goes to PostgreSQL
   * (`text` and `jsonb` cannot hold NUL, and the insert would fail as a 500) or to C strings.
   * Default `false`: JSON Schema accepts NUL in a string.
   */
  refuseNul?: boolean;
  /**
   * Check who calls, for calls from other services of the spec: a call signed by a service (its
   * internal client, with the edge's key `SPECFIRST_KEY_<CALLER>_TO_<SERVICE>`) is refused with a
   * 403 unless that service declares an edge to the operation (`OperationDefinition.callers`), the
   * signature holds and was not seen before. Needs `service` (`SFR1405` otherwise). Off by default.
   */
  callerGuard?: boolean | CallerGuardOptions;
}

/** The default of {@link RouterOptions.maxBodyDepth}: as System.Text.Json's; real payloads nest a handful of levels. */
export const DEFAULT_MAX_BODY_DEPTH = 64;

/** Settings after defaults, shared by every route of an app. */
export interface ResolvedOptions {
  validateResponses: boolean;
  authenticate: Readonly<Record<string, Authenticator>>;
  bodyLimit: number | string;
  maxBodyDepth: number;
  logger: Logger;
  validationErrorResponse: ((problem: ValidationProblem, req: Request) => OperationResult) | undefined;
  refuseNul: boolean;
  /** Absent when the caller guard is off. */
  callerGuard?: ResolvedCallerGuard;
}

export function resolveOptions(options: RouterOptions): ResolvedOptions {
  const depth = options.maxBodyDepth;
  if (depth !== undefined && !(Number.isInteger(depth) && depth > 0)) {
    throw new SpecFirstRuntimeError(
      'SFR1004',
      `options.maxBodyDepth must be a positive integer; got ${String(depth)}`,
      `leave it unset for the default (${DEFAULT_MAX_BODY_DEPTH}), or give the deepest nesting of arrays and objects a JSON body may have`,
    );
  }
  const callerGuard = resolveCallerGuard(options.callerGuard);
  return {
    ...(callerGuard ? { callerGuard } : {}),
    validateResponses: options.validateResponses ?? process.env.NODE_ENV !== 'production',
    authenticate: options.authenticate ?? {},
    bodyLimit: options.bodyLimit ?? '1mb',
    maxBodyDepth: options.maxBodyDepth ?? DEFAULT_MAX_BODY_DEPTH,
    logger: options.logger ?? jsonLogger(),
    validationErrorResponse: options.validationErrorResponse,
    refuseNul: options.refuseNul ?? false,
  };
}

function resolveCallerGuard(option: RouterOptions['callerGuard']): ResolvedCallerGuard | undefined {
  if (option === undefined || option === false) return undefined;
  const given: Partial<CallerGuardOptions> = option === true ? {} : option;
  const skew = given.maxSkewMs;
  if (skew !== undefined && !(Number.isInteger(skew) && skew > 0)) {
    throw new SpecFirstRuntimeError(
      'SFR1404',
      `options.callerGuard.maxSkewMs must be a positive integer (ms); got ${String(skew)}`,
      `leave it unset for the default (${DEFAULT_MAX_SKEW_MS}): how far a call's signing time may be from this service's clock`,
    );
  }
  if (given.service === undefined || !/^[a-z][a-z0-9-]{0,62}$/.test(given.service)) {
    throw new SpecFirstRuntimeError(
      'SFR1405',
      given.service === undefined
        ? 'options.callerGuard needs `service`: the name of this service, the second half of the key of each edge it checks (SPECFIRST_KEY_<CALLER>_TO_<SERVICE>)'
        : `options.callerGuard.service must be this service's name in spec/services.yaml; got ${JSON.stringify(given.service)}`,
      "give the name as spec/services.yaml spells it (lower-case letters, digits and `-`), e.g. `callerGuard: { service: 'users' }`",
    );
  }
  const required = given.requireCaller ?? false;
  if (
    typeof required !== 'boolean' &&
    !(Array.isArray(required) && required.every((id) => typeof id === 'string' && id !== ''))
  ) {
    throw new SpecFirstRuntimeError(
      'SFR1404',
      `options.callerGuard.requireCaller must be true, false or a list of operationIds; got ${JSON.stringify(required)}`,
      "list the operations only other services may call, e.g. `requireCaller: ['createInvoice']`",
    );
  }
  const size = given.replayCacheSize;
  if (size !== undefined && !(Number.isInteger(size) && size > 0)) {
    throw new SpecFirstRuntimeError(
      'SFR1404',
      `options.callerGuard.replayCacheSize must be a positive integer; got ${String(size)}`,
      `leave it unset for the default (${DEFAULT_REPLAY_CACHE_SIZE}): how many signed calls one process remembers within maxSkewMs`,
    );
  }
  return {
    env: given.env ?? process.env,
    requireCaller: typeof required === 'boolean' ? required : new Set(required),
    maxSkewMs: skew ?? DEFAULT_MAX_SKEW_MS,
    service: given.service,
    replay: new ReplayCache(size ?? DEFAULT_REPLAY_CACHE_SIZE),
  };
}
