/**
 * Questions for the choices not given as options, only when a person is there to answer: standard
 * input and output are both terminals and `--yes` was not given. Scripts, CI and agents never
 * wait on a prompt; they get the defaults.
 */
import { createInterface } from 'node:readline/promises';

/** The person left the questions (Ctrl+D); nothing has been written yet. */
export class PromptCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

export interface Prompter {
  /** Asks one question; an empty answer takes the default. */
  ask(question: string, fallback: string): Promise<string>;
  close(): void;
}

export function terminalPrompter(yes: boolean): Prompter | undefined {
  if (yes || process.stdin.isTTY !== true || process.stdout.isTTY !== true) return undefined;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  // Questions come before anything is written, so Ctrl-C can simply leave.
  rl.on('SIGINT', () => {
    process.stdout.write('\n');
    process.exit(130);
  });
  return {
    async ask(question, fallback) {
      let answer: string;
      try {
        answer = (await rl.question(`? ${question} (${fallback}) `)).trim();
      } catch {
        // readline rejects a pending question when its input ends.
        throw new PromptCancelled();
      }
      return answer === '' ? fallback : answer;
    },
    close: () => rl.close(),
  };
}
