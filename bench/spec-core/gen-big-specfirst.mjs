#!/usr/bin/env node
/**
 * Writes a synthetic SpecFirst project with the same shape as the OpenAPI document of
 * `bench/gen-big-openapi.mjs N`: N resources, each with one model and five operations
 * (list, create, get, update, delete) in a tag of its own, plus a `Problem` model, all in one
 * http service whose REST description lives in spec/rest/big.yaml.
 *
 *   node bench/spec-core/gen-big-specfirst.mjs N OUTDIR
 *
 * The mapping, property by property:
 * - OpenAPI `required: [id, name, createdAt]` → our properties are required by default, so the
 *   others get `optional: true`; `readOnly: true` → `readonly: true`.
 * - Every 7th model has `owner: { $ref: Res<i+1 mod N> }` instead of `note: string`.
 * - Query parameters without `required` → `optional: true` (`limit` has a default, which makes it
 *   optional already); the path parameter `id` is required.
 * - `port: 3000` is added because our format requires one for an http service.
 * - Bodies and responses name the same models (`Res<i>`, `Res<i>[]`, `Problem` with
 *   `application/problem+json`) and keep the same descriptions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Writes the project into `outDir` and returns the number of lines written. */
export function writeBigSpecfirstProject(n, outDir) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive integer, got ${n}`);
  const specDir = path.join(outDir, 'spec');
  mkdirSync(path.join(specDir, 'rest'), { recursive: true });

  const project = ['name: big', 'spec: spec'];

  const models = [
    'models:',
    '  Problem:',
    '    properties:',
    '      type: { type: string, optional: true }',
    '      title: { type: string, optional: true }',
    '      status: { type: integer, optional: true }',
    '      detail: { type: string, optional: true }',
  ];
  for (let i = 0; i < n; i++) {
    models.push(
      `  Res${i}:`,
      '    properties:',
      '      id: { type: string, format: uuid, readonly: true }',
      '      name: { type: string, minLength: 1, maxLength: 200 }',
      '      email: { type: string, format: email, optional: true }',
      '      count: { type: integer, minimum: 0, optional: true }',
      '      status: { type: string, enum: [active, paused, closed], optional: true }',
      '      tags: { type: array, items: { type: string }, maxItems: 20, optional: true }',
      '      createdAt: { type: string, format: date-time, readonly: true }',
      i % 7 === 0
        ? `      owner: { $ref: Res${(i + 1) % n}, optional: true }`
        : '      note: { type: string, optional: true }',
    );
  }

  const services = ['services:', '  big:', '    type: http', '    port: 3000', '    rest: rest/big.yaml'];

  const problem = (description) =>
    `{ description: ${description}, body: Problem, contentType: application/problem+json }`;
  const rest = ['tags:'];
  for (let i = 0; i < n; i++) {
    const r = `res${i}`;
    const M = `Res${i}`;
    rest.push(
      `  ${r}:`,
      '    operations:',
      `      list${M}:`,
      '        method: get',
      `        path: /${r}`,
      '        params:',
      '          query:',
      '            limit: { type: integer, minimum: 1, maximum: 100, default: 20 }',
      '            cursor: { type: string, optional: true }',
      '        responses:',
      `          200: { description: ok, body: '${M}[]' }`,
      `      create${M}:`,
      '        method: post',
      `        path: /${r}`,
      `        body: ${M}`,
      '        responses:',
      `          201: { description: created, body: ${M} }`,
      `          400: ${problem('bad')}`,
      `      get${M}:`,
      '        method: get',
      `        path: /${r}/{id}`,
      '        params:',
      '          path:',
      '            id: { type: string, format: uuid }',
      '        responses:',
      `          200: { description: ok, body: ${M} }`,
      `          404: ${problem('missing')}`,
      `      update${M}:`,
      '        method: patch',
      `        path: /${r}/{id}`,
      '        params:',
      '          path:',
      '            id: { type: string, format: uuid }',
      `        body: ${M}`,
      '        responses:',
      `          200: { description: ok, body: ${M} }`,
      `      delete${M}:`,
      '        method: delete',
      `        path: /${r}/{id}`,
      '        params:',
      '          path:',
      '            id: { type: string, format: uuid }',
      '        responses:',
      '          204: { description: gone }',
    );
  }

  const files = [
    [path.join(outDir, 'specfirst.yaml'), project],
    [path.join(specDir, 'models.yaml'), models],
    [path.join(specDir, 'services.yaml'), services],
    [path.join(specDir, 'rest', 'big.yaml'), rest],
  ];
  let lines = 0;
  for (const [file, content] of files) {
    writeFileSync(file, `${content.join('\n')}\n`);
    lines += content.length;
  }
  return lines;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [nArg, outDir] = process.argv.slice(2);
  if (nArg === undefined || outDir === undefined) {
    console.error('usage: node bench/spec-core/gen-big-specfirst.mjs N OUTDIR');
    process.exit(2);
  }
  const lines = writeBigSpecfirstProject(Number(nArg), outDir);
  console.log(
    `wrote ${outDir}: ${nArg} resources, ${Number(nArg) * 5} operations, ${Number(nArg) + 1} models, ${lines} lines`,
  );
}
