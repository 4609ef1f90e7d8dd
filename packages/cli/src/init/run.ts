/**
 * Runs the programs init hands work to (git, the package manager) in the new project's folder,
 * with their output passed on line by line through the command's own output (or dropped, for a
 * question such as `git rev-parse` whose exit code is the answer).
 */
import { spawn } from 'node:child_process';
import type { Output } from '../output.js';

export interface RunResult {
  /** Exit code; null when the program could not be started (see `error`) or was killed. */
  code: number | null;
  /** Why the program did not start: `ENOENT` when it is not installed. */
  error?: NodeJS.ErrnoException;
}

export interface RunOptions {
  /** Drop the output: the exit code is the answer. */
  quiet?: boolean;
  /** Keep the output back, and pass it on only if the program fails (a commit's hook, a check). */
  onlyOnFailure?: boolean;
}

export type Runner = (
  program: string,
  args: readonly string[],
  cwd: string,
  options?: RunOptions,
) => Promise<RunResult>;

/** Splits a stream's chunks into lines, so each reaches `write` whole. */
function lines(write: (line: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      const parts = (pending + chunk).split(/\r?\n/);
      pending = parts.pop() ?? '';
      for (const line of parts) write(line);
    },
    end() {
      if (pending !== '') write(pending);
      pending = '';
    },
  };
}

/** The programs that are `.cmd` shims on Windows. */
const SHELL_SHIMS = new Set(['pnpm', 'npm', 'npx']);

export function processRunner(out: Output): Runner {
  return (program, args, cwd, options = {}) =>
    new Promise((resolve) => {
      // Windows finds pnpm.cmd, npm.cmd and npx.cmd only through a shell, which joins the arguments
      // unquoted: fine for the package managers' (init's own single words), not for git's commit message.
      const shell = process.platform === 'win32' && SHELL_SHIMS.has(program);
      const child = spawn(program, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell });
      const held: [(text: string) => void, string][] = [];
      const pass = (write: (text: string) => void) => (line: string) => {
        if (options.quiet) return;
        if (options.onlyOnFailure) held.push([write, line]);
        else write(`  ${line}`);
      };
      const stdout = lines(pass(out.stdout));
      const stderr = lines(pass(out.stderr));
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => stdout.push(chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
      child.on('close', (code) => {
        stdout.end();
        stderr.end();
        if (code !== 0) for (const [write, line] of held) write(`  ${line}`);
        resolve({ code });
      });
    });
}
