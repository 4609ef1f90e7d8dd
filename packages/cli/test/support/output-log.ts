/**
 * What a child process prints (standard output and error, as they come), and a way to wait until it
 * prints something: the one waiting loop of the tests that drive a running program (a shell
 * session, `pnpm dev`). A wait fails after its time limit, or when the process ends first, with
 * everything printed so far.
 */
import type { ChildProcess } from 'node:child_process';

/** `text` as a regular expression that matches it literally. */
export function literal(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}

export class OutputLog {
  #text = '';
  #exit: number | null | undefined;
  #waiters: (() => void)[] = [];

  constructor(child: ChildProcess) {
    const add = (chunk: Buffer) => {
      this.#text += chunk.toString();
      this.#wake();
    };
    child.stdout?.on('data', add);
    child.stderr?.on('data', add);
    child.on('close', (code) => {
      this.#exit = code;
      this.#wake();
    });
  }

  /** Everything printed so far. */
  get text(): string {
    return this.#text;
  }

  /** The first match of `pattern` in what was printed from offset `start` on, and the offset just past it. */
  async waitFor(
    pattern: RegExp,
    start: number,
    timeoutMs: number,
    what = String(pattern),
  ): Promise<{ match: RegExpExecArray; end: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.#text.slice(start));
      if (match) return { match, end: start + match.index + match[0].length };
      if (this.#exit !== undefined)
        throw new Error(
          `the process ended (${String(this.#exit)}) before ${what}; it printed:\n${this.#text.slice(start)}`,
        );
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`${what} did not happen within ${timeoutMs / 1000} s; it printed:\n${this.#text.slice(start)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The exit code (null after a signal) once the process ended; fails after `timeoutMs`. */
  async exited(timeoutMs: number): Promise<number | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.#exit === undefined) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`still running after ${timeoutMs / 1000} s; it printed:\n${this.#text}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.#exit;
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
