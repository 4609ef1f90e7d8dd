/**
 * One bash session that a test feeds commands to, one at a time, the way a reader types them:
 * the current folder and exported variables carry over from one command to the next. stderr is
 * merged into stdout so that output keeps its order.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';

export interface CommandResult {
  code: number;
  output: string;
}

export class ShellSession {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;
  #output = '';
  #waiters: (() => void)[] = [];

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    // Its own process group (`detached`), so that close() also stops what it started in the background.
    // PWD too: bash keeps a logical current folder from it, so `cd ..` out of a symlinked folder
    // goes where a reader's shell would, not to the symlink target's parent.
    this.#child = spawn('bash', ['--noprofile', '--norc'], { cwd, env: { ...env, PWD: cwd }, detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
    this.#child.stdout.on('data', (chunk: Buffer) => {
      this.#output += chunk.toString();
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.#child.stdin.write('exec 2>&1\n');
  }

  /** Everything printed so far. */
  get transcript(): string {
    return this.#output;
  }

  /** Runs one command (stdin closed, so nothing waits for input); resolves with its exit code and output. */
  async run(command: string, timeoutMs = 240_000): Promise<CommandResult> {
    const marker = `__specfirst_done_${randomBytes(6).toString('hex')}__`;
    const start = this.#output.length;
    this.#child.stdin.write(`{ ${command}\n} < /dev/null\necho "${marker} $?"\n`);
    const end = await this.waitFor(new RegExp(`${marker} (\\d+)\\n`), start, timeoutMs, command);
    const match = new RegExp(`${marker} (\\d+)\\n`).exec(this.#output.slice(start))!;
    return { code: Number(match[1]), output: this.#output.slice(start, end - match[0].length) };
  }

  /** Starts a command in the background; resolves once its output shows `until`. */
  async background(command: string, until: string, timeoutMs = 120_000): Promise<string> {
    const start = this.#output.length;
    this.#child.stdin.write(`{ ${command}\n} < /dev/null &\n`);
    const end = await this.waitFor(new RegExp(until.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), start, timeoutMs, command);
    return this.#output.slice(start, end);
  }

  /** Resolves with the offset just past the first match of `pattern` printed after `start`. */
  waitFor(pattern: RegExp, start: number, timeoutMs: number, what: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`\`${what}\` did not finish within ${timeoutMs / 1000} s; it printed:\n${this.#output.slice(start)}`)), timeoutMs);
      const look = (): void => {
        const match = pattern.exec(this.#output.slice(start));
        if (match) {
          clearTimeout(timer);
          resolve(start + match.index + match[0].length);
        } else if (this.#child.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`the shell exited while running \`${what}\`:\n${this.#output.slice(start)}`));
        } else this.#waiters.push(look);
      };
      look();
    });
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
