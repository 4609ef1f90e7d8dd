// Types of legacy.cjs, the entry `.eslintrc` loaders require(): the same plugin object as the ES module's default export.
import type esm from './dist/index.js' with { 'resolution-mode': 'import' };

declare const plugin: typeof esm;
export = plugin;
