/**
 * `specfirst dev -- <command>`, in this process, with real commands: what it syncs first, what it
 * runs, what it returns, and what it says when it cannot run. The loop with a real service (a spec
 * edit reaching it, a broken spec surviving, SIGTERM) is in init.test.ts, on a project init made.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pc from 'picocolors';
import { afterAll, describe, expect, it } from 'vitest';
import { devCommand } from '../src/commands/dev.js';
import type { Output } from '../src/output.js';

const REPO = path.resolve(import.meta.dirname, '../../..');
const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-dev-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    stdout: (t) => lines.push(t),
    stderr: (t) => lines.push(t),
    colors: pc.createColors(false),
    isTTY: false,
  };
}

/** A copy of fixtures/small, optionally with a broken models.yaml. */
function project(name: string, broken = false): string {
  const root = path.join(temp, name);
  cpSync(path.join(REPO, 'fixtures/small'), root, { recursive: true });
  if (broken) writeFileSync(path.join(root, 'spec/models.yaml'), 'models:\n  Todo: { properties: { id: Strin } }\n');
  return root;
}

describe('specfirst dev', () => {
  it.each([
    ['a command that exits with 0', 'exit 0', 0],
    ['a command that exits with 3', 'exit 3', 3],
    ['a command killed by SIGTERM (143, as shells say)', 'kill -TERM $$', 143],
  ])('syncs first, runs %s in the project folder, and ends with its exit code', async (_what, script, code) => {
    const root = project(`runs-${code}`);
    const out = capture();
    expect(await devCommand(root, ['bash', '-c', `test -f generated/manifest.json && ${script}`], out)).toBe(code);
    expect(out.lines.join('\n')).toMatch(/generated: \d+ files written/);
    expect(out.lines.join('\n')).toContain('watching');
  });

  it('starts the command even when the spec has errors, after printing them', async () => {
    const root = project('broken', true);
    const out = capture();
    expect(await devCommand(root, ['bash', '-c', 'exit 5'], out)).toBe(5);
    const text = out.lines.join('\n');
    expect(text).toMatch(/spec\/models\.yaml:2:\d+ {2}error {2}SF2001 {2}unknown model `Strin`/);
    expect(text).toContain('nothing was generated');
    expect(existsSync(path.join(root, 'generated'))).toBe(false);
  });

  it.each([
    [
      'no command',
      [],
      /no command to run; give the one that starts your service after `--`/,
      /hint: specfirst dev -- tsx watch/,
    ],
    [
      'a command that does not exist',
      ['specfirst-no-such-program'],
      /`specfirst-no-such-program` was not found/,
      /is it installed/,
    ],
  ])('refuses %s (exit code 2)', async (_what, command, message, detail) => {
    const out = capture();
    expect(await devCommand(project(`refuses-${command.length}`), command, out)).toBe(2);
    expect(out.lines.join('\n')).toMatch(message);
    expect(out.lines.join('\n')).toMatch(detail);
  });

  it('says what went wrong when the command exists but cannot run, without calling it missing (exit code 2)', async () => {
    const root = project('not-executable');
    writeFileSync(path.join(root, 'serve.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    const out = capture();
    expect(await devCommand(root, ['./serve.sh'], out)).toBe(2);
    const text = out.lines.join('\n');
    expect(text).toMatch(/specfirst dev: .*serve\.sh.*EACCES/);
    expect(text).not.toContain('was not found');
  });

  /**
   * Starts dev with a command that records the signals it gets (bash runs pending traps in signal
   * order, so a SIGINT that reached it is logged before a later SIGTERM), and waits until it runs.
   */
  async function recording(
    name: string,
  ): Promise<{ running: Promise<number>; log: string; listeners: Record<'SIGINT' | 'SIGTERM', number> }> {
    const root = project(name);
    const started = path.join(root, 'started');
    const log = path.join(root, 'signals');
    const listeners = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    const script = `trap 'echo INT >> "${log}"; exit 130' INT; trap 'echo TERM >> "${log}"; exit 143' TERM; touch "${started}"; while true; do sleep 0.05; done`;
    const running = devCommand(root, ['bash', '-c', script], capture());
    for (let i = 0; i < 300 && !existsSync(started); i++) await sleep(100);
    expect(existsSync(started), 'the command started').toBe(true);
    return { running, log, listeners };
  }

  // A process manager's SIGTERM goes on to the command; dev ends with the code a shell gives a
  // command ended by it, and its handlers are gone (the next signal is the caller's again).
  it('passes SIGTERM on to the command and ends with its code (143)', async () => {
    const { running, log, listeners } = await recording('signal-term');
    // As the operating system delivers a signal to this process's handlers.
    process.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(143);
    expect(readFileSync(log, 'utf8')).toBe('TERM\n');
    expect({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') }).toEqual(listeners);
  });

  // Ctrl-C in a terminal reaches the whole foreground group, the command too: passing the first
  // SIGINT on would make it a second one, which a watcher like tsx takes as "force-kill".
  it('does not pass a first SIGINT on (the terminal sends it to the command itself)', async () => {
    const { running, log } = await recording('signal-int-once');
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGTERM', 'SIGTERM');
    expect(await running).toBe(143);
    expect(readFileSync(log, 'utf8')).toBe('TERM\n');
  });

  it('passes a second SIGINT on, for a command that did not hear the first, and ends with 130', async () => {
    const { running, log } = await recording('signal-int-twice');
    process.emit('SIGINT', 'SIGINT');
    process.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(130);
    expect(readFileSync(log, 'utf8')).toBe('INT\n');
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    'stops at %s during the first sync, without starting the command, and ends with %i',
    async (signal, code) => {
      const root = project(`early-${signal}`);
      const out = capture();
      const running = devCommand(root, ['bash', '-c', 'touch ran && exec sleep 60'], out);
      process.emit(signal, signal);
      expect(await running).toBe(code);
      expect(existsSync(path.join(root, 'ran'))).toBe(false);
    },
  );

  it('runs nothing when there is no project to sync (exit code 2)', async () => {
    const out = capture();
    const marker = path.join(temp, 'ran');
    expect(await devCommand(path.join(temp, 'nowhere'), ['bash', '-c', `touch ${marker}`], out)).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });
});
