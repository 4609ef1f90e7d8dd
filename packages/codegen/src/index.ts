/**
 * @specfirst/codegen: turns the IR into what `specfirst sync` writes (models, validators, routers,
 * clients, OpenAPI documents, events modules and AsyncAPI documents) and writes it safely. See
 * README.md and docs/codegen.md.
 */
export {
  openApiDocument,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
  type OpenApiReference,
  type OpenApiResponse,
  type OpenApiMediaType,
  type OpenApiSecurityScheme,
} from './openapi/document.js';
export { asyncApiDocument, type AsyncApiDocument } from './asyncapi/document.js';
export { stampCode, stampJson, stampLineComment, readStamp, type Stamp } from './write/stamp.js';
export { writeOutput, isUpToDate, type OutputReport, type OutputOptions } from './write/output.js';
export { type OutputFile } from './write/plan.js';
export { OutputRefusedError } from './write/errors.js';
export { generate, type GeneratedFile } from './generate.js';
export { scaffoldFiles, type ScaffoldFile, type ScaffoldOptions } from './emit/scaffold.js';
/** Kept here for existing imports; every generated name is in `@specfirst/codegen/names`. */
export { servicePortConst } from './names.js';
export {
  syncOutput,
  outputIsCurrent,
  outputRecord,
  syncTarget,
  MANIFEST,
  type SyncInputs,
  type SyncReport,
} from './sync.js';
