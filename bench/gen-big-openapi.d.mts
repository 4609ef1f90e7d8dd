/** Types of gen-big-openapi.mjs, for the TypeScript tests that generate the benchmark document. */
export function bigOpenApi(n: number): string;
export function writeBigOpenApi(n: number, file: string): string;
