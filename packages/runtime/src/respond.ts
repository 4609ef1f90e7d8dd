import { FRAMEWORK_RESPONSES } from '@specfirst/spec-core/framework-responses';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';
import { isHttpProblem, type ProblemDetails } from './problem.js';
import type { RuntimeErrorCode } from './errors.js';
import type { Logger } from './logger.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * Sends a problem. Every problem names the request it answers in `instance` (RFC 9457): the
 * request's URL as the client sent it, query included, unless the problem names one itself.
 */
export function sendProblem(res: Response, problem: ProblemDetails, headers?: Record<string, string>): void {
  if (res.headersSent) return;
  res.status(problem.status);
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  const instance = problem.instance ?? (res.req as Request | undefined)?.originalUrl;
  res.send(JSON.stringify(instance === undefined ? problem : { ...problem, instance }));
}

/** What body-parser throws carries `type` and `status`; it is the client's fault, said plainly. */
interface ParserError {
  type: string;
  status: number;
  limit?: number;
  /** Of a body nested too deeply (BodyTooDeep). */
  pointer?: string;
  maxDepth?: number;
}

function isParserError(error: unknown): error is ParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as ParserError).type === 'string' &&
    typeof (error as ParserError).status === 'number'
  );
}

const PARSER_PROBLEMS: Record<
  string,
  { status: number; title: string; detail: (e: ParserError) => string; code?: RuntimeErrorCode }
> = {
  'entity.too.deep': {
    status: FRAMEWORK_RESPONSES[400].status,
    code: 'SFR3001',
    title: 'The request body is nested too deeply',
    detail: (e) =>
      `SFR3001 the body nests deeper than ${e.maxDepth ?? '?'} levels at ${e.pointer ?? '/body'}; ` +
      `send at most ${e.maxDepth ?? '?'} levels of arrays and objects (the service's maxBodyDepth option)`,
  },
  'entity.parse.failed': {
    status: FRAMEWORK_RESPONSES[400].status,
    title: 'The request body is not valid JSON',
    detail: () => 'fix the JSON syntax of the body',
  },
  'entity.too.large': {
    status: FRAMEWORK_RESPONSES[413].status,
    title: 'The request body is too large',
    detail: (e) => `the limit is ${e.limit ?? '?'} bytes`,
  },
  'charset.unsupported': {
    status: FRAMEWORK_RESPONSES[415].status,
    title: 'Unsupported charset',
    detail: () => 'send the body as UTF-8',
  },
  'encoding.unsupported': {
    status: FRAMEWORK_RESPONSES[415].status,
    title: 'Unsupported content encoding',
    detail: () => 'send the body as identity, gzip, deflate or br',
  },
  'request.aborted': {
    status: FRAMEWORK_RESPONSES[400].status,
    title: 'The request was aborted',
    detail: () => 'the client stopped sending the body',
  },
};

/**
 * The one place an error becomes a response: a thrown HttpProblem answers as itself, a body that
 * cannot be read is a 4xx, and anything else is logged with the request id and answered with a
 * 500 problem that carries no message, stack or other internals.
 */
export function sendError(error: unknown, req: Request, res: Response, log: Logger, requestId: string): void {
  if (isHttpProblem(error)) {
    sendProblem(res, error.toJSON());
    return;
  }
  if (isParserError(error)) {
    const known = PARSER_PROBLEMS[error.type];
    if (known) {
      sendProblem(res, {
        type: 'about:blank',
        title: known.title,
        status: known.status,
        detail: known.detail(error),
        ...(known.code !== undefined ? { code: known.code } : {}),
      });
      return;
    }
  }
  const status = clientErrorStatus(error);
  if (status !== undefined) {
    // Express marks what the client got wrong (a path that does not decode, ...) with a 4xx status.
    sendProblem(res, {
      type: 'about:blank',
      title: STATUS_CODES[status] ?? 'Bad Request',
      status,
      detail:
        error instanceof URIError ? 'the request URL is not validly percent-encoded' : 'the request could not be read',
    });
    return;
  }
  log.error(
    { requestId, method: req.method, url: req.originalUrl, err: describeError(error) },
    'unhandled error while answering a request',
  );
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendProblem(res, {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: FRAMEWORK_RESPONSES[500].status,
    detail: `the server failed to answer; quote request id ${requestId} when reporting it`,
  });
}

function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 499 ? status : undefined;
}

function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { value: String(error) };
}

const SANE_REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** The request id: the caller's `X-Request-Id` when it is short and plain, otherwise a new UUID. */
export function requestIdOf(req: Request, res: Response): string {
  const known = res.locals.specfirstRequestId as string | undefined;
  if (known !== undefined) return known;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.specfirstRequestId = id;
  res.setHeader('X-Request-Id', id);
  return id;
}
