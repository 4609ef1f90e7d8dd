import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type IRModel, type IRObjectSchema, loadProject, loadProjectSync, type SpecIR } from '../src/index.js';
import { FIXTURES, lineOf, tempProject } from './helpers.js';

const shop = path.join(FIXTURES, 'shop');

function model(ir: SpecIR, name: string): IRModel {
  const found = ir.models.find((m) => m.name === name);
  if (!found) throw new Error(`no model ${name}`);
  return found;
}

function props(ir: SpecIR, name: string): string[] {
  const schema = model(ir, name).schema as IRObjectSchema;
  return schema.properties.map((p) => `${p.name}${p.required ? '' : '?'}`);
}

describe('loading the shop project', () => {
  const { ir, diagnostics } = loadProjectSync(shop, { cache: false });

  it('has no diagnostics and reads every spec file', () => {
    expect(diagnostics).toEqual([]);
    expect(ir.sources).toEqual([
      'spec/events.yaml',
      'spec/models.yaml',
      'spec/rest/billing.yaml',
      'spec/rest/orders.yaml',
      'spec/rest/users.yaml',
      'spec/services.yaml',
      'spec/tasks.yaml',
      'specfirst.yaml',
    ]);
  });

  it('reads the project settings', () => {
    expect(ir.project).toMatchObject({
      name: 'shop',
      specDir: 'spec',
      outputDir: 'generated',
      servicesDir: 'services',
      kind: 'project',
    });
    expect(ir.project.lint.allowAdhocSchemas).toEqual(['services/*/scripts/**']);
  });

  it('derives Create and Update variants without readonly fields', () => {
    // `role` has a default: always stored, so required in User; the server fills it in for UserCreate.
    expect(props(ir, 'User')).toEqual(['id', 'email', 'name', 'role', 'password', 'address?', 'createdAt']);
    expect(props(ir, 'UserCreate')).toEqual(['email', 'name', 'role?', 'password', 'address?']);
    expect(props(ir, 'UserUpdate')).toEqual(['email?', 'name?', 'role?', 'password?', 'address?']);
    expect(model(ir, 'UserUpdate')).toMatchObject({ variant: 'update', variantOf: 'User', identifier: 'UserUpdate' });
    // Order's readonly status/total/id/createdAt are gone; what remains keeps its constraints.
    expect(props(ir, 'OrderCreate')).toEqual(['userId', 'items', 'shippingAddress', 'note?']);
    const items = (model(ir, 'OrderCreate').schema as IRObjectSchema).properties[1]!.schema;
    expect(items).toMatchObject({
      kind: 'array',
      minItems: 1,
      maxItems: 50,
      items: { kind: 'ref', model: 'OrderItem' },
    });
  });

  it('drops defaults from Update variants, so a PATCH never resets a field it leaves out', () => {
    const role = (name: string) =>
      (model(ir, name).schema as IRObjectSchema).properties.find((p) => p.name === 'role')!.schema;
    expect(role('User').default).toBe('customer');
    expect(role('UserCreate').default).toBe('customer');
    expect(role('UserUpdate').default).toBeUndefined();
    expect(role('UserUpdate')).toMatchObject({ kind: 'string', enum: ['customer', 'admin'] });
  });

  it('keeps a union whole in its Update variant, so the discriminator still works', () => {
    const update = model(ir, 'PaymentMethodUpdate').schema;
    expect(update).toMatchObject({ kind: 'oneOf', discriminator: { propertyName: 'method' } });
    expect(update.kind === 'oneOf' && update.variants.map((v) => (v.kind === 'ref' ? v.model : v.kind))).toEqual([
      'CardPayment',
      'BankTransfer',
    ]);
  });

  it('points nested references of Create variants at models whose own variants differ', () => {
    const invoice = model(ir, 'InvoiceCreate').schema as IRObjectSchema;
    // Money and PaymentMethod have no readonly fields: the Create form refers to them as they are.
    expect(invoice.properties.map((p) => (p.schema.kind === 'ref' ? p.schema.model : p.schema.kind))).toEqual([
      'string',
      'Money',
      'PaymentMethod',
    ]);
  });

  it('sorts models, services, topics and tasks by name', () => {
    const names = ir.models.map((m) => m.name);
    expect(names).toEqual([...names].sort());
    expect(ir.services.map((s) => s.name)).toEqual(['billing', 'mailer', 'orders', 'users']);
    expect(ir.topics.map((t) => t.name)).toEqual(['invoice.paid', 'order.created', 'order.created.dead']);
    expect(ir.tasks.map((t) => t.name)).toEqual(['purgeCarts', 'sendReceipt']);
  });

  it('gives operations an Express path, tags a safe file name, and resolves security', () => {
    const orders = ir.services.find((s) => s.name === 'orders')!;
    expect(orders.basePath).toBe('/api');
    expect(orders.tags.map((t) => [t.name, t.fileName, t.identifier])).toEqual([
      ['admin-orders', 'admin-orders', 'AdminOrders'],
      ['orders', 'orders', 'Orders'],
    ]);
    const refund = orders.operations.find((o) => o.operationId === 'refundOrder')!;
    expect(refund.expressPath).toBe('/admin/orders/:orderId/refund');
    expect(refund.security).toEqual([
      {
        schemes: [
          { scheme: 'bearer', scopes: [] },
          { scheme: 'apiKey', scopes: [] },
        ],
      },
    ]);
    const place = orders.operations.find((o) => o.operationId === 'placeOrder')!;
    expect(place.security).toEqual([
      { schemes: [{ scheme: 'bearer', scopes: [] }] },
      { schemes: [{ scheme: 'apiKey', scopes: [] }] },
    ]);
    expect(place.parameters).toMatchObject([{ name: 'Idempotency-Key', in: 'header', required: false }]);
    expect(place.responses.map((r) => [r.status, r.headers.map((h) => h.name)])).toEqual([
      [201, ['Location']],
      [422, []],
    ]);
    const users = ir.services.find((s) => s.name === 'users')!;
    expect(users.operations.find((o) => o.operationId === 'createUser')!.security).toEqual([]);
  });

  it('applies query parameter rules: defaults make a parameter optional', () => {
    const list = ir.services.find((s) => s.name === 'users')!.operations.find((o) => o.operationId === 'listUsers')!;
    expect(list.parameters.map((p) => [p.name, p.required, p.schema.default])).toEqual([
      ['limit', false, 20],
      ['cursor', false, undefined],
      ['role', false, undefined],
    ]);
  });

  it('builds the service graph from consumes, topics and tasks', () => {
    expect(ir.graph).toEqual([
      { from: 'billing', to: 'mailer', kind: 'topic', via: 'invoice.paid' },
      { from: 'billing', to: 'orders', kind: 'topic', via: 'invoice.paid' },
      { from: 'orders', to: 'billing', kind: 'operation', via: 'createInvoice' },
      { from: 'orders', to: 'billing', kind: 'topic', via: 'order.created' },
      { from: 'orders', to: 'mailer', kind: 'task', via: 'sendReceipt' },
      { from: 'orders', to: 'users', kind: 'operation', via: 'getUser' },
    ]);
    // A topic's consumers are its own list plus services naming it under consumes.topics.
    expect(ir.topics.find((t) => t.name === 'invoice.paid')!.consumers).toEqual(['mailer', 'orders']);
  });

  it('fills retry defaults for topics and tasks', () => {
    expect(ir.topics.find((t) => t.name === 'invoice.paid')!.retry).toEqual({
      attempts: 5,
      backoff: 'exponential',
      delayMs: 1000,
    });
    expect(ir.tasks.find((t) => t.name === 'purgeCarts')).toMatchObject({
      worker: 'mailer',
      args: 'PurgeCartsArgs',
      schedule: '0 3 * * *',
      retry: { attempts: 3 },
    });
  });

  it('locates nodes at their line in the source file, and references at both ends', () => {
    const text = readFileSync(path.join(shop, 'spec/models.yaml'), 'utf8');
    const order = model(ir, 'Order').schema as IRObjectSchema;
    const status = order.properties.find((p) => p.name === 'status')!;
    expect(status.loc).toMatchObject({
      file: 'spec/models.yaml',
      pointer: '/models/Order/properties/status',
      line: lineOf(text, 'status: { $ref: OrderStatus'),
    });
    expect(status.schema.kind === 'ref' && status.schema.target).toMatchObject({
      file: 'spec/models.yaml',
      pointer: '/models/OrderStatus',
      line: lineOf(text, 'OrderStatus:'),
    });
    const restText = readFileSync(path.join(shop, 'spec/rest/users.yaml'), 'utf8');
    const getUser = ir.services.find((s) => s.name === 'users')!.operations.find((o) => o.operationId === 'getUser')!;
    expect(getUser.loc.line).toBe(lineOf(restText, 'getUser:'));
  });

  it('is JSON-serialisable and byte-stable across loads, sync and async alike', async () => {
    const again = loadProjectSync(shop, { cache: false });
    const viaAsync = await loadProject(shop, { cache: false });
    const json = JSON.stringify(ir);
    expect(JSON.stringify(again.ir)).toBe(json);
    expect(JSON.stringify(viaAsync.ir)).toBe(json);
    expect(JSON.parse(json)).toEqual(ir);
  });
});

describe('finding the project', () => {
  it('walks up from a file or folder inside the project', () => {
    const fromFile = loadProjectSync(path.join(shop, 'spec/rest/users.yaml'), { cache: false });
    const fromDir = loadProjectSync(path.join(shop, 'spec'), { cache: false });
    expect(fromFile.root).toBe(shop);
    expect(fromDir.root).toBe(shop);
    expect(fromFile.ir.services).toHaveLength(4);
  });

  it('loads the small project with every setting at its default', () => {
    const { ir, diagnostics } = loadProjectSync(path.join(FIXTURES, 'small'), { cache: false });
    expect(diagnostics).toEqual([]);
    expect(ir.project).toMatchObject({
      name: 'todo',
      specDir: 'spec',
      outputDir: 'generated',
      servicesDir: 'services',
      apps: ['services/*/src/app.ts'],
    });
    expect(ir.services[0]!.tags.map((t) => t.fileName)).toEqual(['health', 'todos']);
  });
});

describe('names that cannot be used safely', () => {
  it('are reported and kept out of the IR, so no consumer can turn them into code or paths', async () => {
    const { tempProject } = await import('./helpers.js');
    const dir = tempProject({
      'specfirst.yaml': 'name: hostile\n',
      'spec/models.yaml':
        'models:\n  "User<script>": { properties: { a: string } }\n  Fine: { properties: { "__proto__": string, "x\\"); evil(": string } }\n',
      'spec/services.yaml':
        'services:\n  "../evil":\n    type: worker\n  good:\n    type: http\n    port: 1\n    rest: rest/good.yaml\n',
      'spec/rest/good.yaml':
        'tags:\n  "a/../b":\n    operations: {}\n  ok:\n    operations:\n      "constructor()": { method: get, path: /x, responses: { 200: null } }\n      fine: { method: get, path: /y, responses: { 200: Fine } }\n',
    });
    const { ir, diagnostics } = loadProjectSync(dir, { cache: false });
    expect(diagnostics.filter((d) => d.code === 'SF1204').map((d) => [d.file, d.line])).toEqual([
      ['spec/models.yaml', 2],
      ['spec/rest/good.yaml', 2],
      ['spec/rest/good.yaml', 6],
      ['spec/services.yaml', 2],
    ]);
    expect(ir.models.map((m) => m.name)).toEqual(['Fine', 'FineCreate', 'FineUpdate']);
    expect(ir.services.map((s) => s.name)).toEqual(['good']);
    expect(ir.services[0]!.tags.map((t) => t.name)).toEqual(['ok']);
    expect(ir.services[0]!.operations.map((o) => o.operationId)).toEqual(['fine']);
    // Property names are data, not identifiers: kept exactly, for consumers to quote.
    const fine = ir.models.find((m) => m.name === 'Fine')!.schema;
    expect(fine.kind === 'object' && fine.properties.map((p) => p.name)).toEqual(['__proto__', 'x"); evil(']);
  });
});

describe('oversized files', () => {
  it('are refused from their size, before being read', async () => {
    const { truncateSync } = await import('node:fs');
    const { MAX_FILE_BYTES } = await import('../src/yaml/yaml-source.js');
    const { tempProject } = await import('./helpers.js');
    const dir = tempProject({ 'huge.yaml': '' });
    // A sparse file: as large as it gets on paper, without writing 16 MiB in a test.
    truncateSync(path.join(dir, 'huge.yaml'), MAX_FILE_BYTES + 1);
    const { diagnostics } = loadProjectSync(path.join(dir, 'huge.yaml'), { cache: false });
    expect(diagnostics.map((d) => [d.code, d.line, d.message])).toEqual([
      ['SF1005', 1, `file is ${MAX_FILE_BYTES + 1} bytes; the limit is ${MAX_FILE_BYTES}`],
    ]);
  });
});

describe('a spec file with a YAML error', () => {
  const worker = (consumes: string): string =>
    `services:\n  todo:\n    type: http\n    port: 3000\n    rest: rest/todo.yaml\n  mailer:\n    type: worker\n    consumes: ${consumes}\n`;
  const brokenLine = '    description: Sends mail: daily\n';
  const openapiDoc = (extra: string): string =>
    [
      'openapi: 3.0.3',
      'info: { title: t, version: "1" }',
      'paths:',
      '  /x:',
      '    get: { operationId: getX, responses: { "200": { description: ok } } }',
      'components:',
      '  schemas:',
      '    Mail: { type: object, properties: { to: { type: string } } }',
      extra,
    ].join('\n') + '\n';

  it.each([
    [
      'events.yaml: the topics it declares are not reported as unknown',
      {
        'spec/services.yaml': worker('{ topics: [todo.created] }'),
        'spec/events.yaml': `topics:\n  todo.created:\n    message: Todo\n${brokenLine}`,
      },
      ['SF1001 spec/events.yaml:4'],
    ],
    [
      'tasks.yaml: the tasks it declares are not reported as unknown',
      {
        'spec/services.yaml': worker('{ tasks: [sendMail] }'),
        'spec/tasks.yaml': `tasks:\n  sendMail:\n    worker: mailer\n    args: Todo\n${brokenLine}`,
      },
      ['SF1001 spec/tasks.yaml:5'],
    ],
    [
      'a REST description: the operations a service exposes from it are not reported as missing',
      {
        'spec/services.yaml': worker('{ operations: [todo.listTodos] }').replace(
          'rest: rest/todo.yaml\n',
          'rest: rest/todo.yaml\n    exposes: [listTodos]\n',
        ),
        'spec/rest/todo.yaml': `tags:\n  todos:\n    operations:\n      listTodos:\n    summary: Lists: all\n`,
      },
      ['SF1001 spec/rest/todo.yaml:5'],
    ],
    [
      'an OpenAPI document: the models of its components are not reported as unknown',
      {
        'spec/services.yaml':
          'services:\n  todo:\n    type: http\n    port: 3000\n    rest: rest/todo.yaml\n  mail:\n    type: http\n    port: 3001\n    openapi: mail.yaml\n  mailer:\n    type: worker\n',
        'spec/mail.yaml': openapiDoc('    Broken: type: object'),
        'spec/tasks.yaml': 'tasks:\n  sendMail:\n    worker: mailer\n    args: Mail\n',
      },
      ['SF1001 spec/mail.yaml:9'],
    ],
    [
      'services.yaml: the OpenAPI documents it names are still checked',
      {
        'spec/services.yaml': `services:\n  mail:\n    type: http\n    port: 3001\n    openapi: mail.yaml\n  mailer:\n    type: worker\n${brokenLine}`,
        'spec/mail.yaml': openapiDoc('    Odd: { $ref: "#/components/schemas/Missing" }'),
      },
      ['SF1001 spec/services.yaml:8', 'SF6003 spec/mail.yaml:9'],
    ],
    [
      'services.yaml: the REST descriptions it names get the checks of their operations',
      {
        'spec/services.yaml': `services:\n  todo:\n    type: http\n    port: 3000\n    rest: rest/todo.yaml\n${brokenLine}`,
        'spec/rest/todo.yaml':
          'tags:\n  todos:\n    operations:\n      getTodo:\n        method: get\n        path: /todos/{id}\n        responses:\n          200: Todo\n',
      },
      ['SF1001 spec/services.yaml:6', 'SF3004 spec/rest/todo.yaml:4'],
    ],
    [
      'services.yaml: a REST description or OpenAPI document it names outside the root is not read (fixtures/invalid/rest-file-outside-root: reported once it parses)',
      {
        'spec/services.yaml': `services:\n  todo:\n    type: http\n    port: 3000\n    rest: ../../outside.yaml\n  mail:\n    type: http\n    port: 3001\n    openapi: ..\n  mailer:\n    type: worker\n${brokenLine}`,
      },
      ['SF1001 spec/services.yaml:12'],
    ],
    [
      'services.yaml, a duplicate key: the REST descriptions it names are still checked',
      {
        'spec/services.yaml':
          'services:\n  todo:\n    type: http\n    port: 3000\n    port: 3001\n    rest: rest/todo.yaml\n',
        'spec/rest/todo.yaml':
          'tags:\n  todos:\n    operations:\n      listTodos:\n        method: get\n        path: /todos\n        responses:\n          200: Tod\n',
      },
      ['SF1002 spec/services.yaml:5', 'SF2001 spec/rest/todo.yaml:8'],
    ],
    [
      'models.yaml: the other files are still checked',
      {
        'spec/models.yaml': 'models:\n  Todo:\n    properties:\n      id: string\n        title: string\n',
        'spec/rest/todo.yaml':
          'tags:\n  todos:\n    operations:\n      listTodos:\n        methd: get\n        path: /todos\n        responses:\n          200: Todo[]\n',
      },
      ['SF1001 spec/models.yaml:5', 'SF1201 spec/rest/todo.yaml:5', 'SF1203 spec/rest/todo.yaml:4'],
    ],
  ])('in %s', (_what, files, expected) => {
    const dir = tempProject(files, path.join(FIXTURES, 'small'));
    const { diagnostics } = loadProjectSync(dir, { cache: false });
    // Errors only: a bare worker of these specs would also earn SF5015.
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.code} ${d.file}:${d.line}`).sort()).toEqual([...expected].sort());
  });
});
