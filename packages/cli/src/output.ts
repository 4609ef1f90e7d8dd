import pc from 'picocolors';
import type { Colors } from 'picocolors/types.js';

/** Where commands write; injectable so tests can run `main()` in-process too. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
  colors: Colors;
  isTTY: boolean;
}

export function processOutput(): Output {
  const isTTY = process.stdout.isTTY === true;
  return {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    colors: pc.createColors(pc.isColorSupported && isTTY),
    isTTY,
  };
}
