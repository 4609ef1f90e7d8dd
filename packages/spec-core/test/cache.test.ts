import { utimesSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject, loadProjectSync } from '../src/index.js';
import { FIXTURES, tempProject } from './helpers.js';

/** Rewrites a file and moves its mtime forward, as an editor save does. */
function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, 'utf8')));
  const later = new Date(Date.now() + 5_000);
  utimesSync(file, later, later);
}

describe('the process-wide cache', () => {
  it('returns the same result while no file changed, sync and async alike', async () => {
    const dir = tempProject({}, path.join(FIXTURES, 'shop'));
    const first = loadProjectSync(dir);
    expect(loadProjectSync(dir)).toBe(first);
    expect(await loadProject(dir)).toBe(first);
    expect(loadProjectSync(dir, { cache: false })).not.toBe(first);
  });

  it('sees an edited spec file on the next load, in a long-lived process', () => {
    const dir = tempProject({}, path.join(FIXTURES, 'shop'));
    const before = loadProjectSync(dir);
    expect(before.diagnostics).toEqual([]);
    edit(path.join(dir, 'spec/rest/users.yaml'), (t) => t.replace('getUser:', 'getUserById:'));
    const after = loadProjectSync(dir);
    expect(after).not.toBe(before);
    const users = after.ir.services.find((s) => s.name === 'users')!;
    expect(users.operations.map((o) => o.operationId)).toContain('getUserById');
    // The rename breaks the services that use it, and the errors say so.
    expect(after.diagnostics.map((d) => d.code)).toEqual(['SF4002', 'SF4002']);
    expect(after.diagnostics[0]!.hint).toBe('did you mean `getUserById`?');
  });

  it('notices a spec file that appears or disappears', () => {
    const dir = tempProject({}, path.join(FIXTURES, 'small'));
    const before = loadProjectSync(dir);
    expect(before.ir.topics).toEqual([]);
    // Watchers get the files a load looked for, not only those it found.
    expect(before.files).toContain(path.join(dir, 'spec/events.yaml'));
    expect(before.files).toContain(path.join(dir, 'spec/events.yml'));
    writeFileSync(
      path.join(dir, 'spec/events.yaml'),
      'topics:\n  todo.done:\n    message: Todo\n    producers: [todo]\n',
    );
    const withEvents = loadProjectSync(dir);
    expect(withEvents.ir.topics.map((t) => t.name)).toEqual(['todo.done']);
    rmSync(path.join(dir, 'spec/events.yaml'));
    expect(loadProjectSync(dir).ir.topics).toEqual([]);
  });

  it('notices a change in a file reached only through $ref', () => {
    const dir = tempProject({
      'api.yaml': `openapi: 3.1.0
info: { title: T, version: '1' }
paths:
  /a:
    get:
      operationId: getA
      responses: { '200': { description: ok, content: { application/json: { schema: { $ref: 'models.yaml#/components/schemas/A' } } } } }
`,
      'models.yaml': 'components:\n  schemas:\n    A: { type: object, properties: { x: { type: string } } }\n',
    });
    const before = loadProjectSync(path.join(dir, 'api.yaml'));
    expect(before.diagnostics).toEqual([]);
    edit(path.join(dir, 'models.yaml'), (t) => t.replace('A:', 'B:'));
    const after = loadProjectSync(path.join(dir, 'api.yaml'));
    expect(after.diagnostics.map((d) => [d.code, d.file])).toEqual([['SF6003', 'api.yaml']]);
    expect(after.diagnostics[0]!.hint).toBe('did you mean `B`?');
  });
});
