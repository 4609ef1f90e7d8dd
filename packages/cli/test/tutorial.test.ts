/**
 * docs/tutorial.md, run as a reader would: every shell command in it, in order, in one shell;
 * every file edit it shows, applied. A command the tutorial says fails must fail, saying what the
 * tutorial says; every other command must succeed. So the tutorial cannot rot.
 *
 * The reader starts in their SpecFirst clone; here the clone is a symlink to this repository inside
 * a temporary folder, so `specfirst init ../my-api` creates the project in that folder too. The
 * only liberty taken: the service's port. `localhost:3000` in a command becomes a free port, and
 * PORT says the same to the service, so the test never fights a running demo for port 3000.
 * Everything else in the shell's environment is a fresh shell's (support/fresh-env.ts).
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAt, tutorialSteps, type Step } from './support/markdown-steps.js';
import { freshEnv } from './support/fresh-env.js';
import { ShellSession } from './support/shell-session.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const TUTORIAL = path.join(REPO, 'docs/tutorial.md');
const steps = tutorialSteps(await readFile(TUTORIAL, 'utf8'));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

function title(step: Step): string {
  const what =
    step.kind === 'run'
      ? step.commands.join(' && ')
      : step.kind === 'background'
        ? `${step.command} &`
        : step.kind === 'await'
          ? `the background prints ${step.texts.map((t) => `"${t}"`).join(' then ')}`
          : `${step.kind} ${step.path}`;
  return `docs/tutorial.md:${step.line}: ${what}`;
}

describe('docs/tutorial.md', () => {
  let root: string;
  let shell: ShellSession;
  // Until `pnpm dev` starts, no command talks to the service.
  let port = 3000;
  // Where the shell's output stood at the last file edit: what the background prints after it.
  let editedAt = 0;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'specfirst-tutorial-'));
    await symlink(REPO, path.join(root, 'specfirst'));
    shell = new ShellSession(path.join(root, 'specfirst'), freshEnv());
    // The reader's clone is the symlink; everything the tutorial makes must land inside `root`.
    expect((await shell.run('cd .. && pwd')).output.trim()).toBe(root);
    await shell.run('cd specfirst');
  });

  afterAll(async () => {
    shell?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('has steps to run', () => {
    expect(steps.filter((s) => s.kind === 'run').length).toBeGreaterThan(5);
    expect(steps.some((s) => s.kind === 'run' && s.fails !== undefined)).toBe(true);
  });

  // Steps build on each other: after the first failure, the rest only say which one broke.
  let broken: string | undefined;
  for (const step of steps) {
    it(
      title(step),
      async () => {
        if (broken !== undefined) throw new Error(`not run: ${broken} failed first`);
        broken = title(step);
        const localize = (command: string): string => command.replaceAll('localhost:3000', `localhost:${port}`);
        if (step.kind === 'run') {
          for (const [i, command] of step.commands.entries()) {
            const result = await shell.run(localize(command));
            const last = i === step.commands.length - 1;
            if (step.fails !== undefined && last) {
              expect(result.code, `\`${command}\` should fail; it printed:\n${result.output}`).not.toBe(0);
              expect(result.output).toContain(step.fails);
            } else {
              expect(result.code, `\`${command}\` failed; it printed:\n${result.output}`).toBe(0);
              if (step.prints !== undefined && last) expect(result.output).toContain(step.prints);
            }
          }
        } else if (step.kind === 'background') {
          // Taken just before the service binds it, so nothing else grabs it in between.
          port = await freePort();
          await shell.run(`export PORT=${port}`);
          await shell.background(localize(step.command), step.until);
        } else if (step.kind === 'await') {
          let from = editedAt;
          for (const text of step.texts) from = await shell.waitForText(text, from, 60_000);
        } else {
          const cwd = (await shell.run('pwd')).output.trim();
          const file = path.resolve(cwd, step.path);
          const next = step.kind === 'write' ? step.contents : insertAt(await readFile(file, 'utf8'), step);
          editedAt = shell.transcript.length;
          await writeFile(file, next);
        }
        broken = undefined;
      },
      300_000,
    );
  }
});
