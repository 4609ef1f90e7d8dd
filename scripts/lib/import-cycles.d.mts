/** Types of import-cycles.mjs, for the test that imports it. */
export declare function sourceFiles(dir: string): string[];
export declare function importGraph(files: string[]): Map<string, string[]>;
export declare function findCycles(graph: Map<string, string[]>): string[][];
