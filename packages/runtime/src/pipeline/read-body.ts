import { FRAMEWORK_RESPONSES } from '@specfirst/spec-core/framework-responses';
import { joinPointer } from '@specfirst/spec-core/json-pointer';
import express, { type Request, type RequestHandler } from 'express';
import { isFormMediaType, isJsonMediaType } from '../media-types.js';
import type { OperationDefinition } from '../operation.js';
import type { ValidationFailure } from '../validation.js';
import { checkPart, setOwn } from './part.js';
import { next, stop, type SyncStage } from './stage.js';

/** Set on a request whose raw JSON body mentions `proto` or `prototype` (possibly escaped): worth a scan once parsed. */
const SUSPICIOUS = Symbol('specfirst.suspiciousBody');

/**
 * The Express middleware that parses an operation's body before the pipeline runs: JSON (any
 * value, `application/json` and `application/*+json`), forms, text or raw bytes, by the declared
 * content type, up to `limit`. Parser errors (bad JSON, too large) go to the error handler.
 */
export function bodyParser(contentType: string, limit: number | string, openKeys: boolean): RequestHandler {
  if (isJsonMediaType(contentType)) {
    return express.json({
      limit,
      // Any JSON value is a body (a spec may declare a string or an array), not only objects.
      strict: false,
      type: ['application/json', 'application/*+json'],
      // Where the schema lets arbitrary keys through (open objects, free-form values), one native
      // search of the raw bytes decides whether the parsed body needs a scan for prototype-polluting
      // keys (see pollutingKey). Closed schemas refuse such keys already and skip both.
      ...(openKeys
        ? {
            verify: (req: unknown, _res: unknown, buffer: Buffer) => {
              if (buffer.includes('proto') || buffer.includes('\\u'))
                (req as Record<symbol, boolean>)[SUSPICIOUS] = true;
            },
          }
        : {}),
    });
  }
  if (isFormMediaType(contentType))
    return express.urlencoded({ limit, extended: false, type: 'application/x-www-form-urlencoded' });
  if (contentType.startsWith('text/')) return express.text({ limit, type: contentType });
  return express.raw({ limit, type: contentType });
}

/**
 * The read body stage: the body `bodyParser` parsed, checked by its validator. Stops with a 415
 * when a body came in another content type; goes on with `undefined` when none came (a failure
 * if the body is required). A form becomes a plain object; a JSON body with a key that could
 * replace a prototype fails (see pollutingKey) before its validator runs. An operation without a
 * body goes on with `undefined` whatever the request carries.
 */
export function readBodyStage(definition: OperationDefinition): SyncStage<Request, unknown> {
  const declared = definition.body;
  if (declared === undefined) return () => next(undefined);
  const jsonBody = isJsonMediaType(declared.contentType);
  const formBody = isFormMediaType(declared.contentType);
  return (req) => {
    const body: unknown = req.body;
    if (body === undefined || (Buffer.isBuffer(body) && body.length === 0 && !req.is(declared.contentType))) {
      if (hasBody(req) && !req.is(declared.contentType)) {
        return stop({
          type: 'about:blank',
          title: 'Unsupported Media Type',
          status: FRAMEWORK_RESPONSES[415].status,
          detail: `send the body as ${declared.contentType}`,
        });
      }
      return next(
        undefined,
        declared.required ? [{ pointer: '/body', message: `is required (${declared.contentType})` }] : [],
      );
    }
    if (formBody) {
      // The form parser gives an object without prototype; the controller gets a plain one.
      const fields: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(body as Record<string, unknown>)) setOwn(fields, key, value);
      return next(fields, checkPart(definition.validate.body, fields, 'body'));
    }
    if (jsonBody) {
      const polluting = (req as unknown as Record<symbol, boolean>)[SUSPICIOUS]
        ? pollutingKey(body, '/body')
        : undefined;
      const failures: ValidationFailure[] =
        polluting !== undefined
          ? [{ pointer: polluting, message: 'is not accepted: it could replace an object prototype' }]
          : checkPart(definition.validate.body, body, 'body');
      return next(body, failures);
    }
    return next(body);
  };
}

/**
 * The pointer to the first key in a parsed JSON value that pollutes prototypes when code merges it
 * into another object: an own `__proto__`, or a `constructor` holding a `prototype`. JSON.parse
 * makes them plain own keys; `Object.assign` and deep-merge helpers then turn them into prototypes.
 */
export function pollutingKey(value: unknown, pointer: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = pollutingKey(value[i], joinPointer(pointer, i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    const here = joinPointer(pointer, key);
    if (key === '__proto__') return here;
    if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype'))
      return `${here}/prototype`;
    const found = pollutingKey(child, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

function hasBody(req: Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined ||
    (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0')
  );
}
