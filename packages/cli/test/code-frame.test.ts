import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pc from 'picocolors';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type Output } from '../src/index.js';

const SMALL = fileURLToPath(new URL('../../../fixtures/small', import.meta.url));
const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-frame-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function capture(isTTY: boolean): Output & { text: () => string } {
  const lines: string[] = [];
  return {
    stdout: (t) => lines.push(t),
    stderr: (t) => lines.push(t),
    colors: pc.createColors(false),
    isTTY,
    text: () => lines.join('\n'),
  };
}

describe('terminal output', () => {
  it('shows the offending line with a caret under the problem on a terminal', async () => {
    const project = path.join(temp, 'p');
    cpSync(SMALL, project, { recursive: true });
    writeFileSync(
      path.join(project, 'spec/services.yaml'),
      'services:\n  todo:\n    type: htp\n    port: 3000\n    rest: rest/todo.yaml\n',
    );
    const out = capture(true);
    expect(await main(['check', project], out)).toBe(1);
    const text = out.text();
    expect(text).toContain('error  SF1204  `htp` is not allowed at services.todo.type');
    expect(text).toContain('  2 |   todo:');
    expect(text).toContain('> 3 |     type: htp');
    expect(text).toContain('    |           ^^^');
    expect(text).toContain('hint: did you mean `http`?');
  });

  it('leaves the code frame out when the output is not a terminal', async () => {
    const out = capture(false);
    const project = path.join(temp, 'q');
    cpSync(SMALL, project, { recursive: true });
    writeFileSync(
      path.join(project, 'spec/services.yaml'),
      'services:\n  todo:\n    type: htp\n    port: 3000\n    rest: rest/todo.yaml\n',
    );
    expect(await main(['check', project], out)).toBe(1);
    expect(out.text()).not.toContain('> 3 |');
  });
});
