/**
 * @specfirst/spec-core: loads SpecFirst specs and OpenAPI documents into the IR.
 * Everything exported here is public API; see the package README and docs/ir.md.
 */
export * from './ir.js';
export { DIAGNOSTIC_CODES, hasErrors, sortDiagnostics, type Diagnostic, type DiagnosticCode, type Severity } from './diagnostics.js';
export { loadProject, loadProjectSync, clearProjectCache, locateProject, serviceNameForDocument, type LoadOptions, type LoadResult, type ProjectLocation } from './load.js';
export { findProjectRoot, PROJECT_FILE, DEFAULT_DIRS } from './config.js';
export { SCHEMAS_DIR, type SpecFileKind } from './schema-validate.js';
export { toCamelCase, toFileName, toPascalCase, isIdentifier } from './names.js';
export { didYouMean, plural } from './suggest.js';
export { clearParseCache } from './io.js';
export { parseYamlSource, type SourceFile } from './yaml-source.js';
