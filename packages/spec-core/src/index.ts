/**
 * @specfirst/spec-core: loads SpecFirst specs and OpenAPI documents into the IR.
 * Everything exported here is public API; see the package README and docs/ir.md.
 */
export * from './ir/ir.js';
export {
  DIAGNOSTIC_CODES,
  hasErrors,
  sortDiagnostics,
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
} from './diagnostics/diagnostics.js';
export {
  loadProject,
  loadProjectSync,
  clearProjectCache,
  locateProject,
  serviceNameForDocument,
  type LoadOptions,
  type LoadResult,
  type ProjectLocation,
} from './load/load.js';
export { findProjectRoot, PROJECT_FILE, DEFAULT_DIRS } from './load/config.js';
export { SCHEMAS_DIR, type SpecFileKind } from './load/schema-validate.js';
export { toCamelCase, toFileName, toPascalCase, isIdentifier } from './util/names.js';
export { didYouMean, plural } from './diagnostics/suggest.js';
export { clearParseCache } from './load/io.js';
export { parseYamlSource } from './yaml/yaml-source.js';
export type { SourceFile } from './yaml/source-file.js';
export {
  escapePointerSegment,
  formatPointer,
  joinPointer,
  parsePointer,
  unescapePointerSegment,
} from './util/json-pointer.js';
export { isPathInside, type PathFlavour } from './util/path-containment.js';
export {
  FRAMEWORK_RESPONSES,
  PROBLEM_MEDIA_TYPE,
  frameworkResponsesFor,
  frameworkResponsesOf,
  frameworkResponsesUncovered,
  frameworkResponsesUndeclared,
  isGuarded,
  isProblemStatus,
  type FrameworkResponse,
  type FrameworkResponseScope,
  type FrameworkStatus,
  type OperationShape,
} from './http/framework-responses.js';
export { checkFrameworkResponses } from './checks/framework-responses.js';
export {
  IR_SCHEMA_KINDS,
  walkIR,
  walkSchema,
  type IRSchemaKind,
  type IRSchemaOfKind,
  type SchemaEdge,
  type SchemaOwner,
  type SchemaVisit,
  type SchemaVisitor,
  type WalkControl,
  type WalkOptions,
} from './ir/walk.js';
export {
  consumerGroup,
  DEAD_LETTER_SUFFIX,
  DEAD_LETTER_WIRE,
  deadLetterStreamKey,
  MESSAGE_CONTENT_TYPE,
  streamKey,
  WIRE,
} from './messaging/streams.js';
export { TOPIC_DEFAULTS } from './formats/specfirst/messaging.js';
