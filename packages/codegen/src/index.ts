/**
 * @specfirst/codegen: turns the IR into TypeScript. This first piece fixes where every generated
 * file goes; the generators themselves build on it.
 */
export { plannedFiles, type PlannedFile } from './layout.js';
export { openApiDocument, type OpenApiDocument, type OpenApiOperation, type OpenApiParameter, type OpenApiResponse, type OpenApiMediaType, type OpenApiSecurityScheme } from './openapi/document.js';
export { stampCode, stampJson, readStamp, type Stamp } from './write/stamp.js';
export { writeOutput, isUpToDate, type OutputReport, type OutputOptions } from './write/output.js';
export { type OutputFile } from './write/plan.js';
export { OutputRefusedError } from './write/errors.js';
export { generate, type GeneratedFile } from './generate.js';
export { scaffoldFiles, type ScaffoldFile } from './emit/scaffold.js';
export { syncOutput, outputIsCurrent, syncTarget, MANIFEST, type SyncInputs, type SyncReport } from './sync.js';
