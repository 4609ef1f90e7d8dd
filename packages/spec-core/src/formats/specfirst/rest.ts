/**
 * Our REST format (`spec/rest/<service>.yaml`) → tags, operations and security schemes.
 */
import { type BuildContext, specfirstDialect } from '../../load/context.js';
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import type {
  HttpMethod,
  IRBody,
  IROperation,
  IRParameter,
  IRResponse,
  IRResponseHeader,
  IRSecurityRequirement,
  IRSecurityScheme,
  IRTag,
} from '../../ir/ir.js';
import { diagnosticAt, irLoc } from '../../diagnostics/location.js';
import { methodIdentifierFor, NAME_PATTERNS, toFileName, toPascalCase } from '../../util/names.js';
import { assignExpressNames } from '../common/url-templates.js';
import {
  checkSchemeNames,
  reasonPhrase,
  type RestDescription,
  securitySchemeFrom,
  sortResponses,
} from '../common/http.js';
import { type ConvertContext, convertSchema, isMarkedOptional } from '../common/schema-convert.js';
import { isRecord } from '../../util/records.js';
import { joinPointer } from '../../util/json-pointer.js';
import type { SourceFile } from '../../yaml/source-file.js';

export function buildRestDescription(ctx: BuildContext, source: SourceFile, service: string): RestDescription {
  const doc = isRecord(source.value) ? source.value : {};
  const convert: ConvertContext = { dialect: specfirstDialect(ctx), diagnostics: ctx.diagnostics };
  const securitySchemes = readSecuritySchemes(source, doc.securitySchemes);
  const schemeNames = securitySchemes.map((s) => s.name);
  const defaultSecurity = readSecurity(source, '/security', doc.security, schemeNames, ctx.diagnostics) ?? [];
  const basePath = typeof doc.basePath === 'string' ? doc.basePath : '';

  const tags: IRTag[] = [];
  const operations: IROperation[] = [];
  const tagsRaw = isRecord(doc.tags) ? doc.tags : {};
  for (const [tagName, tagRaw] of Object.entries(tagsRaw)) {
    if (!NAME_PATTERNS.tag.test(tagName)) continue; // reported by the schema check
    const tagPointer = joinPointer('/tags', tagName);
    const tag: IRTag = {
      name: tagName,
      identifier: toPascalCase(tagName),
      fileName: toFileName(tagName),
      operations: [],
      loc: irLoc(source, tagPointer),
    };
    if (isRecord(tagRaw) && typeof tagRaw.description === 'string') tag.description = tagRaw.description;
    tags.push(tag);
    const opsRaw = isRecord(tagRaw) && isRecord(tagRaw.operations) ? tagRaw.operations : {};
    for (const [operationId, opRaw] of Object.entries(opsRaw)) {
      if (!isRecord(opRaw) || !NAME_PATTERNS.operationId.test(operationId)) continue;
      if (methodIdentifierFor(operationId) !== operationId) {
        ctx.diagnostics.push(
          diagnosticAt(
            source,
            joinPointer(joinPointer(tagPointer, 'operations'), operationId),
            {
              code: 'SF2005',
              message: `operationId \`${operationId}\` would shadow a built-in member of every JavaScript object`,
              hint: `rename it, e.g. \`${operationId}Operation\``,
            },
            'key',
          ),
        );
        continue;
      }
      const op = buildOperation(ctx, convert, source, joinPointer(joinPointer(tagPointer, 'operations'), operationId), {
        service,
        tag: tagName,
        operationId,
        raw: opRaw,
        schemeNames,
        defaultSecurity,
      });
      tag.operations.push(operationId);
      operations.push(op);
    }
  }
  return { basePath, tags, operations, securitySchemes };
}

interface OperationInput {
  service: string;
  tag: string;
  operationId: string;
  raw: Record<string, unknown>;
  schemeNames: string[];
  defaultSecurity: IRSecurityRequirement[];
}

function buildOperation(
  ctx: BuildContext,
  convert: ConvertContext,
  source: SourceFile,
  pointer: string,
  input: OperationInput,
): IROperation {
  const { raw } = input;
  const method = (typeof raw.method === 'string' ? raw.method : 'get') as HttpMethod;
  const path = typeof raw.path === 'string' ? raw.path : '/';
  const parameters = readParameters(convert, source, pointer, raw.params);
  const op: IROperation = {
    operationId: input.operationId,
    identifier: input.operationId,
    service: input.service,
    tag: input.tag,
    method,
    path,
    expressPath: assignExpressNames(path, parameters),
    deprecated: raw.deprecated === true,
    parameters,
    responses: readResponses(convert, source, joinPointer(pointer, 'responses'), raw.responses),
    security:
      readSecurity(source, joinPointer(pointer, 'security'), raw.security, input.schemeNames, ctx.diagnostics) ??
      input.defaultSecurity,
    loc: irLoc(source, pointer),
  };
  if (typeof raw.summary === 'string') op.summary = raw.summary;
  if (typeof raw.description === 'string') op.description = raw.description;
  if (raw.body !== undefined) {
    const bodyPointer = joinPointer(pointer, 'body');
    const schema = convertSchema(raw.body, source, bodyPointer, convert);
    const body: IRBody = {
      contentType: typeof raw.contentType === 'string' ? raw.contentType : 'application/json',
      required: !isMarkedOptional(raw.body),
      schema,
      loc: irLoc(source, bodyPointer),
    };
    if (schema.description !== undefined) body.description = schema.description;
    op.body = body;
  }
  return op;
}

const PARAM_LOCATIONS = [
  ['path', 'path'],
  ['query', 'query'],
  ['headers', 'header'],
] as const;

function readParameters(convert: ConvertContext, source: SourceFile, opPointer: string, raw: unknown): IRParameter[] {
  const parameters: IRParameter[] = [];
  if (!isRecord(raw)) return parameters;
  for (const [group, location] of PARAM_LOCATIONS) {
    const map = raw[group];
    if (!isRecord(map)) continue;
    for (const [name, schemaRaw] of Object.entries(map)) {
      const pointer = joinPointer(joinPointer(joinPointer(opPointer, 'params'), group), name);
      const schema = convertSchema(schemaRaw, source, pointer, convert);
      const param: IRParameter = {
        name,
        in: location,
        required: !isMarkedOptional(schemaRaw),
        schema,
        loc: irLoc(source, pointer),
      };
      if (schema.description !== undefined) param.description = schema.description;
      if (schema.deprecated) param.deprecated = true;
      parameters.push(param);
    }
  }
  return parameters;
}

/**
 * The responses of a REST file's operation (status → model name, `null`, or a mapping). Also reads
 * the `responses` of an operation override in services.yaml, which are written the same way.
 * Keys that are no status are skipped: the schema check reports them.
 */
export function readResponses(
  convert: ConvertContext,
  source: SourceFile,
  pointer: string,
  raw: unknown,
): IRResponse[] {
  const responses: IRResponse[] = [];
  if (!isRecord(raw)) return responses;
  for (const [status, value] of Object.entries(raw)) {
    if (!/^([1-5][0-9][0-9]|default)$/.test(status)) continue; // reported by the schema check
    const responsePointer = joinPointer(pointer, status);
    const response: IRResponse = {
      status: status === 'default' ? 'default' : Number(status),
      description: reasonPhrase(status),
      headers: [],
      loc: irLoc(source, responsePointer),
    };
    if (typeof value === 'string') {
      response.schema = convertSchema(value, source, responsePointer, convert);
      response.contentType = 'application/json';
    } else if (isRecord(value)) {
      if (typeof value.description === 'string') response.description = value.description;
      if (value.body !== undefined) {
        const bodyPointer = joinPointer(responsePointer, 'body');
        response.schema = convertSchema(value.body, source, bodyPointer, convert);
        response.contentType = typeof value.contentType === 'string' ? value.contentType : 'application/json';
      }
      if (isRecord(value.headers)) {
        for (const [name, headerRaw] of Object.entries(value.headers)) {
          const headerPointer = joinPointer(joinPointer(responsePointer, 'headers'), name);
          const schema = convertSchema(headerRaw, source, headerPointer, convert);
          const header: IRResponseHeader = {
            name,
            required: !isMarkedOptional(headerRaw),
            schema,
            loc: irLoc(source, headerPointer),
          };
          if (schema.description !== undefined) header.description = schema.description;
          response.headers.push(header);
        }
      }
    }
    responses.push(response);
  }
  return sortResponses(responses);
}

function readSecuritySchemes(source: SourceFile, raw: unknown): IRSecurityScheme[] {
  const schemes: IRSecurityScheme[] = [];
  if (!isRecord(raw)) return schemes;
  for (const [name, value] of Object.entries(raw)) {
    if (!isRecord(value)) continue;
    schemes.push(securitySchemeFrom(name, value, irLoc(source, joinPointer('/securitySchemes', name))));
  }
  return schemes;
}

/**
 * `security: [bearer, [apiKey, mtls], { oauth: [read] }]` → alternatives of requirements.
 * Undefined when absent (so the caller applies the default); `[]` means public.
 */
function readSecurity(
  source: SourceFile,
  pointer: string,
  raw: unknown,
  schemeNames: string[],
  diagnostics: Diagnostic[],
): IRSecurityRequirement[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  return raw.map((alternative, i) => {
    const itemPointer = joinPointer(pointer, i);
    const schemes: IRSecurityRequirement['schemes'] = [];
    if (typeof alternative === 'string') schemes.push({ scheme: alternative, scopes: [] });
    else if (Array.isArray(alternative)) for (const s of alternative) schemes.push({ scheme: String(s), scopes: [] });
    else if (isRecord(alternative)) {
      for (const [s, scopes] of Object.entries(alternative))
        schemes.push({ scheme: s, scopes: Array.isArray(scopes) ? scopes.map(String) : [] });
    }
    checkSchemeNames(source, itemPointer, schemes, schemeNames, diagnostics);
    return { schemes };
  });
}
