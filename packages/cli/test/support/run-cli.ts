import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pc from 'picocolors';
import { main } from '../../src/main.js';

/** The repository's root, and the built command in it. */
export const REPO = path.resolve(import.meta.dirname, '../../../..');
export const BIN = path.join(REPO, 'packages/cli/bin/specfirst.js');

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

/** Runs the built command as a user would, in its own process, from `cwd`, without colours. */
export function runBin(
  args: readonly string[],
  cwd: string = REPO,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
