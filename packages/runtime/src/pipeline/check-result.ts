import { SpecFirstRuntimeError } from '../errors.js';
import type { OperationDefinition, OperationResult } from '../operation.js';
import { failuresFrom, type ValidationFailure } from '../validation.js';

/** One declared response of an operation. */
export type DeclaredResponse = OperationDefinition['responses'][string];

/**
 * The response the spec declares for a status: the exact status, else its class (`4XX`), else
 * `default`; `undefined` when none applies.
 */
export function declaredResponse(definition: OperationDefinition, status: number): DeclaredResponse | undefined {
  return (
    definition.responses[String(status)] ??
    definition.responses[`${Math.floor(status / 100)}XX`] ??
    definition.responses.default
  );
}

/**
 * The check result stage (pure): the controller's result must carry an integer status 100–599, or
 * it is a bug in the controller (`SFR2001`, thrown: the client gets a 500 and the log says why).
 * Gives the declared response for that status, and, with `validate`, how the result differs from
 * it: an undeclared status, a body that fails the response's schema, a body where none is
 * declared, a declared header left out (names compared without regard to case).
 */
export function checkResult(
  definition: OperationDefinition,
  result: OperationResult,
  validate: boolean,
): { declared: DeclaredResponse | undefined; failures: ValidationFailure[] } {
  const status = result?.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw new SpecFirstRuntimeError(
      'SFR2001',
      `controller method \`${definition.method}\` returned no valid status (got ${JSON.stringify(status)}) for operation \`${definition.operationId}\``,
      'return { status, body } with a status the spec declares',
    );
  }
  const declared = declaredResponse(definition, status);
  const failures: ValidationFailure[] = [];
  if (!validate) return { declared, failures };
  if (declared === undefined)
    failures.push({ pointer: '/status', message: `${status} is not a declared response of ${definition.operationId}` });
  else if (declared.validate && !declared.validate(result.body))
    failures.push(...failuresFrom(declared.validate.errors ?? [], 'body'));
  else if (!declared.validate && result.body !== undefined && declared.contentType === undefined)
    failures.push({ pointer: '/body', message: 'this response is declared without a body' });
  for (const name of declared?.headers ?? []) {
    const given =
      result.headers === undefined
        ? undefined
        : Object.entries(result.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    if (given === undefined)
      failures.push({ pointer: `/headers/${name}`, message: 'is required by the declared response' });
  }
  return { declared, failures };
}
