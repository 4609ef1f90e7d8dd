import pc from 'picocolors';
import type { Colors } from 'picocolors/types.js';

/** Where commands write; injectable so tests can run `main()` in-process too. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
  colors: Colors;
  isTTY: boolean;
}

let quietOnClosedPipe = false;

export function processOutput(): Output {
  const isTTY = process.stdout.isTTY === true;
  if (!quietOnClosedPipe) {
    quietOnClosedPipe = true;
    // `specfirst check | head` closes the pipe early: stop quietly, as other Unix tools do.
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    colors: pc.createColors(pc.isColorSupported && isTTY),
    isTTY,
  };
}
