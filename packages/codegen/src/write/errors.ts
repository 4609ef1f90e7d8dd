/**
 * Thrown when `writeOutput` refuses a run: a bad output path, a symbolic link on the way, a file
 * specfirst did not generate where a generated one must go, contents without a stamp. It is always
 * thrown before the first change to the disk. `paths` are the offending relative paths.
 */
export class OutputRefusedError extends Error {
  override readonly name = 'OutputRefusedError';
  readonly paths: readonly string[];

  constructor(message: string, paths: readonly string[]) {
    super(message);
    this.paths = [...paths];
  }
}
