/**
 * @specfirst/runtime: what SpecFirst-generated servers import at run time. Generated files hold
 * only types and operation definitions; the request pipeline (authentication, validation,
 * controller call, response check, problems) lives here. Clients use `@specfirst/runtime/client`,
 * which does not load Express.
 */
export { HttpProblem, isHttpProblem, type ProblemDetails } from './problem.js';
export { createServiceApp, type ServiceDefinition, type ServiceOptions, type ServiceTag } from './app.js';
export type { DocsOptions } from './reference/docs.js';
export { API_REFERENCE_CSP, renderApiReference, type ApiReferenceOptions } from './reference/api-reference.js';
export { comparePaths, createOperationsRouter, routerFor, type OperationBinding } from './router.js';
export { resolveOptions, type ResolvedOptions, type RouterOptions } from './options.js';
export { pollutingKey } from './pipeline/read-body.js';
export type { OperationDefinition, OperationResult } from './operation.js';
export type { OperationContext } from './context.js';
export type { Authenticator, Authenticators, PrincipalOf, Principals } from './auth.js';
export { jsonLogger, type Logger } from './logger.js';
export {
  MAX_REPORTED_FAILURES,
  VALIDATION_PROBLEM_TYPE,
  type CompiledValidator,
  type ValidationFailure,
  type ValidationProblem,
} from './validation.js';
export { PROBLEM_CONTENT_TYPE } from './respond.js';
export type { Express, Request, Response, Router } from 'express';
export type { HttpStatus, Status1XX, Status2XX, Status3XX, Status4XX, Status5XX } from './status.js';
