export { main, buildProgram, EXIT } from './main.js';
export type { Output } from './output.js';
