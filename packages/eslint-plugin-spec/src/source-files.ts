/**
 * The files the spec rules read: every JavaScript and TypeScript extension, in one list for the
 * shared configs' `files`, and for the ESLint and lint-staged configs `specfirst init` writes. The
 * rules themselves decide from the spec which of these files are services or generated code.
 */
export const SOURCE_EXTENSIONS = ['ts', 'mts', 'cts', 'tsx', 'js', 'mjs', 'cjs', 'jsx'] as const;

/** A glob of every source file, at any depth: anywhere (`**\/*.{ts,mts,…}`), or under `folder`. */
export function sourceGlob(folder?: string): string {
  return `${folder === undefined ? '' : `${folder}/`}**/*.{${SOURCE_EXTENSIONS.join(',')}}`;
}
