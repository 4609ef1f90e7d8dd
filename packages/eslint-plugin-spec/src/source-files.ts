/**
 * The files the spec rules read: every JavaScript and TypeScript extension, in one list for the
 * shared configs' `files`, the ESLint config and the lint-staged config `specfirst init` writes.
 * The rules themselves decide from the spec which of them are services or generated code.
 */
export const SOURCE_EXTENSIONS = ['ts', 'mts', 'cts', 'tsx', 'js', 'mjs', 'cjs', 'jsx'] as const;

/** A glob for every source file: `*.{ts,mts,…}` (for lint-staged, which matches names), or under a folder. */
export function sourceGlob(folder = '**'): string {
  return `${folder === '' ? '' : `${folder}/`}*.{${SOURCE_EXTENSIONS.join(',')}}`;
}
