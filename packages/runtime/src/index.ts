/**
 * @specfirst/runtime: what generated code imports at run time. It starts with RFC 9457 problem
 * details; routers, validation glue and clients arrive with the code generator.
 */
export { HttpProblem, isHttpProblem, type ProblemDetails } from './problem.js';
