/** Types of cli-reference.mjs, for the test that imports it. */
export declare const REFERENCE_FILE: string;
export declare const REGENERATE: string;
export declare const HELP_WIDTH: number;
/** `buildProgram` is packages/cli's export of that name (typed loosely: commander is not a dependency of the repository root). */
export declare function renderCliReference(
  buildProgram: (out: never, setExit: (code: number) => void) => unknown,
): string;
