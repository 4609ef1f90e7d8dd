import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { findProjectRoot } from '@specfirst/spec-core';
import type { Output } from '../output.js';
import { syncCommand } from './sync.js';

/**
 * `specfirst dev [path] -- <command...>`: the development loop. Syncs, starts `<command>` (the
 * service under a watcher that restarts it when a file it imports changes, such as `tsx watch`),
 * and syncs again on every spec change, so a spec edit reaches the running service through the
 * files sync rewrites. A spec with errors prints them and changes nothing; the loop goes on, and
 * the next good save syncs. The command runs in the project's root folder. Ends when the command
 * ends, with its exit code.
 *
 * Signals: SIGTERM is passed on to the command. SIGINT is not, the first time: Ctrl+C in a terminal
 * reaches every process of the foreground group, the command included, and a watcher such as tsx
 * takes a second SIGINT as "force-kill the service", which would cut its graceful shutdown short.
 * A second SIGINT is passed on, for a command that did not hear the first.
 */
export async function devCommand(target: string, command: readonly string[], out: Output): Promise<number> {
  const [program, ...args] = command;
  if (program === undefined) {
    out.stderr('specfirst dev: no command to run; give the one that starts your service after `--`');
    out.stderr(`  ${out.colors.cyan('hint:')} specfirst dev -- tsx watch services/api/src/main.ts`);
    return 2;
  }
  const stopWatching = new AbortController();
  let child: ChildProcess | undefined;
  let exitCode: number | undefined;
  let startError: string | undefined;
  let interrupts = 0;
  /** A signal that came before the command started (during the first sync): it never starts. */
  let stoppedBy: NodeJS.Signals | undefined;

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const passOn = (signal: NodeJS.Signals) => {
    if (running()) child!.kill(signal);
    else stop(signal);
  };
  const stop = (signal: NodeJS.Signals) => {
    if (child === undefined) stoppedBy ??= signal;
    stopWatching.abort();
  };
  const onInt = () => {
    interrupts++;
    if (!running()) stop('SIGINT');
    else if (interrupts > 1) child!.kill('SIGINT');
  };
  const onTerm = () => passOn('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);

  // Called by sync once the first sync is done, unless a signal came first.
  const start = () => {
    // The command's output is the service's: straight to the terminal, interleaved with sync's.
    const absolute = path.resolve(target);
    const cwd = (existsSync(absolute) ? findProjectRoot(absolute) : undefined) ?? process.cwd();
    // Windows finds `tsx.cmd` and the like only through a shell.
    child = spawn(program, args, { cwd, stdio: 'inherit', shell: process.platform === 'win32' });
    child.on('error', (error: NodeJS.ErrnoException) => {
      startError =
        error.code === 'ENOENT'
          ? `\`${program}\` was not found; is it installed (e.g. in node_modules/.bin, run through your package manager)?`
          : error.message;
      stopWatching.abort();
    });
    child.on('exit', (code, signal) => {
      // 128 + n for a signal, as shells report it.
      exitCode = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
      stopWatching.abort();
    });
  };

  try {
    const synced = await syncCommand(
      target,
      { check: false, watch: true, signal: stopWatching.signal, onFirstSync: start },
      out,
    );
    // Stopped during the first sync, or the first load could not find a project: nothing was started.
    if (child === undefined) return stoppedBy !== undefined ? 128 + (constants.signals[stoppedBy] ?? 0) : synced;
    if (exitCode === undefined && startError === undefined)
      await new Promise<void>((resolve) => child!.once('exit', () => resolve()));
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  if (startError !== undefined) {
    out.stderr(`specfirst dev: ${startError}`);
    return 2;
  }
  return exitCode ?? 0;
}
