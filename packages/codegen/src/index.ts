/**
 * @specfirst/codegen: turns the IR into TypeScript. This first piece fixes where every generated
 * file goes; the generators themselves build on it.
 */
export { plannedFiles, type PlannedFile } from './layout.js';
