import pc from 'picocolors';
import { main } from '../../src/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `specfirst <args>` in this process, without colours, as a pipe would see it. */
export async function runCli(args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (text) => (stdout += `${text}\n`),
    stderr: (text) => (stderr += `${text}\n`),
    colors: pc.createColors(false),
    isTTY: false,
  });
  return { code, stdout, stderr };
}
