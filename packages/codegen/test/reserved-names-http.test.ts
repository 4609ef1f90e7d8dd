import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFactory, controllerKey, serviceIndexModule } from '../src/names.js';
import { listen, send } from './support/http.js';
import { buildProject, loadIR, REPO_ROOT } from './support/project.js';

/**
 * fixtures/reserved-operation-ids: a valid third-party document whose operationIds are reserved
 * words and members of every JavaScript object (`constructor`, `toString`, `__proto__`, `delete`, …),
 * and safe ones that meet after conversion (`proto` beside `__proto__`, `get-user` and `getUser`).
 * It must generate, compile under the strict settings, keep its operationIds in the published
 * document, and route each request to the safe-named controller method.
 */
const SPEC = path.join(REPO_ROOT, 'fixtures/reserved-operation-ids/openapi.yaml');
const OPERATION_IDS = [
  'constructor',
  'toString',
  '__proto__',
  'hasOwnProperty',
  'default',
  'delete',
  'new',
  'valueOf',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'prototype',
  'class',
  'function',
  'typeof',
  'await',
  'enum',
  'this',
  'toString2',
  'proto',
  'get-user',
  'getUser',
];
/** Names no method may have: every JavaScript object has them, or TypeScript reserves them. */
const UNSAFE = new Set(OPERATION_IDS.filter((id) => !['toString2', 'proto', 'get-user', 'getUser'].includes(id)));

const ir = loadIR(SPEC);
const service = ir.services[0]!;
const operations = service.operations;
let base: string;
let root: string;
let server: Server | undefined;

/** A controller whose every method answers with the operationId it serves, so a test sees where a request went. */
function appSource(): string {
  const tag = service.tags[0]!;
  const methods = operations.map(
    (op) =>
      `    ${JSON.stringify(op.identifier)}: () => ({ status: 200 as const, body: { operationId: ${JSON.stringify(op.operationId)} } }),`,
  );
  return [
    `import { ${appFactory(service)} } from '../generated/${serviceIndexModule(service)}.js';`,
    '',
    'export function reservedApp() {',
    `  return ${appFactory(service)}({`,
    `    ${controllerKey(tag)}: {`,
    ...methods,
    '    },',
    '  });',
    '}',
    '',
  ].join('\n');
}

beforeAll(async () => {
  const built = await buildProject('reserved', SPEC, { extraFiles: { 'src/app.ts': appSource() } });
  root = built.root;
  const { reservedApp } = (await import(pathToFileURL(path.join(built.dist, 'src/app.js')).href)) as {
    reservedApp(): Express;
  };
  const listening = await listen(reservedApp());
  server = listening.server;
  base = listening.url;
}, 120_000);

afterAll(async () => {
  if (server) await new Promise((resolve) => server!.close(resolve));
});

describe('reserved operationIds', () => {
  it('each imports, with a method name that is neither reserved nor a member of every object', () => {
    expect(operations.map((op) => op.operationId).sort()).toEqual([...OPERATION_IDS].sort());
    for (const op of operations) {
      expect(op.identifier).toMatch(/^[a-z][A-Za-z0-9]*$/);
      expect(UNSAFE.has(op.identifier), `${op.operationId} → ${op.identifier}`).toBe(false);
    }
    const identifiers = operations.map((op) => op.identifier);
    expect(new Set(identifiers).size).toBe(identifiers.length);
    const identifierOf = (id: string) => operations.find((op) => op.operationId === id)?.identifier;
    // Numbered as a colliding model name is; a safe operationId keeps its name, so the renamed one looks further.
    expect(identifierOf('delete')).toBe('delete2');
    expect(identifierOf('toString2')).toBe('toString2');
    expect(identifierOf('toString')).toBe('toString3');
    expect(identifierOf('__proto__')).toBe('proto');
    // Safe names that meet after conversion: the first in the document keeps the name.
    expect(identifierOf('proto')).toBe('proto2');
    expect(identifierOf('get-user')).toBe('getUser');
    expect(identifierOf('getUser')).toBe('getUser2');
  });

  it('keeps every operationId unchanged in the published document', () => {
    const published = JSON.parse(
      readFileSync(path.join(root, 'generated/openapi', `${service.name}.json`), 'utf8'),
    ) as {
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    const ids = Object.values(published.paths).flatMap((item) =>
      Object.values(item).flatMap((op) => (op.operationId === undefined ? [] : [op.operationId])),
    );
    expect(ids.sort()).toEqual([...OPERATION_IDS].sort());
  });

  it('routes each request to the controller method of its operation', async () => {
    for (const op of operations) {
      const response = await send(base, 'GET', op.path);
      expect(response.status, op.operationId).toBe(200);
      expect(response.json).toEqual({ operationId: op.operationId });
    }
  });
});
