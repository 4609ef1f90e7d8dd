import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Parser } from '@asyncapi/parser';
import * as prettier from 'prettier';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { generate, type GeneratedFile } from '../src/index.js';
import { hostileEventsIR as hostileIR, KEY } from './support/events-spec.js';
import { loadIR, OUT_ROOT, REPO_ROOT } from './support/project.js';

/**
 * The events code `specfirst sync` writes (events/<service>/…, asyncapi/<service>.json): only for
 * declared pairs, with spec strings that cannot become code, validators that check messages as the
 * spec states them, and AsyncAPI documents that `@asyncapi/parser` accepts. Compiling and running
 * the generated modules is in generated-code.test.ts (codegen-e2e).
 */

function file(files: GeneratedFile[], at: string): string {
  const found = files.find((f) => f.path === at);
  if (!found) throw new Error(`${at} was not generated; got ${files.map((f) => f.path).join(', ')}`);
  return found.contents;
}

describe('which services get events code', () => {
  it('only services that publish or consume a topic, and only the side they declared', () => {
    const files = generate(hostileIR());
    const events = files.map((f) => f.path).filter((p) => /^(events|asyncapi)\//.test(p));
    expect(events).toEqual([
      'events/audit/validators.js',
      'events/audit/validators.d.ts',
      'events/audit/index.ts',
      'asyncapi/audit.json',
      'events/shop/validators.js',
      'events/shop/validators.d.ts',
      'events/shop/index.ts',
      'asyncapi/shop.json',
    ]);
    const shop = file(files, 'events/shop/index.ts');
    expect(shop).toContain('export function createShopPublisher(');
    expect(shop).not.toMatch(/Consumers|Handlers|createConsumers/);
    const audit = file(files, 'events/audit/index.ts');
    expect(audit).toContain('export function createAuditConsumers(');
    expect(audit).not.toMatch(/Publisher|publish\(|eventSink/);
    const doc = (name: string) => JSON.parse(file(files, `asyncapi/${name}.json`)) as { operations: object };
    expect(Object.keys(doc('shop').operations)).toEqual(['publishThingMade']);
    expect(Object.keys(doc('audit').operations)).toEqual(['receiveThingMade']);
  });

  it('nothing for a project without topics', () => {
    const paths = generate(loadIR(path.join(REPO_ROOT, 'fixtures/small'))).map((f) => f.path);
    expect(paths.filter((p) => /^(events|asyncapi)\//.test(p))).toEqual([]);
  });
});

describe('spec strings in the events module', () => {
  it('stay comments and string literals: no statement but the generated ones, and the values as written', async () => {
    const source = file(generate(hostileIR()), 'events/shop/index.ts');
    const parsed = ts.createSourceFile('index.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const kind = (s: ts.Statement): string =>
      ts.isImportDeclaration(s)
        ? 'ImportDeclaration'
        : ts.isVariableStatement(s)
          ? 'VariableStatement'
          : ts.isInterfaceDeclaration(s)
            ? 'InterfaceDeclaration'
            : ts.isFunctionDeclaration(s)
              ? 'FunctionDeclaration'
              : ts.SyntaxKind[s.kind];
    expect(parsed.statements.map(kind)).toEqual([
      'ImportDeclaration',
      'ImportDeclaration',
      'ImportDeclaration',
      'VariableStatement',
      'InterfaceDeclaration',
      'FunctionDeclaration',
    ]);
    const table = parsed.statements[3] as ts.VariableStatement;
    const init = table.declarationList.declarations[0]!.initializer as ts.ObjectLiteralExpression;
    const value = (key: string): string | undefined => {
      const property = init.properties.find(
        (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText(parsed) === key,
      );
      return property && ts.isStringLiteral(property.initializer) ? property.initializer.text : undefined;
    };
    expect([value('idempotencyKey'), value('orderingKey'), value('name')]).toEqual([KEY, KEY, 'thing.made']);
    expect(init.properties.map((p) => p.name!.getText(parsed))).toEqual([
      'name',
      'messageType',
      'version',
      'retry',
      'claimAfterMs',
      'retention',
      'startFrom',
      'concurrency',
      'orderingKey',
      'idempotencyKey',
      'validate',
    ]);
    // The description is in the doc comment, its `*/` neutralised.
    expect(source).toContain("ends *\\/ console.log('PWNED'); /*");
    expect(source).not.toMatch(/^\s*console\.log/m);
    // And it reads like hand-written code: Prettier, with the repository's settings, changes nothing.
    const options = { ...(await prettier.resolveConfig(path.join(REPO_ROOT, 'x.ts'))), filepath: 'index.ts' };
    expect(await prettier.format(source, options)).toBe(source);
  });

  it('reach the AsyncAPI document only as JSON strings', () => {
    const ir = hostileIR();
    const document = JSON.parse(file(generate(ir), 'asyncapi/shop.json')) as {
      channels: Record<string, { description: string }>;
      components: { messages: Record<string, { headers: { properties: Record<string, { description: string }> } }> };
    };
    expect(document.channels.thingMade!.description).toBe(ir.topics.find((t) => t.name === 'thing.made')!.description);
    expect(document.channels.thingMade!.description).toContain("ends */ console.log('PWNED'); /*\n");
    expect(document.components.messages.ThingMade!.headers.properties['idempotency-key']!.description).toContain(KEY);
  });
});

describe('message validators', () => {
  it('check a message as the spec states it: read-only fields allowed, defaults filled in, unknown keys refused', async () => {
    const files = generate(hostileIR());
    const dir = path.join(OUT_ROOT, 'events-validators');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    // The stamp's first line is a comment: the module runs as written.
    writeFileSync(path.join(dir, 'validators.js'), file(files, 'events/shop/validators.js'));
    const { validateThing } = (await import(pathToFileURL(path.join(dir, 'validators.js')).href)) as {
      validateThing: ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string }[] | null };
    };
    const message: Record<string, unknown> = { id: 't-1', [KEY]: 'v' };
    expect(validateThing(message)).toBe(true);
    expect(message.count).toBe(1);
    expect(validateThing({ id: 't-1', [KEY]: 'v', extra: true })).toBe(false);
    expect(validateThing.errors?.map((e) => e.keyword)).toEqual(['additionalProperties']);
    expect(validateThing({ [KEY]: 'v' })).toBe(false);
    expect(validateThing.errors?.map((e) => e.keyword)).toEqual(['required']);
    expect(validateThing({ id: 't-1', [KEY]: 'v', count: 'one' })).toBe(false);
  });
});

// The parser runs Spectral's rule set on each document: seconds on a busy two-core machine.
describe('AsyncAPI documents', { timeout: 60_000 }, () => {
  const parser = new Parser();
  const errorsOf = async (text: string): Promise<string[]> => {
    const { diagnostics } = await parser.parse(text);
    // Spectral's severities: 0 error, 1 warning, 2 information, 3 hint.
    return diagnostics.filter((d) => d.severity === 0).map((d) => `${d.code} ${d.path.join('/')}: ${d.message}`);
  };

  it.each([
    ['fixtures/shop', () => loadIR(path.join(REPO_ROOT, 'fixtures/shop'))],
    ['a hostile spec with a discriminated union', () => hostileIR({ paymentMessage: true })],
  ])('parse without errors: %s', async (_name, ir) => {
    const documents = generate(ir()).filter((f) => f.path.startsWith('asyncapi/'));
    expect(documents.length).toBeGreaterThan(1);
    for (const document of documents) expect(await errorsOf(document.contents), document.path).toEqual([]);
  });

  it('are checked for real: a broken document has errors', async () => {
    const document = JSON.parse(file(generate(loadIR(path.join(REPO_ROOT, 'fixtures/shop'))), 'asyncapi/billing.json'));
    document.operations.receiveOrderCreated.action = 'subscribe';
    expect((await errorsOf(JSON.stringify(document))).length).toBeGreaterThan(0);
  });

  it('describe the shop: channels at the topic streams, send and receive as declared, the wire fields as headers', () => {
    const files = generate(loadIR(path.join(REPO_ROOT, 'fixtures/shop')));
    const billing = JSON.parse(file(files, 'asyncapi/billing.json')) as {
      channels: Record<string, { address: string }>;
      operations: Record<string, { action: string; channel: { $ref: string } }>;
      components: {
        messages: Record<string, { headers: { required: string[] }; payload: { $ref: string } }>;
        schemas: Record<string, unknown>;
      };
    };
    expect(Object.values(billing.channels).map((c) => c.address)).toEqual(['invoice.paid', 'order.created']);
    expect(Object.entries(billing.operations).map(([id, op]) => [id, op.action, op.channel.$ref])).toEqual([
      ['publishInvoicePaid', 'send', '#/channels/invoicePaid'],
      ['receiveOrderCreated', 'receive', '#/channels/orderCreated'],
    ]);
    // `order.created` declares `idempotencyKey: orderId`: every entry carries it.
    expect(billing.components.messages.OrderCreated!.headers.required).toEqual([
      'id',
      'type',
      'version',
      'content-type',
      'idempotency-key',
    ]);
    expect(billing.components.messages.OrderCreated!.payload).toEqual({ $ref: '#/components/schemas/OrderCreated' });
    expect(Object.keys(billing.components.schemas)).toEqual(['InvoicePaid', 'Money', 'OrderCreated']);
  });
});
