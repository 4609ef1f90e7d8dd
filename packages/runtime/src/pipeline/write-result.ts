import { FRAMEWORK_RESPONSES } from '@specfirst/spec-core/framework-responses';
import type { Response } from 'express';
import type { Logger } from '../logger.js';
import { isJsonMediaType } from '../media-types.js';
import type { OperationDefinition, OperationResult } from '../operation.js';
import { sendProblem } from '../respond.js';
import { MAX_REPORTED_FAILURES } from '../validation.js';
import { checkResult } from './check-result.js';

/** How {@link writeResult} writes one result. */
export interface WriteOptions {
  /**
   * Check the result against the declared response first (see checkResult); a mismatch is logged
   * and answered with a 500 problem instead. Off for the service's own validation-error answer.
   */
  validate: boolean;
  logger: Logger;
  /** Logged with a mismatch and quoted in its problem. */
  requestId: string;
}

/**
 * The write result stage: the controller's result as the HTTP response, after the check-result
 * stage. Status and headers (arrays as repeated headers, `undefined` left out); no body when the
 * result has none; a body in a declared non-JSON content type sent as is; anything else as JSON,
 * under the declared JSON content type (`application/problem+json`, ...) when there is one.
 */
export function writeResult(
  res: Response,
  definition: OperationDefinition,
  result: OperationResult,
  options: WriteOptions,
): void {
  const { declared, failures } = checkResult(definition, result, options.validate);
  if (failures.length > 0) {
    options.logger.error(
      { requestId: options.requestId, operationId: definition.operationId, status: result.status, failures },
      'the controller result does not match the declared response',
    );
    sendProblem(res, {
      type: 'https://specfirst.dev/problems/response-validation-failed',
      title: 'The response did not match the API contract',
      status: FRAMEWORK_RESPONSES[500].status,
      detail: `the server produced an invalid response; quote request id ${options.requestId} when reporting it`,
      // Response validation is a development aid (off in production): say what is wrong.
      errors: failures.slice(0, MAX_REPORTED_FAILURES),
    });
    return;
  }
  res.status(result.status);
  if (result.headers) {
    for (const [name, value] of Object.entries(result.headers)) {
      if (value !== undefined) res.setHeader(name, Array.isArray(value) ? value.map(String) : String(value));
    }
  }
  if (result.body === undefined) {
    res.end();
    return;
  }
  const contentType = declared?.contentType;
  if (contentType !== undefined && !isJsonMediaType(contentType)) {
    res.type(contentType).send(result.body);
    return;
  }
  if (contentType !== undefined && contentType !== 'application/json') res.type(contentType);
  res.json(result.body);
}
