import type { Request, Response } from 'express';
import type { PrincipalOf } from './auth.js';
import { childLogger, type Logger } from './logger.js';

/**
 * The second argument of every controller method. `Schemes` are the security schemes that may
 * authenticate the operation; `Guaranteed` those every alternative of its requirements needs, whose
 * principal is therefore always there (`context.principals.bearer.userId`, no `?.`).
 */
export interface OperationContext<Schemes extends string = string, Guaranteed extends Schemes = never> {
  readonly operationId: string;
  /** From the `X-Request-Id` header when it is sane, otherwise a fresh UUID; echoed on the response. */
  readonly requestId: string;
  /**
   * W3C trace context of the request: its `traceparent` header when valid, otherwise a new trace.
   * Internal clients called by the controller pass it on (same trace id, a new parent id).
   */
  readonly traceparent: string;
  /** The principal of each security scheme that authenticated this request. */
  readonly principals: { readonly [K in Guaranteed]: PrincipalOf<K> } & {
    readonly [K in Exclude<Schemes, Guaranteed>]?: PrincipalOf<K>;
  };
  /** The service's logger, with `requestId` and `operationId` on every entry. */
  readonly log: Logger;
  /** Aborted when the client goes away before the response is sent: pass it to fetch, queries, ... */
  readonly signal: AbortSignal;
  /** Escape hatches: the raw Express objects. If a controller sends a response itself, its result is ignored. */
  readonly req: Request;
  readonly res: Response;
}

/** Built per request; the logger and the abort signal are made only when a controller asks for them. */
export class RequestContext implements OperationContext {
  #log: Logger | undefined;
  #abort: AbortController | undefined;

  constructor(
    readonly operationId: string,
    readonly requestId: string,
    readonly traceparent: string,
    readonly principals: Record<string, unknown>,
    private readonly baseLogger: Logger,
    readonly req: Request,
    readonly res: Response,
  ) {}

  get log(): Logger {
    this.#log ??= childLogger(this.baseLogger, { requestId: this.requestId, operationId: this.operationId });
    return this.#log;
  }

  get signal(): AbortSignal {
    if (!this.#abort) {
      const abort = new AbortController();
      this.#abort = abort;
      if (this.res.writableFinished) return abort.signal;
      // 'close' before the response finished means the client hung up.
      this.res.once('close', () => {
        if (!this.res.writableFinished) abort.abort(new Error('the client closed the connection'));
      });
    }
    return this.#abort.signal;
  }
}
