/**
 * HTTP pieces both input formats share (our REST format and OpenAPI import): the description of a
 * service's HTTP surface, reason phrases, the order of responses, security schemes.
 */
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import { diagnosticAt } from '../../diagnostics/location.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import type { IROperation, IRResponse, IRSecurityRequirement, IRSecurityScheme, IRTag } from '../../ir/ir.js';
import type { SourceFile } from '../../yaml/source-file.js';

export interface RestDescription {
  basePath: string;
  tags: IRTag[];
  operations: IROperation[];
  securitySchemes: IRSecurityScheme[];
}

const REASON_PHRASES: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '204': 'No Content',
  '301': 'Moved Permanently',
  '302': 'Found',
  '304': 'Not Modified',
  '400': 'Bad Request',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'Not Found',
  '405': 'Method Not Allowed',
  '409': 'Conflict',
  '410': 'Gone',
  '412': 'Precondition Failed',
  '413': 'Content Too Large',
  '415': 'Unsupported Media Type',
  '422': 'Unprocessable Content',
  '429': 'Too Many Requests',
  '500': 'Internal Server Error',
  '502': 'Bad Gateway',
  '503': 'Service Unavailable',
  default: 'Unexpected error',
};

export function reasonPhrase(status: string): string {
  return Object.hasOwn(REASON_PHRASES, status) ? REASON_PHRASES[status]! : `Status ${status}`;
}

export function sortResponses(responses: IRResponse[]): IRResponse[] {
  const rank = (s: IRResponse['status']): number =>
    typeof s === 'number' ? s : s === 'default' ? 1000 : Number(s[0]) * 100 + 99;
  return responses.sort((a, b) => rank(a.status) - rank(b.status));
}

/** Both formats spell security schemes the same way. */
export function securitySchemeFrom(
  name: string,
  value: Record<string, unknown>,
  loc: IRSecurityScheme['loc'],
): IRSecurityScheme {
  const scheme: IRSecurityScheme = { name, type: String(value.type) as IRSecurityScheme['type'], loc };
  if (typeof value.scheme === 'string') scheme.scheme = value.scheme.toLowerCase();
  if (typeof value.bearerFormat === 'string') scheme.bearerFormat = value.bearerFormat;
  if (value.in === 'header' || value.in === 'query' || value.in === 'cookie') scheme.in = value.in;
  if (typeof value.name === 'string') scheme.paramName = value.name;
  if (typeof value.description === 'string') scheme.description = value.description;
  return scheme;
}

export function checkSchemeNames(
  source: SourceFile,
  pointer: string,
  schemes: IRSecurityRequirement['schemes'],
  schemeNames: string[],
  diagnostics: Diagnostic[],
): void {
  for (const { scheme } of schemes) {
    if (schemeNames.includes(scheme)) continue;
    diagnostics.push(
      diagnosticAt(source, pointer, {
        code: 'SF3007',
        message: `unknown security scheme \`${scheme}\``,
        hint:
          schemeNames.length > 0
            ? didYouMean(scheme, schemeNames, 'security scheme')
            : 'declare it under `securitySchemes`',
      }),
    );
  }
}
