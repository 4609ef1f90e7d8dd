#!/usr/bin/env node
/**
 * Writes a synthetic OpenAPI 3.1 document with N resources: for each, a model `Res<i>` and five
 * operations (list, create, get, update, delete) under the tag `res<i>`, plus a `Problem` model.
 * N=200 gives 1,000 operations and 201 models. The input of bench/spec-core and bench/codegen;
 * bench/spec-core/gen-big-specfirst.mjs writes the same API in the SpecFirst format.
 *
 *   node bench/gen-big-openapi.mjs N OUT.yaml
 *
 * Each resource: `GET /res<i>` (query `limit`, integer 1–100 with default 20, and `cursor`) →
 * 200 `Res<i>[]`; `POST /res<i>` with a `Res<i>` body → 201 `Res<i>`, 400 `Problem`
 * (application/problem+json); `GET /res<i>/{id}` (a uuid, declared once on the path) → 200
 * `Res<i>`, 404 `Problem`; `PATCH /res<i>/{id}` → 200 `Res<i>`; `DELETE /res<i>/{id}` → 204.
 * Each model requires `id` (uuid, readOnly), `name` (1–200 characters) and `createdAt`
 * (date-time, readOnly), and has optional `email`, `count`, `status` (an enum), `tags` (at most
 * 20 strings) and, for every 7th model, `owner` (a $ref to the next model, so references cross
 * the document) instead of `note`. Written as flow mappings, one line per operation or property.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The document's text for `n` resources. */
export function bigOpenApi(n) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`N must be a positive integer, got ${n}`);
  const ref = (model) => `{ $ref: '#/components/schemas/${model}' }`;
  const json = (schema) => `{ application/json: { schema: ${schema} } }`;
  const problem = `{ application/problem+json: { schema: ${ref('Problem')} } }`;

  const lines = ['openapi: 3.1.0', "info: { title: Big, version: '1' }", 'paths:'];
  for (let i = 0; i < n; i++) {
    const r = `res${i}`;
    const M = `Res${i}`;
    lines.push(
      `  /${r}:`,
      '    get:',
      `      operationId: list${M}`,
      `      tags: [${r}]`,
      '      parameters:',
      '        - { name: limit, in: query, schema: { type: integer, minimum: 1, maximum: 100, default: 20 } }',
      '        - { name: cursor, in: query, schema: { type: string } }',
      '      responses:',
      `        '200': { description: ok, content: ${json(`{ type: array, items: ${ref(M)} }`)} }`,
      '    post:',
      `      operationId: create${M}`,
      `      tags: [${r}]`,
      `      requestBody: { required: true, content: ${json(ref(M))} }`,
      '      responses:',
      `        '201': { description: created, content: ${json(ref(M))} }`,
      `        '400': { description: bad, content: ${problem} }`,
      `  /${r}/{id}:`,
      '    parameters: [{ name: id, in: path, required: true, schema: { type: string, format: uuid } }]',
      '    get:',
      `      operationId: get${M}`,
      `      tags: [${r}]`,
      '      responses:',
      `        '200': { description: ok, content: ${json(ref(M))} }`,
      `        '404': { description: missing, content: ${problem} }`,
      '    patch:',
      `      operationId: update${M}`,
      `      tags: [${r}]`,
      `      requestBody: { required: true, content: ${json(ref(M))} }`,
      '      responses:',
      `        '200': { description: ok, content: ${json(ref(M))} }`,
      '    delete:',
      `      operationId: delete${M}`,
      `      tags: [${r}]`,
      "      responses: { '204': { description: gone } }",
    );
  }
  lines.push(
    'components:',
    '  schemas:',
    '    Problem:',
    '      type: object',
    '      properties: { type: { type: string }, title: { type: string }, status: { type: integer }, detail: { type: string } }',
  );
  for (let i = 0; i < n; i++) {
    lines.push(
      `    Res${i}:`,
      '      type: object',
      '      required: [id, name, createdAt]',
      '      properties:',
      '        id: { type: string, format: uuid, readOnly: true }',
      '        name: { type: string, minLength: 1, maxLength: 200 }',
      '        email: { type: string, format: email }',
      '        count: { type: integer, minimum: 0 }',
      '        status: { type: string, enum: [active, paused, closed] }',
      '        tags: { type: array, items: { type: string }, maxItems: 20 }',
      '        createdAt: { type: string, format: date-time, readOnly: true }',
      i % 7 === 0 ? `        owner: ${ref(`Res${(i + 1) % n}`)}` : '        note: { type: string }',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the document for `n` resources to `file` (creating its folder) and returns its text. */
export function writeBigOpenApi(n, file) {
  const text = bigOpenApi(n);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return text;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [nArg, out] = process.argv.slice(2);
  if (nArg === undefined || out === undefined) {
    console.error('usage: node bench/gen-big-openapi.mjs N OUT.yaml');
    process.exit(2);
  }
  const text = writeBigOpenApi(Number(nArg), out);
  console.log(
    `wrote ${out}: ${nArg} resources, ${Number(nArg) * 5} operations, ${Number(nArg) + 1} models, ${text.split('\n').length - 1} lines`,
  );
}
