/**
 * One bash session that a test feeds commands to, one at a time, the way a reader types them:
 * the current folder and exported variables carry over from one command to the next. stderr is
 * merged into stdout so that output keeps its order.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { literal, OutputLog } from './output-log.js';

export interface CommandResult {
  code: number;
  output: string;
}

export class ShellSession {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  readonly #log: OutputLog;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    // Its own process group (`detached`), so that close() also stops what it started in the background.
    // PWD too: bash keeps a logical current folder from it, so `cd ..` out of a symlinked folder
    // goes where a reader's shell would, not to the symlink target's parent.
    this.#child = spawn('bash', ['--noprofile', '--norc'], {
      cwd,
      env: { ...env, PWD: cwd },
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.#log = new OutputLog(this.#child);
    this.#child.stdin.write('exec 2>&1\n');
  }

  /** Everything printed so far. */
  get transcript(): string {
    return this.#log.text;
  }

  /** Runs one command (stdin closed, so nothing waits for input); resolves with its exit code and output. */
  async run(command: string, timeoutMs = 240_000): Promise<CommandResult> {
    const marker = `__specfirst_done_${randomBytes(6).toString('hex')}__`;
    const start = this.#log.text.length;
    this.#child.stdin.write(`{ ${command}\n} < /dev/null\necho "${marker} $?"\n`);
    const { match, end } = await this.#log.waitFor(
      new RegExp(`${marker} (\\d+)\\n`),
      start,
      timeoutMs,
      `\`${command}\` to finish`,
    );
    return { code: Number(match[1]), output: this.#log.text.slice(start, end - match[0].length) };
  }

  /** Starts a command in the background; resolves once its output shows `until`. */
  async background(command: string, until: string, timeoutMs = 120_000): Promise<string> {
    const start = this.#log.text.length;
    this.#child.stdin.write(`{ ${command}\n} < /dev/null &\n`);
    const { end } = await this.#log.waitFor(literal(until), start, timeoutMs, `\`${command}\` to print "${until}"`);
    return this.#log.text.slice(start, end);
  }

  /** Resolves, with the offset just past it, once the session printed `text` after offset `start` (something running in the background, say). */
  async waitForText(text: string, start: number, timeoutMs: number): Promise<number> {
    return (await this.#log.waitFor(literal(text), start, timeoutMs, `"${text}" to be printed`)).end;
  }

  /** Ends the session and everything it started. */
  close(): void {
    try {
      if (this.#child.pid !== undefined) process.kill(-this.#child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
