import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import rule from '../src/rules/no-undeclared-dependency.js';

/**
 * The rule as users run it: the real ESLint Node API on a copy of examples/shop, with only this
 * rule on, then with one undeclared dependency planted at a time. Each plant is one new file, and
 * must add exactly one report of the rule, on that file.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHOP = path.resolve(HERE, '../../../examples/shop');
const ROOT = path.join(HERE, '.out', 'undeclared-dependency-shop');
const RULE = 'spec/no-undeclared-dependency';

interface Report {
  file: string;
  line: number;
  message: string;
}

async function lint(): Promise<Report[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      { ignores: ['node_modules/**', 'generated/**', 'dist/**'] },
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser },
        plugins: { spec: { rules: { 'no-undeclared-dependency': rule } } as unknown as ESLint.Plugin },
        rules: { [RULE]: 'error' },
      },
    ],
  });
  const results = await eslint.lintFiles(['.']);
  return results.flatMap((r) =>
    r.messages
      .filter((m) => m.ruleId === RULE || m.fatal === true)
      .map((m) => ({
        file: path.relative(ROOT, r.filePath).split(path.sep).join('/'),
        line: m.line,
        message: m.message,
      })),
  );
}

const PLANTS: { name: string; file: string; code: string; says: RegExp; line?: number }[] = [
  {
    name: "another service's store",
    file: 'services/orders/src/planted.ts',
    code: "import { UserStore } from '../../users/src/store.js';\nexport const store = UserStore;\n",
    says: /orders imports the source of users \(services\/users\/src\/store\.js\)/,
  },
  {
    name: "another service's router",
    file: 'services/billing/src/planted.ts',
    code: "export * from '#generated/routers/users/index.js';\n",
    says: /billing imports the generated router of users .*add `users\.<operation>` to `consumes\.operations` of billing/,
  },
  {
    name: "another caller's internal client",
    file: 'services/billing/src/planted.ts',
    code: "export { createUsersInternalClient } from '#generated/internal/orders/users.js';\n",
    says: /billing imports the internal client orders uses to call users/,
  },
  {
    name: 'pg in the mailer',
    file: 'services/mailer/src/planted.ts',
    code: "import pg from 'pg';\nexport const pool = new pg.Pool();\n",
    says: /mailer imports `pg`, a database client.*add `database` to `access` of mailer/,
  },
  {
    name: 'ioredis in users',
    file: 'services/users/src/planted.ts',
    code: "import { Redis } from 'ioredis';\nexport const redis = new Redis();\n",
    says: /users imports `ioredis`, a Redis client.*add `redis` to `access` of users/,
  },
  {
    name: 'fetch to the internet in orders',
    file: 'services/orders/src/planted.ts',
    code: "export const rates = () => fetch('https://example.com');\n",
    says: /orders fetches example\.com, outside the project.*add `internet` to `access` of orders/,
  },
  {
    name: 'pg through createRequire in the mailer',
    file: 'services/mailer/src/planted.ts',
    code: "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nexport const pg = require('pg');\n",
    says: /mailer imports `pg`, a database client/,
    line: 3,
  },
  {
    name: 'a TCP connection out of users',
    file: 'services/users/src/planted.ts',
    code: "import net from 'node:net';\nexport const socket = () => net.connect(443, 'example.com');\n",
    says: /users calls `net\.connect\(\)` to example\.com, an outbound connection.*add `internet` to `access` of users/,
    line: 2,
  },
  {
    name: 'a WebSocket to the internet in orders',
    file: 'services/orders/src/planted.ts',
    code: "export const live = () => new WebSocket('wss://example.com/live');\n",
    says: /orders opens a WebSocket to example\.com.*add `internet` to `access` of orders/,
  },
];

describe('spec/no-undeclared-dependency on examples/shop (real ESLint)', () => {
  let baseline: Report[] = [];

  beforeAll(async () => {
    rmSync(ROOT, { recursive: true, force: true });
    mkdirSync(ROOT, { recursive: true });
    cpSync(SHOP, ROOT, {
      recursive: true,
      filter: (source) => !['node_modules', 'dist'].includes(path.basename(source)),
    });
    baseline = await lint();
  });
  afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

  it('the shop, which reaches other services through its internal clients only, has no report', () => {
    expect(baseline).toEqual([]);
  });

  it("type-only imports of a declared callee's router and client and of infrastructure packages add no report", async () => {
    const file = path.join(ROOT, 'services/orders/src/planted.ts');
    writeFileSync(
      file,
      [
        "import type { GetUserResult } from '#generated/routers/users/users.js';",
        "import type { GetUserInput } from '#generated/clients/users.js';",
        "import type { Pool } from 'pg';",
        "import type { AxiosInstance } from 'axios';",
        'export type Planted = [GetUserResult, GetUserInput, Pool, AxiosInstance];',
        '',
      ].join('\n'),
    );
    try {
      expect(await lint()).toEqual(baseline);
    } finally {
      rmSync(file, { force: true });
    }
  });

  for (const plant of PLANTS) {
    it(`planting ${plant.name} gives exactly one report, on that file`, async () => {
      const file = path.join(ROOT, plant.file);
      writeFileSync(file, plant.code);
      try {
        const reports = await lint();
        const added = reports.filter((r) => !baseline.some((b) => JSON.stringify(b) === JSON.stringify(r)));
        expect(added).toHaveLength(1);
        expect(added[0]).toMatchObject({ file: plant.file, line: plant.line ?? 1 });
        expect(added[0]!.message).toMatch(plant.says);
        expect(reports).toHaveLength(baseline.length + 1);
      } finally {
        rmSync(file, { force: true });
      }
    });
  }
});
