import path from 'node:path';
import { match } from 'path-to-regexp';
import { describe, expect, it } from 'vitest';
import { loadProjectSync } from '../src/index.js';
import { REALWORLD_OPENAPI } from '../../../test/support/corpus.js';
import { FIXTURES, tempProject } from './helpers.js';

/** Fills a spec path template with sample values, the way a client would build a URL. */
function concrete(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? `v-${name}`));
}

describe('Express paths', () => {
  it('match what their spec path template describes, with every parameter extracted (path-to-regexp 8, as in Express 5)', () => {
    const dir = tempProject({
      'odd.yaml': `openapi: 3.1.0
info: { title: T, version: '1' }
paths:
  /files/{name}.json:
    get: { operationId: a, parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: { '200': { description: ok } } }
  /v1:batch/{id}suffix:
    get: { operationId: b, parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: { '200': { description: ok } } }
  /weird(paren)/{user-id}/*star+plus!:
    get: { operationId: c, parameters: [{ name: user-id, in: path, required: true, schema: { type: string } }], responses: { '200': { description: ok } } }
`,
    });
    const projects = [path.join(FIXTURES, 'shop'), REALWORLD_OPENAPI, path.join(dir, 'odd.yaml')];
    let checked = 0;
    for (const project of projects) {
      const { ir, diagnostics } = loadProjectSync(project, { cache: false });
      expect(diagnostics).toEqual([]);
      for (const op of ir.services.flatMap((s) => s.operations)) {
        const values = Object.fromEntries(
          op.parameters.filter((p) => p.in === 'path').map((p) => [p.name, `val-${p.name}`]),
        );
        const url = concrete(op.path, values);
        const result = match(op.expressPath, { decode: decodeURIComponent })(url);
        expect(result, `${op.expressPath} should match ${url}`).not.toBe(false);
        const expected = Object.fromEntries(
          op.parameters.filter((p) => p.in === 'path').map((p) => [p.expressName, `val-${p.name}`]),
        );
        expect(result && result.params).toEqual(expected);
        checked++;
      }
    }
    expect(checked).toBe(13 + 19 + 3);
  });
});
