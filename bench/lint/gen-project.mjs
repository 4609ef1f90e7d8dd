#!/usr/bin/env node
/**
 * Writes the SpecFirst project the lint bench lints: N http services (default 200), each with a
 * REST file of one tag and three operations, and 10 TypeScript files under
 * `services/<service>/src/`. See bench/README.md (## lint).
 *
 *   node bench/lint/gen-project.mjs [N] [dir]     (defaults: 200, bench/.out/lint/project)
 *
 * The code is ordinary service code (controllers typed by the generated interfaces, a repository,
 * helpers, an Express composition file, zod used for types only) with a few planted problems, so
 * that both configs have work to do:
 *
 * - spec rules: every 10th service builds a zod schema by hand (`spec/no-adhoc-schema`), every
 *   25th creates an `express.Router()` with a route (`spec/no-manual-router`), every 10th (offset
 *   5) declares its own `interface Item` (`spec/no-shadow-model`);
 * - core rules: an unused import every 7th service, a `let` never reassigned every 9th, an
 *   explicit `any` every 11th.
 *
 * `generate()` returns how many of each were planted.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** [plural, singular] nouns; with a number they name services, tags and operations. */
const NOUNS = [
  ['orders', 'order'],
  ['invoices', 'invoice'],
  ['products', 'product'],
  ['customers', 'customer'],
  ['shipments', 'shipment'],
  ['payments', 'payment'],
  ['carts', 'cart'],
  ['reviews', 'review'],
  ['coupons', 'coupon'],
  ['stores', 'store'],
  ['tickets', 'ticket'],
  ['refunds', 'refund'],
  ['vendors', 'vendor'],
  ['parcels', 'parcel'],
  ['accounts', 'account'],
  ['quotes', 'quote'],
  ['bookings', 'booking'],
  ['listings', 'listing'],
  ['messages', 'message'],
  ['reports', 'report'],
];

const pascal = (s) => s.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());

export const FILES_PER_SERVICE = 10;

/** Which problems service `i` carries. */
export function planted(i) {
  return {
    adhocSchema: i % 10 === 0,
    manualRouter: i % 25 === 0,
    shadowModel: i % 10 === 5,
    unusedImport: i % 7 === 0,
    preferConst: i % 9 === 0,
    explicitAny: i % 11 === 0,
  };
}

function servicesOf(n) {
  return Array.from({ length: n }, (_, i) => {
    const [plural, singular] = NOUNS[i % NOUNS.length];
    const name = `${plural}-${Math.floor(i / NOUNS.length)}`;
    return {
      i,
      name,
      plural,
      singular,
      Tag: pascal(plural),
      One: pascal(singular),
      Many: pascal(plural),
      port: 4000 + i,
    };
  });
}

const MODELS = `# Shared by every service of the lint bench.
models:
  Money:
    description: An amount in the smallest unit of a currency.
    properties:
      amount: { type: integer, minimum: 0 }
      currency: { type: string, pattern: '^[A-Z]{3}$' }

  Item:
    description: One record of a service.
    properties:
      id: { type: string, format: uuid, readonly: true }
      name: { type: string, minLength: 1, maxLength: 200 }
      price: Money
      tags: { type: array, items: string, maxItems: 20, default: [] }
      archived: { type: boolean, default: false }
      createdAt: { type: string, format: date-time, readonly: true }

  Problem:
    description: RFC 9457 problem details.
    properties:
      type: { type: string, format: uri, default: 'about:blank' }
      title: string
      status: { type: integer, minimum: 100, maximum: 599 }
      detail: string?
    additionalProperties: true
`;

function restFile(s) {
  return `basePath: /api
tags:
  ${s.plural}:
    description: The ${s.plural} of ${s.name}.
    operations:
      list${s.Many}:
        method: get
        path: /${s.plural}
        params:
          query:
            limit: { type: integer, minimum: 1, maximum: 100, default: 20 }
            cursor: string?
        responses:
          200:
            description: A page of ${s.plural}.
            body: Item[]
            headers:
              X-Next-Cursor: string?
      get${s.One}:
        method: get
        path: '/${s.plural}/{id}'
        params:
          path:
            id: { type: string, format: uuid }
        responses:
          200: Item
          404: { description: No such ${s.singular}, body: Problem }
      create${s.One}:
        method: post
        path: /${s.plural}
        body: ItemCreate
        responses:
          201: Item
          409: { description: Name already taken, body: Problem }
`;
}

/** The ten source files of one service: relative path → text. */
function sourceFiles(s) {
  const p = planted(s.i);
  const gen = `../../../../generated`;
  const files = {};

  files['app.ts'] = `import express, { type ErrorRequestHandler } from 'express';
import { create${pascal(s.name)}App } from '../../../generated/routers/${s.name}/index.js';
import { ${s.Tag}ControllerImpl } from './controllers/${s.plural}-controller.js';
import { HealthController } from './controllers/health-controller.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { ItemRepository } from './repository.js';

const config = loadConfig(process.env);
const log = createLogger('${s.name}', config.logLevel);
const repository = new ItemRepository();

const errors: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) return next(error);
  log.error('unhandled error', { message: error instanceof Error ? error.message : String(error) });
  res.status(500).json({ type: 'about:blank', title: 'Internal Server Error', status: 500 });
};

export const app = create${pascal(s.name)}App({ ${s.plural}: new ${s.Tag}ControllerImpl(repository, log) }, { logger: log });
export const health = new HealthController(repository);
app.use(express.json({ limit: '1mb' }));
app.use(errors);

if (process.env.NODE_ENV !== 'test') {
  app.listen(config.port, () => log.info(\`${s.name} listening on \${config.port}\`));
}
`;

  files[`controllers/${s.plural}-controller.ts`] = `import type { Item } from '${gen}/models.js';
import {
  create${s.One}Reply,
  get${s.One}Reply,
  list${s.Many}Reply,
  type Create${s.One}Request,
  type Create${s.One}Result,
  type Get${s.One}Request,
  type Get${s.One}Result,
  type List${s.Many}Request,
  type List${s.Many}Result,
  type ${s.Tag}Controller,
} from '${gen}/routers/${s.name}/${s.plural}.js';
import { conflict, notFound } from '../helpers/errors.js';
import { decodeCursor, encodeCursor } from '../helpers/pagination.js';
import type { Logger } from '../logger.js';
import type { ItemRepository } from '../repository.js';

/** The ${s.plural} of ${s.name}, as the spec describes them. */
export class ${s.Tag}ControllerImpl implements ${s.Tag}Controller {
  constructor(
    private readonly repository: ItemRepository,
    private readonly log: Logger,
  ) {}

  async list${s.Many}(request: List${s.Many}Request): Promise<List${s.Many}Result> {
    const offset = decodeCursor(request.query.cursor);
    const page = await this.repository.list(offset, request.query.limit);
    const next = page.length === request.query.limit ? encodeCursor(offset + page.length) : undefined;
    return list${s.Many}Reply.ok(page, next === undefined ? undefined : { 'X-Next-Cursor': next });
  }

  async get${s.One}(request: Get${s.One}Request): Promise<Get${s.One}Result> {
    const item = await this.repository.find(request.params.id);
    if (!item) return get${s.One}Reply.notFound(notFound('${s.singular}', request.params.id));
    return get${s.One}Reply.ok(item);
  }

  async create${s.One}(request: Create${s.One}Request): Promise<Create${s.One}Result> {
    if (await this.repository.findByName(request.body.name)) {
      return create${s.One}Reply.conflict(conflict(\`a ${s.singular} named \${request.body.name} exists\`));
    }
    const item: Item = await this.repository.insert(request.body);
    this.log.info('created ${s.singular}', { id: item.id });
    return create${s.One}Reply.created(item);
  }
}
`;

  files['controllers/health-controller.ts'] = p.manualRouter
    ? `import express from 'express';
import type { ItemRepository } from '../repository.js';

export class HealthController {
  constructor(private readonly repository: ItemRepository) {}

  status(): { ok: boolean; items: number } {
    return { ok: true, items: this.repository.size };
  }

  /** A side door next to the generated router. */
  router(): express.Router {
    const router = express.Router();
    router.get('/health/details', (_req, res) => {
      res.json({ ...this.status(), uptime: process.uptime() });
    });
    return router;
  }
}
`
    : `import type { ItemRepository } from '../repository.js';

export interface HealthStatus {
  ok: boolean;
  items: number;
  uptimeSeconds: number;
}

export class HealthController {
  constructor(private readonly repository: ItemRepository) {}

  status(): HealthStatus {
    return { ok: true, items: this.repository.size, uptimeSeconds: Math.round(process.uptime()) };
  }
}
`;

  files['repository.ts'] = `import { randomUUID } from 'node:crypto';
${
  p.shadowModel
    ? `
/** Kept in sync with the spec by hand. */
export interface Item {
  id: string;
  name: string;
  price: { amount: number; currency: string };
  tags: string[];
  archived: boolean;
  createdAt: string;
}
type ItemCreate = Omit<Item, 'id' | 'createdAt'>;
`
    : `import type { Item, ItemCreate } from '../../../generated/models.js';
`
}
/** An in-memory store of ${s.plural}; the production one has the same shape. */
export class ItemRepository {
  private readonly items = new Map<string, Item>();

  get size(): number {
    return this.items.size;
  }

  async list(offset: number, limit: number): Promise<Item[]> {
    return [...this.items.values()].filter((item) => !item.archived).slice(offset, offset + limit);
  }

  async find(id: string): Promise<Item | undefined> {
    return this.items.get(id);
  }

  async findByName(name: string): Promise<Item | undefined> {
    const wanted = name.trim().toLowerCase();
    for (const item of this.items.values()) {
      if (item.name.toLowerCase() === wanted) return item;
    }
    return undefined;
  }

  async insert(input: ItemCreate): Promise<Item> {
    const item: Item = {
      id: randomUUID(),
      name: input.name,
      price: input.price,
      tags: input.tags ?? [],
      archived: input.archived ?? false,
      createdAt: new Date().toISOString(),
    };
    this.items.set(item.id, item);
    return item;
  }

  async archive(id: string): Promise<boolean> {
    const item = this.items.get(id);
    if (!item) return false;
    this.items.set(id, { ...item, archived: true });
    return true;
  }
}
`;

  files['helpers/pagination.ts'] =
    `${p.unusedImport ? `import { inspect } from 'node:util';\n` : ''}const PREFIX = 'o:';

/** Opaque cursors: base64url of an offset. */
export function encodeCursor(offset: number): string {
  return Buffer.from(\`\${PREFIX}\${offset}\`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return 0;
  const offset = Number(text.slice(PREFIX.length));
  return Number.isInteger(offset) && offset >= 0 ? offset : 0;
}

export function clampLimit(limit: number | undefined, max = 100): number {
  if (limit === undefined || !Number.isFinite(limit)) return 20;
  return Math.min(Math.max(Math.trunc(limit), 1), max);
}
`;

  files['helpers/money.ts'] = `import type { Money } from '${gen}/models.js';

const DIGITS: Readonly<Record<string, number>> = { JPY: 0, KWD: 3, BHD: 3 };

export function minorDigits(currency: string): number {
  return DIGITS[currency] ?? 2;
}

export function formatMoney(money: Money, locale = 'en-GB'): string {
  const digits = minorDigits(money.currency);
  return new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency, minimumFractionDigits: digits }).format(
    money.amount / 10 ** digits,
  );
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error(\`cannot add \${a.currency} to \${b.currency}\`);
  return { amount: a.amount + b.amount, currency: a.currency };
}

export function sumMoney(amounts: readonly Money[], currency: string): Money {
  ${p.preferConst ? 'let' : 'const'} zero: Money = { amount: 0, currency };
  return amounts.reduce(addMoney, zero);
}
`;

  files['helpers/errors.ts'] = `import type { Problem } from '${gen}/models.js';

export function problem(status: number, title: string, detail?: string): Problem {
  return detail === undefined ? { type: 'about:blank', title, status } : { type: 'about:blank', title, status, detail };
}

export function notFound(what: string, id: string): Problem {
  return problem(404, 'Not Found', \`no \${what} with id \${id}\`);
}

export function conflict(detail: string): Problem {
  return problem(409, 'Conflict', detail);
}

export class HttpError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'HttpError';
  }
}
`;

  files['config.ts'] = `export interface Config {
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  databaseUrl: string;
}

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const port = Number(env.PORT ?? ${s.port});
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(\`PORT must be a port number, got \${env.PORT}\`);
  const level = env.LOG_LEVEL ?? 'info';
  if (!LEVELS.has(level)) throw new Error(\`LOG_LEVEL must be one of \${[...LEVELS].join(', ')}\`);
  return {
    port,
    logLevel: level as Config['logLevel'],
    databaseUrl: env.DATABASE_URL ?? 'postgres://localhost/${s.name.replace(/-/g, '_')}',
  };
}
`;

  files['logger.ts'] = `export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ORDER = ['debug', 'info', 'warn', 'error'] as const;

export function createLogger(service: string, level: (typeof ORDER)[number]): Logger {
  const min = ORDER.indexOf(level);
  const write = (at: (typeof ORDER)[number]) => (message: string, fields?: Record<string, ${p.explicitAny ? 'any' : 'unknown'}>) => {
    if (ORDER.indexOf(at) < min) return;
    process.stdout.write(\`\${JSON.stringify({ time: new Date().toISOString(), level: at, service, message, ...fields })}\\n\`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
`;

  files['validation.ts'] = p.adhocSchema
    ? `import { z } from 'zod';

/** Checked again here "to be safe": a second copy of the spec. */
export const ${s.singular}Input = z.object({
  name: z.string().min(1).max(200),
  price: z.object({ amount: z.number().int().min(0), currency: z.string().regex(/^[A-Z]{3}$/) }),
  tags: z.array(z.string()).max(20).default([]),
});

export function check${s.One}(input: unknown): boolean {
  return ${s.singular}Input.safeParse(input).success;
}
`
    : `import type { ZodError } from 'zod';

export interface FieldError {
  path: string;
  message: string;
}

/** Flattens validation issues (from the generated validators or a client) for logs. */
export function fieldErrors(error: Pick<ZodError, 'issues'>): FieldError[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
}

export function describe(errors: readonly FieldError[]): string {
  return errors.map((e) => \`\${e.path}: \${e.message}\`).join('; ');
}
`;
  return files;
}

/** Writes the project into `dir` (emptied first). Returns what it wrote and what it planted. */
export function generate(n, dir) {
  rmSync(dir, { recursive: true, force: true });
  const write = (rel, text) => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  const services = servicesOf(n);
  write(
    'specfirst.yaml',
    `name: lint-bench\nspec: spec\noutput: generated\nservices: services\napps:\n  - services/*/src/app.ts\n`,
  );
  write('spec/models.yaml', MODELS);
  write(
    'spec/services.yaml',
    `services:\n${services
      .map(
        (s) =>
          `  ${s.name}:\n    type: http\n    description: The ${s.plural} service, shard ${Math.floor(s.i / NOUNS.length)}.\n    port: ${s.port}\n    rest: rest/${s.name}.yaml\n    access: [database]\n`,
      )
      .join('\n')}`,
  );
  const totals = { services: n, operations: 0, files: 0, lines: 0 };
  const counts = { adhocSchema: 0, manualRouter: 0, shadowModel: 0, unusedImport: 0, preferConst: 0, explicitAny: 0 };
  for (const s of services) {
    write(`spec/rest/${s.name}.yaml`, restFile(s));
    totals.operations += 3;
    const files = sourceFiles(s);
    if (Object.keys(files).length !== FILES_PER_SERVICE)
      throw new Error(`service ${s.name}: ${Object.keys(files).length} files`);
    for (const [rel, text] of Object.entries(files)) {
      write(`services/${s.name}/src/${rel}`, text);
      totals.files++;
      totals.lines += text.split('\n').length - 1;
    }
    for (const [k, v] of Object.entries(planted(s.i))) if (v) counts[k]++;
  }
  return { totals, planted: counts };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const n = Number(process.argv[2] ?? 200);
  const dir = path.resolve(process.argv[3] ?? path.join(import.meta.dirname, '../.out/lint/project'));
  console.log(JSON.stringify(generate(n, dir)));
}
