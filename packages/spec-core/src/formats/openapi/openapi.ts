/**
 * OpenAPI 3.0 / 3.1 import: a document (and the files its `$ref`s reach) → the same REST
 * description our own format produces, plus models from `components/schemas`.
 *
 * `$ref`s are resolved locally only: remote references are refused without touching the
 * network, and files outside the project root are never read.
 */
import path from 'node:path';
import { type BuildContext, readSpecFile, report, resolveInsideRoot } from '../../load/context.js';
import type { Loader } from '../../load/io.js';
import type {
  HttpMethod,
  IRBody,
  IRLocation,
  IROperation,
  IRParameter,
  IRResponse,
  IRResponseHeader,
  IRSchema,
  IRSchemaBase,
  IRSecurityRequirement,
  IRSecurityScheme,
  IRServiceInfo,
  IRTag,
} from '../../ir/ir.js';
import { diagnosticAtLoc, inSourceOrder, irLoc } from '../../diagnostics/location.js';
import type { Diagnostic } from '../../diagnostics/diagnostics.js';
import { validateOpenApiDocument } from '../../load/openapi-validate.js';
import {
  importedMethodIdentifiers,
  methodNameOf,
  modelNameForFile,
  toFileName,
  toPascalCase,
  typeIdentifierFor,
} from '../../util/names.js';
import { assignExpressNames } from '../common/url-templates.js';
import {
  checkSchemeNames,
  reasonPhrase,
  type RestDescription,
  securitySchemeFrom,
  sortResponses,
} from '../common/http.js';
import { type ConvertContext, convertSchema, type SchemaDialect } from '../common/schema-convert.js';
import { isRecord } from '../../util/records.js';
import { didYouMean } from '../../diagnostics/suggest.js';
import { joinPointer, unescapePointerSegment } from '../../util/json-pointer.js';
import type { SourceFile } from '../../yaml/source-file.js';

const METHODS: HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_REF_HOPS = 32;
const MAX_INLINE_DEPTH = 64;
const MAX_INLINED_SCHEMAS = 20_000;
const REMOTE_REF = /^[a-z][a-z0-9+.-]*:|^\/\//i;

/** `decodeURIComponent` without the throw: a malformed `%` escape gives undefined. */
function decodeRefPart(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

type Raw = Record<string, unknown>;

interface Resolved {
  source: SourceFile;
  pointer: string;
  value: unknown;
}

export interface OpenApiImport extends RestDescription {
  version: string;
  title?: string;
  info?: IRServiceInfo;
}

/** Checks the document's version; reports and returns undefined when it cannot be imported. */
export function openApiVersion(ctx: BuildContext, source: SourceFile): string | undefined {
  const doc = source.value;
  const at = (pointer: string): IRLocation => irLoc(source, pointer);
  if (!isRecord(doc)) {
    report(
      ctx,
      at(''),
      'SF6004',
      'not an OpenAPI document: expected a mapping with an `openapi` key',
      'an OpenAPI document starts with `openapi: 3.1.0` (or 3.0.x)',
    );
    return undefined;
  }
  if (doc.swagger !== undefined) {
    report(
      ctx,
      at('/swagger'),
      'SF6001',
      `Swagger ${String(doc.swagger)} is not supported; SpecFirst reads OpenAPI 3.0 and 3.1`,
      'convert the document to OpenAPI 3 first, e.g. with `npx swagger2openapi in.yaml -o out.yaml`',
    );
    return undefined;
  }
  const version = doc.openapi;
  if (version === undefined) {
    report(
      ctx,
      at(''),
      'SF6004',
      'not an OpenAPI document: the `openapi` key is missing',
      'add `openapi: 3.1.0` at the top',
    );
    return undefined;
  }
  if (typeof version !== 'string' || !/^3\.[01]\.\d+(-.+)?$/.test(version)) {
    report(
      ctx,
      at('/openapi'),
      'SF6001',
      `OpenAPI version ${JSON.stringify(version)} is not supported; SpecFirst reads 3.0.x and 3.1.x`,
      typeof version === 'number' ? 'quote the version: `openapi: "3.1.0"`' : 'use `openapi: 3.1.0`',
    );
    return undefined;
  }
  return version;
}

/** Imports `source` as the REST description of `service`. */
export function* importOpenApi(
  ctx: BuildContext,
  source: SourceFile,
  service: string,
): Loader<OpenApiImport | undefined> {
  const version = openApiVersion(ctx, source);
  if (version === undefined) return undefined;
  const structural = validateOpenApiDocument(version, source);
  const files = yield* loadReferencedFiles(ctx, source);
  const before = ctx.diagnostics.length;
  const result = new OpenApiImporter(ctx, source, files, service, version).run();
  ctx.diagnostics.push(...withoutImporterDuplicates(structural, ctx.diagnostics.slice(before)));
  return result;
}

/**
 * The importer's own diagnostic says more (with its own code and hint) than the schema's about the
 * same node: a schema error at a node the importer reported on, or above it, is left out.
 */
function withoutImporterDuplicates(structural: Diagnostic[], imported: Diagnostic[]): Diagnostic[] {
  const covers = (schemaError: string, importer: string): boolean =>
    importer === schemaError || importer.startsWith(`${schemaError}/`);
  return structural.filter(
    (d) =>
      !imported.some(
        (r) => r.file === d.file && r.pointer !== undefined && d.pointer !== undefined && covers(d.pointer, r.pointer),
      ),
  );
}

/** Loads every file reachable through `$ref`s, refusing remote ones and those outside the root. */
function* loadReferencedFiles(ctx: BuildContext, rootSource: SourceFile): Loader<Map<string, SourceFile>> {
  const files = new Map<string, SourceFile>([[rootSource.absPath, rootSource]]);
  const queue = [rootSource];
  for (let source = queue.shift(); source; source = queue.shift()) {
    for (const { ref, pointer } of mayReferToOtherFiles(source.text) ? collectNonLocalRefs(source.value) : []) {
      const loc = irLoc(source, pointer);
      if (REMOTE_REF.test(ref)) {
        report(
          ctx,
          loc,
          'SF6002',
          `remote $ref \`${ref}\` refused: SpecFirst never fetches specs over the network`,
          'download the file into the project and refer to it by a relative path',
        );
        continue;
      }
      const filePart = ref.split('#')[0] ?? '';
      const decoded = decodeRefPart(filePart);
      if (decoded === undefined) {
        report(
          ctx,
          loc,
          'SF6003',
          `cannot resolve $ref \`${ref}\`: malformed %-escape in the file name`,
          'write `%25` for a literal `%`',
        );
        continue;
      }
      const absPath = resolveInsideRoot(ctx, path.dirname(source.absPath), decoded, loc, '$ref');
      if (absPath === undefined || files.has(absPath)) continue;
      const loaded = yield* readSpecFile(ctx, absPath, { required: true, referencedFrom: loc, what: '$ref target' });
      if (loaded) {
        files.set(absPath, loaded);
        queue.push(loaded);
      }
    }
  }
  return files;
}

/**
 * False when every `$ref` in the text is a local `#...` one, so the walk can be skipped (most
 * documents are single files). Conservative: anything it cannot read at a glance says true.
 */
function mayReferToOtherFiles(text: string): boolean {
  // A key can spell any of its letters as an escape (`"\x24ref"`, `"$\u0072ef"`): then walk.
  if (/\\[xuU]/.test(text)) return true;
  const localRef = /^\$ref['"]?[ \t]*:[ \t]*['"]?#/;
  for (let i = text.indexOf('$ref'); i !== -1; i = text.indexOf('$ref', i + 4)) {
    if (!localRef.test(text.slice(i, i + 24))) return true;
  }
  return false;
}

interface WalkEntry {
  value: unknown;
  parent: WalkEntry | undefined;
  key: string | number;
}

/**
 * The `$ref`s that name another file or a remote document (`#/...` ones need no loading). The
 * JSON pointer of each is built only for those found, from parent links: building one for every
 * node of a 9,000-line document cost more than the walk itself.
 */
function collectNonLocalRefs(root: unknown): { ref: string; pointer: string }[] {
  const refs: { ref: string; pointer: string }[] = [];
  const pointerOf = (entry: WalkEntry | undefined): string =>
    entry?.parent ? joinPointer(pointerOf(entry.parent), entry.key) : '';
  const stack: WalkEntry[] = [{ value: root, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const value = entry.value;
    if (Array.isArray(value))
      value.forEach(
        (item, i) => typeof item === 'object' && item !== null && stack.push({ value: item, parent: entry, key: i }),
      );
    else if (isRecord(value)) {
      for (const key in value) {
        const child = value[key];
        if (key === '$ref' && typeof child === 'string') {
          if (!child.startsWith('#')) refs.push({ ref: child, pointer: joinPointer(pointerOf(entry), key) });
        } else if (typeof child === 'object' && child !== null) stack.push({ value: child, parent: entry, key });
      }
    }
  }
  return refs;
}

class OpenApiImporter {
  private readonly convert: ConvertContext;
  /** Models declared so far, by `absPath#name`, so a model reached from many places is declared once. */
  private readonly declaredModels = new Set<string>();
  /** Schemas being inlined, to catch `$ref` cycles that no named model breaks. */
  private readonly inlining = new Set<string>();
  private inlinedCount = 0;

  constructor(
    private readonly ctx: BuildContext,
    private readonly root: SourceFile,
    private readonly files: Map<string, SourceFile>,
    private readonly service: string,
    private readonly version: string,
  ) {
    const dialect: SchemaDialect = {
      name: 'openapi',
      resolveRef: (ref, src, pointer, base) => this.schemaRef(ref, src, pointer, base),
    };
    this.convert = { dialect, diagnostics: ctx.diagnostics };
  }

  run(): OpenApiImport {
    const doc = this.root.value as Raw;
    const components = isRecord(doc.components) ? doc.components : {};
    const schemas = isRecord(components.schemas) ? components.schemas : {};
    for (const [name, raw] of Object.entries(schemas))
      this.declareModel(this.root, name, joinPointer('/components/schemas', name), raw);

    const securitySchemes = this.readSecuritySchemes(components.securitySchemes);
    const schemeNames = securitySchemes.map((s) => s.name);
    const defaultSecurity = this.readSecurity(doc.security, '/security', schemeNames) ?? [];
    const tagDescriptions = new Map<string, string>();
    if (Array.isArray(doc.tags)) {
      for (const tag of doc.tags)
        if (isRecord(tag) && typeof tag.name === 'string' && typeof tag.description === 'string')
          tagDescriptions.set(tag.name, tag.description);
    }

    const operations: IROperation[] = [];
    const paths = isRecord(doc.paths) ? doc.paths : {};
    for (const [pathTemplate, itemRaw] of Object.entries(paths)) {
      const item = this.deref(itemRaw, this.root, joinPointer('/paths', pathTemplate));
      if (!item || !isRecord(item.value)) continue;
      const pathParams = this.readParameters(
        item.value.parameters,
        item.source,
        joinPointer(item.pointer, 'parameters'),
      );
      for (const method of METHODS) {
        const opRaw = item.value[method];
        if (!isRecord(opRaw)) continue;
        const op = this.buildOperation(
          pathTemplate,
          method,
          opRaw,
          item.source,
          joinPointer(item.pointer, method),
          pathParams,
          schemeNames,
          defaultSecurity,
        );
        if (op) operations.push(op);
      }
    }

    // Numbered as written, so the operation first in the document keeps a contested method name.
    const written = inSourceOrder(operations);
    const identifiers = importedMethodIdentifiers(written.map((op) => op.operationId));
    written.forEach((op, i) => (op.identifier = identifiers[i] ?? op.identifier));
    const tags = this.buildTags(operations, tagDescriptions);
    const result: OpenApiImport = {
      version: this.version,
      basePath: this.basePath(doc.servers),
      tags,
      operations,
      securitySchemes,
    };
    if (isRecord(doc.info) && typeof doc.info.title === 'string') result.title = doc.info.title;
    const info = readInfo(doc.info);
    if (info) result.info = info;
    return result;
  }

  // --- references ----------------------------------------------------------------------------

  /** Resolves one `$ref` string relative to `from`; reports and returns undefined when it cannot. */
  private resolve(ref: string, from: SourceFile, refPointer: string): Resolved | undefined {
    const [filePart = '', fragment = ''] = ref.split('#', 2);
    let source = from;
    if (filePart !== '') {
      if (REMOTE_REF.test(ref)) return undefined; // refused while loading
      const decoded = decodeRefPart(filePart);
      const loaded =
        decoded === undefined ? undefined : this.files.get(path.resolve(path.dirname(from.absPath), decoded));
      if (!loaded) return undefined; // malformed, missing or outside the root: reported while loading
      source = loaded;
    }
    let value: unknown = source.value;
    let pointer = '';
    const segments = fragment === '' ? [] : fragment.split('/').slice(1);
    if (fragment !== '' && !fragment.startsWith('/')) {
      report(
        this.ctx,
        irLoc(from, refPointer),
        'SF6003',
        `cannot resolve $ref \`${ref}\`: the fragment must be a JSON pointer starting with \`/\``,
        'e.g. `#/components/schemas/User`',
      );
      return undefined;
    }
    for (const raw of segments) {
      const decoded = decodeRefPart(raw);
      if (decoded === undefined) {
        report(
          this.ctx,
          irLoc(from, refPointer),
          'SF6003',
          `cannot resolve $ref \`${ref}\`: malformed %-escape in \`${raw}\``,
          'write `%25` for a literal `%`',
        );
        return undefined;
      }
      const segment = unescapePointerSegment(decoded);
      const next = Array.isArray(value)
        ? value[Number(segment)]
        : isRecord(value) && Object.hasOwn(value, segment)
          ? value[segment]
          : undefined;
      if (next === undefined) {
        const available = isRecord(value) ? Object.keys(value) : [];
        report(
          this.ctx,
          irLoc(from, refPointer),
          'SF6003',
          `cannot resolve $ref \`${ref}\`: \`${segment}\` does not exist${pointer === '' ? '' : ` under \`${pointer}\``}`,
          available.length > 0 ? didYouMean(segment, available, 'key') : 'check the JSON pointer',
        );
        return undefined;
      }
      value = next;
      pointer = joinPointer(pointer, segment);
    }
    return { source, pointer, value };
  }

  /** Follows `$ref` chains of non-schema objects (parameters, responses, ...). */
  private deref(value: unknown, source: SourceFile, pointer: string): Resolved | undefined {
    let current: Resolved = { source, pointer, value };
    const seen = new Set<string>();
    for (let hops = 0; isRecord(current.value) && typeof current.value.$ref === 'string'; hops++) {
      const key = `${current.source.absPath}#${current.pointer}`;
      if (seen.has(key)) {
        report(
          this.ctx,
          irLoc(current.source, current.pointer),
          'SF2002',
          `$ref chain loops back on itself at \`${current.pointer}\``,
          'point the $ref at the object itself',
        );
        return undefined;
      }
      if (hops >= MAX_REF_HOPS) {
        report(
          this.ctx,
          irLoc(current.source, current.pointer),
          'SF1004',
          `$ref chain longer than ${MAX_REF_HOPS} hops`,
          'point the $ref at the object itself instead of at another $ref',
        );
        return undefined;
      }
      seen.add(key);
      const next = this.resolve(current.value.$ref, current.source, joinPointer(current.pointer, '$ref'));
      if (!next) return undefined;
      current = next;
    }
    return current;
  }

  /** The schema dialect's `$ref` hook: named models become references, anything else is inlined. */
  private schemaRef(ref: string, from: SourceFile, refPointer: string, base: IRSchemaBase): IRSchema {
    const target = this.resolve(ref, from, refPointer);
    if (!target) return { ...base, kind: 'any' };
    const modelMatch = /^\/components\/schemas\/([^/]+)$/.exec(target.pointer);
    const modelName = modelMatch
      ? unescapePointerSegment(modelMatch[1] ?? '')
      : target.pointer === '' && target.source !== this.root
        ? modelNameForFile(target.source.file)
        : undefined;
    if (modelName !== undefined && modelName !== '') {
      this.declareModel(target.source, modelName, target.pointer, target.value);
      // Located at the `$ref` itself, as in our own format, so "unknown model" and "go to
      // definition" start from the reference.
      return this.ctx.models.ref(modelName, { ...base, loc: irLoc(from, refPointer) });
    }
    const key = `${target.source.absPath}#${target.pointer}`;
    // Inlining copies the target: bound how deep and how often, or a few kilobytes of nested
    // `$ref`s could expand exponentially or overflow the stack.
    if (this.inlining.size >= MAX_INLINE_DEPTH || ++this.inlinedCount > MAX_INLINED_SCHEMAS) {
      // Past the budget every further $ref would say the same: report it once.
      if (this.inlinedCount > MAX_INLINED_SCHEMAS + 1) return { ...base, kind: 'any' };
      report(
        this.ctx,
        irLoc(from, refPointer),
        this.inlining.size >= MAX_INLINE_DEPTH ? 'SF1004' : 'SF1003',
        `$ref \`${ref}\` inlines schemas ${this.inlining.size >= MAX_INLINE_DEPTH ? `more than ${MAX_INLINE_DEPTH} levels deep` : `more than ${MAX_INLINED_SCHEMAS} times`}`,
        'move the schemas it reaches under `components/schemas`, so they are referenced by name instead of copied',
      );
      return { ...base, kind: 'any' };
    }
    if (this.inlining.has(key)) {
      report(
        this.ctx,
        irLoc(from, refPointer),
        'SF2002',
        `$ref \`${ref}\` refers back to a schema that contains it, and no named model breaks the cycle`,
        'move the recursive schema under `components/schemas` so it becomes a named model',
      );
      return { ...base, kind: 'any' };
    }
    this.inlining.add(key);
    const schema = convertSchema(target.value, target.source, target.pointer, this.convert);
    this.inlining.delete(key);
    // Siblings of `$ref` (3.1 allows them; 3.0 documents use `nullable` there in practice) refine the target.
    return {
      ...schema,
      ...(base.description !== undefined ? { description: base.description } : {}),
      nullable: schema.nullable || base.nullable,
      loc: base.loc,
    };
  }

  private declareModel(source: SourceFile, name: string, pointer: string, raw: unknown): void {
    const key = `${source.absPath}#${name}`;
    if (this.declaredModels.has(key)) return;
    this.declaredModels.add(key);
    const loc = irLoc(source, pointer);
    const identifier = typeIdentifierFor(name);
    if (identifier === undefined) {
      report(
        this.ctx,
        loc,
        'SF2005',
        `schema name \`${name}\` cannot become a TypeScript type name`,
        'rename it to start with a letter, e.g. `Model' + toPascalCase(name) + '`',
      );
    }
    const schema = convertSchema(raw, source, pointer, this.convert);
    this.ctx.models.declare(
      {
        name,
        identifier: identifier ?? `Model${this.declaredModels.size}`,
        variant: 'model',
        schema,
        ...(schema.description !== undefined ? { description: schema.description } : {}),
        fromService: this.service,
        loc,
      },
      this.ctx.diagnostics,
    );
  }

  // --- operations ----------------------------------------------------------------------------

  private buildOperation(
    pathTemplate: string,
    method: HttpMethod,
    raw: Raw,
    source: SourceFile,
    pointer: string,
    pathParams: IRParameter[],
    schemeNames: string[],
    defaultSecurity: IRSecurityRequirement[],
  ): IROperation | undefined {
    const operationId =
      typeof raw.operationId === 'string' && raw.operationId !== ''
        ? raw.operationId
        : derivedOperationId(method, pathTemplate);
    // A provisional name: run() gives every operation of the document its final one.
    const identifier = methodNameOf(operationId);
    const loc = irLoc(source, pointer);
    if (identifier === undefined) {
      report(
        this.ctx,
        irLoc(source, joinPointer(pointer, 'operationId')),
        'SF2005',
        `operationId \`${operationId}\` cannot become a method name`,
        'use letters and digits, starting with a letter, e.g. `getUser`',
      );
      return undefined;
    }
    const own = this.readParameters(raw.parameters, source, joinPointer(pointer, 'parameters'));
    // Operation parameters override path-level ones with the same name and location.
    const parameters = [...pathParams.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
    const tagName = Array.isArray(raw.tags) && typeof raw.tags[0] === 'string' ? raw.tags[0] : 'default';
    const op: IROperation = {
      operationId,
      identifier,
      service: this.service,
      tag: tagName,
      method,
      path: pathTemplate,
      expressPath: assignExpressNames(pathTemplate, parameters),
      deprecated: raw.deprecated === true,
      parameters,
      responses: this.readResponses(raw.responses, source, joinPointer(pointer, 'responses')),
      security:
        this.readSecurity(raw.security, joinPointer(pointer, 'security'), schemeNames, source) ?? defaultSecurity,
      loc,
    };
    if (typeof raw.summary === 'string') op.summary = raw.summary;
    if (typeof raw.description === 'string') op.description = raw.description;
    const body = this.readBody(raw.requestBody, source, joinPointer(pointer, 'requestBody'));
    if (body) op.body = body;
    return op;
  }

  private readParameters(raw: unknown, source: SourceFile, pointer: string): IRParameter[] {
    if (!Array.isArray(raw)) return [];
    const parameters: IRParameter[] = [];
    raw.forEach((item, i) => {
      const resolved = this.deref(item, source, joinPointer(pointer, i));
      if (!resolved || !isRecord(resolved.value)) return;
      const p = resolved.value;
      const location = p.in;
      if (
        typeof p.name !== 'string' ||
        (location !== 'path' && location !== 'query' && location !== 'header' && location !== 'cookie')
      )
        return;
      const media = this.pickMedia(p.content, resolved.source, joinPointer(resolved.pointer, 'content'));
      const schemaPointer = media ? joinPointer(media.pointer, 'schema') : joinPointer(resolved.pointer, 'schema');
      const schemaRaw = media ? media.value.schema : p.schema;
      const param: IRParameter = {
        name: p.name,
        in: location,
        required: p.required === true,
        schema: convertSchema(schemaRaw ?? {}, resolved.source, schemaPointer, this.convert),
        loc: irLoc(resolved.source, resolved.pointer),
      };
      if (typeof p.description === 'string') param.description = p.description;
      if (p.deprecated === true) param.deprecated = true;
      parameters.push(param);
    });
    return parameters;
  }

  private readBody(raw: unknown, source: SourceFile, pointer: string): IRBody | undefined {
    if (raw === undefined) return undefined;
    const resolved = this.deref(raw, source, pointer);
    if (!resolved || !isRecord(resolved.value)) return undefined;
    const media = this.pickMedia(resolved.value.content, resolved.source, joinPointer(resolved.pointer, 'content'));
    if (!media) return undefined;
    const schemaPointer = joinPointer(media.pointer, 'schema');
    const body: IRBody = {
      contentType: media.contentType,
      required: resolved.value.required === true,
      schema: convertSchema(media.value.schema ?? {}, resolved.source, schemaPointer, this.convert),
      loc: irLoc(resolved.source, resolved.pointer),
    };
    if (typeof resolved.value.description === 'string') body.description = resolved.value.description;
    return body;
  }

  private readResponses(raw: unknown, source: SourceFile, pointer: string): IRResponse[] {
    if (!isRecord(raw)) return [];
    const responses: IRResponse[] = [];
    for (const [statusKey, value] of Object.entries(raw)) {
      const status = parseStatus(statusKey);
      if (status === undefined) continue;
      const resolved = this.deref(value, source, joinPointer(pointer, statusKey));
      if (!resolved) {
        // The broken `$ref` is reported where it is written; the status is still declared, so keep
        // it (without a body) instead of making the operation look as if it had no responses.
        responses.push({
          status,
          description: reasonPhrase(statusKey),
          headers: [],
          loc: irLoc(source, joinPointer(pointer, statusKey)),
        });
        continue;
      }
      if (!isRecord(resolved.value)) continue;
      const r = resolved.value;
      const response: IRResponse = {
        status,
        description: typeof r.description === 'string' ? r.description : reasonPhrase(statusKey),
        headers: [],
        loc: irLoc(source, joinPointer(pointer, statusKey)),
      };
      const media = this.pickMedia(r.content, resolved.source, joinPointer(resolved.pointer, 'content'));
      if (media) {
        response.contentType = media.contentType;
        if (media.value.schema !== undefined) {
          const schemaPointer = joinPointer(media.pointer, 'schema');
          response.schema = convertSchema(media.value.schema, resolved.source, schemaPointer, this.convert);
        }
      }
      if (isRecord(r.headers)) {
        for (const [name, headerRaw] of Object.entries(r.headers)) {
          const header = this.deref(
            headerRaw,
            resolved.source,
            joinPointer(joinPointer(resolved.pointer, 'headers'), name),
          );
          if (!header || !isRecord(header.value)) continue;
          const h = header.value;
          const schemaPointer = joinPointer(header.pointer, 'schema');
          const irHeader: IRResponseHeader = {
            name,
            required: h.required === true,
            schema: convertSchema(h.schema ?? {}, header.source, schemaPointer, this.convert),
            loc: irLoc(header.source, header.pointer),
          };
          if (typeof h.description === 'string') irHeader.description = h.description;
          response.headers.push(irHeader);
        }
      }
      responses.push(response);
    }
    return sortResponses(responses);
  }

  /** The JSON media type when there is one, else the first listed. */
  private pickMedia(
    content: unknown,
    source: SourceFile,
    pointer: string,
  ): { contentType: string; pointer: string; value: Raw } | undefined {
    if (!isRecord(content)) return undefined;
    const types = Object.keys(content);
    const contentType =
      types.find((t) => t === 'application/json') ??
      types.find((t) => /^application\/([\w.-]+\+)?json\b/.test(t)) ??
      types[0];
    if (contentType === undefined) return undefined;
    const resolved = this.deref(content[contentType], source, joinPointer(pointer, contentType));
    if (!resolved || !isRecord(resolved.value))
      return { contentType, pointer: joinPointer(pointer, contentType), value: {} };
    return { contentType, pointer: resolved.pointer, value: resolved.value };
  }

  // --- security, tags, servers --------------------------------------------------------------

  private readSecuritySchemes(raw: unknown): IRSecurityScheme[] {
    if (!isRecord(raw)) return [];
    const schemes: IRSecurityScheme[] = [];
    for (const name of Object.keys(raw)) {
      const resolved = this.deref(raw[name], this.root, joinPointer('/components/securitySchemes', name));
      if (resolved && isRecord(resolved.value))
        schemes.push(securitySchemeFrom(name, resolved.value, irLoc(resolved.source, resolved.pointer)));
    }
    return schemes;
  }

  private readSecurity(
    raw: unknown,
    pointer: string,
    schemeNames: string[],
    source: SourceFile = this.root,
  ): IRSecurityRequirement[] | undefined {
    if (!Array.isArray(raw)) return undefined;
    return raw.map((requirement, i) => {
      const schemes = isRecord(requirement)
        ? Object.entries(requirement).map(([scheme, scopes]) => ({
            scheme,
            scopes: Array.isArray(scopes) ? scopes.map(String) : [],
          }))
        : [];
      checkSchemeNames(source, joinPointer(pointer, i), schemes, schemeNames, this.ctx.diagnostics);
      return { schemes };
    });
  }

  private buildTags(operations: IROperation[], descriptions: Map<string, string>): IRTag[] {
    const tags = new Map<string, IRTag>();
    for (const op of operations) {
      let tag = tags.get(op.tag);
      if (!tag) {
        tag = {
          name: op.tag,
          identifier: toPascalCase(op.tag),
          fileName: toFileName(op.tag),
          operations: [],
          loc: op.loc,
        };
        const description = descriptions.get(op.tag);
        if (description !== undefined) tag.description = description;
        tags.set(op.tag, tag);
      }
      tag.operations.push(op.operationId);
    }
    return [...tags.values()];
  }

  /** The path part of the first server URL (`https://host/api` → `/api`), variables filled with their defaults. */
  private basePath(servers: unknown): string {
    if (!Array.isArray(servers) || !isRecord(servers[0]) || typeof servers[0].url !== 'string') return '';
    const server = servers[0];
    const variables = isRecord(server.variables) ? server.variables : {};
    const url = String(server.url).replace(/\{([^}]+)\}/g, (whole, name: string) => {
      const variable = variables[name];
      return isRecord(variable) && variable.default !== undefined ? String(variable.default) : whole;
    });
    const withoutOrigin = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^\{[^}]*\}:\/\/[^/]*/, '');
    const pathOnly = withoutOrigin.split(/[?#]/)[0] ?? '';
    const trimmed = pathOnly.replace(/\/+$/, '');
    // Only a plain path is used as the mount point; anything else (a variable left over, odd
    // characters) is ignored rather than carried into generated code.
    if (/^(\/[A-Za-z0-9._~-]+)*$/.test(trimmed)) return trimmed;
    this.ctx.diagnostics.push(
      diagnosticAtLoc(irLoc(this.root, '/servers/0/url'), {
        code: 'SF3010',
        severity: 'warning',
        message: `the path of the first server URL, \`${trimmed}\`, is not a plain path; routes are mounted at \`/\``,
        hint: 'use a path of letters, digits, `.`, `_`, `~` and `-` segments, e.g. `https://api.example.com/v1`',
      }),
    );
    return '';
  }
}

/**
 * The document's `info`, string values only: anything else (a number `version: 1.0`, a license
 * without a `name`) is left out silently, as the rest of the import does with malformed parts.
 */
function readInfo(raw: unknown): IRServiceInfo | undefined {
  if (!isRecord(raw)) return undefined;
  const info: IRServiceInfo = {};
  for (const key of ['title', 'summary', 'description', 'version', 'termsOfService'] as const) {
    const value = raw[key];
    if (typeof value === 'string') info[key] = value;
  }
  if (isRecord(raw.contact)) {
    const contact: NonNullable<IRServiceInfo['contact']> = {};
    for (const key of ['name', 'url', 'email'] as const) {
      const value = raw.contact[key];
      if (typeof value === 'string') contact[key] = value;
    }
    if (Object.keys(contact).length > 0) info.contact = contact;
  }
  if (isRecord(raw.license) && typeof raw.license.name === 'string') {
    const license: NonNullable<IRServiceInfo['license']> = { name: raw.license.name };
    for (const key of ['identifier', 'url'] as const) {
      const value = raw.license[key];
      if (typeof value === 'string') license[key] = value;
    }
    info.license = license;
  }
  return Object.keys(info).length > 0 ? info : undefined;
}

function parseStatus(key: string): IRResponse['status'] | undefined {
  if (key === 'default') return 'default';
  if (/^[1-5]XX$/i.test(key)) return `${key[0]}XX` as IRResponse['status'];
  if (/^[1-5]\d\d$/.test(key)) return Number(key);
  return undefined;
}

/** `get /users/{id}/posts` → `getUsersIdPosts`, for operations without an operationId. */
function derivedOperationId(method: HttpMethod, pathTemplate: string): string {
  return method + toPascalCase(pathTemplate.replace(/[{}]/g, ' '));
}
