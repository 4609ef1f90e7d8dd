import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { RequestContext } from '../context.js';
import { isValidTraceparent, newTraceparent, runInCallContext } from '../internal/call-context.js';
import type { OperationDefinition, OperationResult } from '../operation.js';
import type { ResolvedOptions } from '../options.js';
import { requestIdOf, sendError, sendProblem } from '../respond.js';
import { MAX_REPORTED_FAILURES, validationProblem, type ValidationFailure } from '../validation.js';
import { authenticateStage } from './authenticate.js';
import { readBodyStage } from './read-body.js';
import { readParametersStage } from './read-parameters.js';
import { nulFailures } from './refuse-nul.js';
import { callerGuardStage, type GuardStop } from './caller-guard.js';
import type { Stop } from './stage.js';
import { writeResult } from './write-result.js';

/** A controller method, bound to its controller. */
export type ControllerMethod = (
  request: unknown,
  context: RequestContext,
) => OperationResult | Promise<OperationResult>;

/**
 * The HTTP pipeline of one operation, as one Express handler (after the body parser):
 * [guard caller] → authenticate → read parameters → read body → [refuse NUL] → failure reply → controller → check and write result.
 * The stages are built here once per operation (see ./stage.ts for their shape). A stage that
 * stops answers with its problem; the read stages' failures are answered together with a 400
 * problem, or with `options.validationErrorResponse`; anything thrown goes to `sendError`.
 */
export function httpPipeline(
  definition: OperationDefinition,
  call: ControllerMethod,
  options: ResolvedOptions,
): RequestHandler {
  const guardCaller = callerGuardStage(definition, options.callerGuard);
  const authenticate = authenticateStage(definition, options.authenticate);
  const readParameters = readParametersStage(definition);
  const readBody = readBodyStage(definition);
  return async (req: Request, res: Response, _next: NextFunction) => {
    const requestId = requestIdOf(req, res);
    try {
      const caller = guardCaller(req);
      if (!caller.ok) return refuseCaller(req, res, caller, options, requestId);
      const pending = authenticate(req);
      const principals = pending instanceof Promise ? await pending : pending;
      if (!principals.ok) return answerStop(res, principals);
      const parameters = readParameters(req);
      const body = readBody(req);
      if (!body.ok) return answerStop(res, body);

      const failures = [...parameters.failures, ...body.failures];
      if (options.refuseNul)
        failures.push(...nulFailures({ ...parameters.value, body: body.value }, MAX_REPORTED_FAILURES));
      if (failures.length > 0) return replyInvalid(req, res, definition, failures, options, requestId);

      const traceparent = traceparentOf(req);
      const context = new RequestContext(
        definition.operationId,
        requestId,
        traceparent,
        principals.value,
        options.logger,
        req,
        res,
      );
      // Inside the call context, so that internal calls the controller makes pass the trace on.
      const returned = runInCallContext({ requestId, traceparent }, () =>
        call({ ...parameters.value, body: body.value }, context),
      );
      const result = returned instanceof Promise ? await returned : returned;
      if (res.headersSent) return; // the controller answered through the escape hatch
      writeResult(res, definition, result, { validate: options.validateResponses, logger: options.logger, requestId });
    } catch (error) {
      sendError(error, req, res, options.logger, requestId);
    }
  };
}

/** The request's `traceparent` when W3C Trace Context accepts it, otherwise a new trace. */
function traceparentOf(req: Request): string {
  const given = req.headers.traceparent;
  return typeof given === 'string' && isValidTraceparent(given) ? given : newTraceparent();
}

/** A refused caller is logged (a forged or misrouted call inside the network is worth knowing of), then answered. */
function refuseCaller(
  req: Request,
  res: Response,
  stopped: GuardStop,
  options: ResolvedOptions,
  requestId: string,
): void {
  options.logger.warn(
    {
      requestId,
      method: req.method,
      url: req.originalUrl,
      code: stopped.problem.code,
      ...(stopped.problem.caller !== undefined ? { caller: stopped.problem.caller } : {}),
      ...stopped.log,
    },
    'refused an internal call',
  );
  answerStop(res, stopped);
}

function answerStop(res: Response, stopped: Stop): void {
  sendProblem(res, stopped.problem, stopped.headers);
}

/**
 * The failure reply: the read stages' failures as a 400 validation problem, or as the service's
 * own declared error response (`options.validationErrorResponse`), which is written unchecked.
 */
function replyInvalid(
  req: Request,
  res: Response,
  definition: OperationDefinition,
  failures: ValidationFailure[],
  options: ResolvedOptions,
  requestId: string,
): void {
  const problem = validationProblem(failures, req.originalUrl);
  if (options.validationErrorResponse) {
    writeResult(res, definition, options.validationErrorResponse(problem, req), {
      validate: false,
      logger: options.logger,
      requestId,
    });
  } else {
    sendProblem(res, problem);
  }
}
