import type { Request } from 'express';
import type { OperationDefinition } from '../operation.js';
import { PROTO_PARAMETER_KEY, parameterKey } from '../validation.js';
import { checkPart, setOwn } from './part.js';
import { next, type Next } from './stage.js';

/** The parameters the controller gets, by spec name: only those the spec declares. */
export interface Parameters {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
}

/**
 * The read parameters stage: the declared path, query and header parameters of the request, each
 * part checked by its validator (which may coerce values in place: `?limit=5` becomes `5`).
 * Never stops: failures go on to the failure reply, together with the body's. Undeclared query
 * parameters and headers are left out; header names are matched without regard to case.
 */
export function readParametersStage(definition: OperationDefinition): (req: Request) => Next<Parameters> {
  const headerKeys = definition.headerParams.map((name) => [name, name.toLowerCase()] as const);
  const protoParameter = [
    ...definition.pathParams.map((p) => p.name),
    ...definition.queryParams,
    ...definition.headerParams,
  ].includes('__proto__');
  return (req) => {
    const params: Record<string, unknown> = {};
    for (const { name, expressName } of definition.pathParams)
      setOwn(params, parameterKey(name), req.params[expressName]);
    const query: Record<string, unknown> = {};
    if (definition.queryParams.length > 0) {
      const raw = req.query as Record<string, unknown>;
      for (const name of definition.queryParams)
        if (Object.hasOwn(raw, name)) setOwn(query, parameterKey(name), raw[name]);
    }
    const headers: Record<string, unknown> = {};
    for (const [name, key] of headerKeys)
      if (req.headers[key] !== undefined) setOwn(headers, parameterKey(name), req.headers[key]);
    const failures = [
      ...checkPart(definition.validate.params, params, 'params'),
      ...checkPart(definition.validate.query, query, 'query'),
      ...checkPart(definition.validate.headers, headers, 'headers'),
    ];
    if (protoParameter) for (const part of [params, query, headers]) restoreProtoKey(part);
    return next({ params, query, headers }, failures);
  };
}

/** After validation, a `__proto__` parameter goes back under its own name (see PROTO_PARAMETER_KEY). */
function restoreProtoKey(part: Record<string, unknown>): void {
  if (!Object.hasOwn(part, PROTO_PARAMETER_KEY)) return;
  setOwn(part, '__proto__', part[PROTO_PARAMETER_KEY]);
  Reflect.deleteProperty(part, PROTO_PARAMETER_KEY);
}
