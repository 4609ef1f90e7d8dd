import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProjectSync } from '@specfirst/spec-core';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../src/index.js';

const SHOP = fileURLToPath(new URL('../../../fixtures/shop', import.meta.url));
const temp = mkdtempSync(path.join(tmpdir(), 'specfirst-codegen-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('the files generate() plans', () => {
  it('plans one router per service and tag, plus index, client and OpenAPI document per http service', () => {
    const { ir } = loadProjectSync(SHOP, { cache: false });
    const paths = generate(ir).map((f) => f.path);
    expect(paths).toContain('routers/orders/admin-orders.ts');
    expect(paths).toContain('routers/users/sessions.ts');
    expect(paths).toContain('clients/billing.ts');
    expect(paths).toContain('openapi/users.json');
    // The mailer is a worker: no HTTP files, only its events (it consumes `invoice.paid`), its
    // tasks (it runs `sendReceipt` and `purgeCarts`) and its Kubernetes manifest (no Service in it).
    expect(paths.filter((p) => p.includes('mailer'))).toEqual([
      'events/mailer/validators.js',
      'events/mailer/validators.d.ts',
      'events/mailer/index.ts',
      'asyncapi/mailer.json',
      'tasks/mailer/validators.js',
      'tasks/mailer/validators.d.ts',
      'tasks/mailer/index.ts',
      'deploy/k8s/mailer.yaml',
    ]);
  });

  it('keeps hostile tag names inside the output folder', () => {
    const file = path.join(temp, 'evil.yaml');
    writeFileSync(
      file,
      `openapi: 3.1.0\ninfo: { title: T, version: '1' }\npaths:\n  /a:\n    get: { operationId: a, tags: ['../../../tmp/owned'], responses: { '200': { description: ok } } }\n`,
    );
    const { ir } = loadProjectSync(file, { cache: false });
    const routers = generate(ir).filter((f) => f.path.startsWith('routers/') && !f.path.endsWith('/index.ts'));
    expect(routers.map((f) => f.path)).toEqual(['routers/evil/tmp-owned.ts']);
  });
});
