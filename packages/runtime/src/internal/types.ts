/**
 * The contract of `@specfirst/runtime/internal`: what generated internal clients
 * (`generated/internal/<caller>/<callee>.ts`) hand the runtime, what their callers may set, and
 * what a callee's caller guard checks. The names of the environment variables and headers come
 * from `@specfirst/spec-core/connectivity`; generated tables carry the resolved names.
 */
import type { CallOptions, ClientOperation } from '../client.js';

/** What a generated internal client knows: who calls whom, where the callee is, and the operations of the declared edges. */
export interface InternalClientTable {
  /** The calling service (`orders`): the identity its calls carry. */
  readonly caller: string;
  /** The called service (`users`). */
  readonly callee: string;
  /** The variable holding the callee's base URL (`USERS_URL`). */
  readonly urlEnv: string;
  /** The base URL when that variable is unset: the callee's host and port in the deployment files (`http://users:3001`). */
  readonly defaultUrl: string;
  /** The variable holding the key of this edge, which only the caller and the callee hold (`SPECFIRST_KEY_ORDERS_TO_USERS`). */
  readonly keyEnv: string;
  /** The callee's base path (`/api`). */
  readonly basePath: string;
  /** Only the operations the caller declares it calls. */
  readonly operations: Readonly<Record<string, ClientOperation>>;
}

/** What a caller may set when it makes an internal client. Every field has a default. */
export interface InternalClientOptions {
  /** The callee's origin: default `env[table.urlEnv]`, then `table.defaultUrl`. */
  baseUrl?: string;
  /** Where the URL and the key are read: default `process.env`, read when the client is made. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The edge's signing key: default `env[table.keyEnv]`. Without one, calls still name the caller
   * (`x-specfirst-caller`) but carry no signature: a guarded callee refuses them (403 `SFR4406`,
   * thrown as an InternalCallError), and never mistakes them for outside traffic.
   */
  key?: string;
  /** Time limit of one attempt, in ms: default 10 000. */
  timeoutMs?: number;
  /** Further attempts of an idempotent call (GET, HEAD, OPTIONS, PUT, DELETE) that could not connect or got 502/503/504: default 2. Others are never retried. */
  retries?: number;
  /** Wait before the first retry, doubled for each next one (at most 60 s): default 100 ms. */
  retryDelayMs?: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Sent with every request; a function is called per request. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
}

/** Per call: the client's settings can be narrowed, and the trace given explicitly. */
export interface InternalCallOptions extends CallOptions {
  timeoutMs?: number;
  retries?: number;
  /** Default: the current call context's (the request, message or job being handled). */
  requestId?: string;
  /** Default: a child of the current call context's trace (same trace id, a new parent id). */
  traceparent?: string;
}

/** What a request, message or job being handled passes on to the internal calls it makes. */
export interface CallContext {
  readonly requestId?: string;
  readonly traceparent?: string;
}

/** A callee's check of who calls it (`RouterOptions.callerGuard`). */
export interface CallerGuardOptions {
  /**
   * This service's name in spec/services.yaml: the second half of the key of each edge it checks
   * (`SPECFIRST_KEY_<CALLER>_TO_<SERVICE>`), and the name a refusal's `services.yaml` line gives.
   * Required: a guard without it does not start (`SFR1405`).
   */
  service: string;
  /** Where the edges' keys are read (`SPECFIRST_KEY_<CALLER>_TO_<SERVICE>`): default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Refuse requests that carry no caller identity as well (403 `SFR4408`): `true` for every
   * operation, or the operationIds that only other services may call (`['createInvoice']`), so
   * that a forged call cannot simply leave the caller header out. Default false: requests without
   * the header are outside traffic, left to the operation's security.
   */
  requireCaller?: boolean | readonly string[];
  /** Largest difference between the call's timestamp and the callee's clock, in ms: default 300 000. */
  maxSkewMs?: number;
  /**
   * How many accepted signatures this process remembers within `maxSkewMs`, so that none is accepted
   * twice: default 100 000. When full, further signed calls are refused (403 `SFR4406`) until
   * entries expire. Per process: replicas do not share it.
   */
  replayCacheSize?: number;
}
