import rule from '../src/rules/no-undeclared-dependency.js';
import { ruleTester, shopFile } from './rule-tester.js';

// fixtures/shop: orders → users.getUser, billing.createInvoice; users: database; orders: database, redis;
// billing: database, redis, internet; mailer: redis, smtp (a worker consuming invoice.paid).
const orders = shopFile('services/orders/src/service.ts');
const users = shopFile('services/users/src/store.ts');
const mailer = shopFile('services/mailer/src/main.ts');
const billing = shopFile('services/billing/src/pay.ts');

ruleTester().run('no-undeclared-dependency', rule, {
  valid: [
    // Its own code, its own generated modules, its internal clients for declared edges.
    { code: "import { OrderStore } from './store.js';", filename: orders },
    { code: "import { createOrdersApp } from '#generated/routers/orders/index.js';", filename: orders },
    { code: "import { createOrdersApp } from '../../../generated/routers/orders/index.js';", filename: orders },
    { code: "import type { Order } from '#generated/models.js';", filename: orders },
    { code: "import { createUsersInternalClient } from '#generated/internal/orders/users.js';", filename: orders },
    { code: "const m = await import('#generated/internal/orders/billing.js');", filename: orders },
    // Shared code of the project (lib/) and packages that reach nothing.
    {
      code: "import { problem } from '../../../lib/problems.js';\nimport { randomUUID } from 'node:crypto';",
      filename: orders,
    },
    // Infrastructure the service declares.
    { code: "import pg from 'pg';\nimport { drizzle } from 'drizzle-orm/node-postgres';", filename: users },
    { code: "import { Redis } from 'ioredis';", filename: orders },
    {
      code: "import axios from 'axios';\nimport https from 'node:https';\nhttps.request('https://psp.example');",
      filename: billing,
    },
    { code: "await fetch('https://psp.example/charge');", filename: billing },
    // A worker with topics gets the runtime's Redis transport without `access: redis` being the reason.
    { code: "import { redisTransport } from '@specfirst/runtime/events/redis';", filename: mailer },
    // Internal fetches: a declared callee's host or URL variable, localhost.
    { code: "await fetch('http://users:3001/api/users/1');", filename: orders },
    { code: 'await fetch(`${process.env.USERS_URL}/api/users/${id}`);', filename: orders },
    { code: "await fetch(new URL('/api/invoices', process.env.BILLING_URL));", filename: orders },
    {
      code: "await fetch('http://127.0.0.1:3001/health');\nawait fetch(`http://localhost:${port}/x`);",
      filename: orders,
    },
    // A local function called fetch is not the global one; http.request of a local object neither.
    { code: 'function fetch(u: string) { return u; }\nfetch(url);', filename: orders },
    { code: 'const http = { request() {} };\nhttp.request();', filename: orders },
    // Type-only imports load no code: a declared callee's router and client types, infrastructure types.
    { code: "import type { GetUserResult } from '#generated/routers/users/users.js';", filename: orders },
    {
      code: "import { type GetUserInput } from '#generated/clients/users.js';\nexport type { CreateInvoiceResult } from '#generated/routers/billing/billing.js';",
      filename: orders,
    },
    {
      code: "import type { Pool } from 'pg';\nimport type { Redis } from 'ioredis';\nimport type { AxiosInstance } from 'axios';\nimport type pg = require('pg');",
      filename: mailer,
    },
    // net/tls and WebSocket to localhost, a Unix socket, a declared callee, or infrastructure the service has.
    {
      code: "import net from 'node:net';\nimport { connect } from 'node:tls';\nnet.connect(3001);\nnet.createConnection({ port: 3001, host: 'localhost' });\nnet.connect('/run/app.sock');\nconnect(3002, 'billing');\nnet.connect({ host: 'postgres', port: 5432 });",
      filename: orders,
    },
    {
      code: "import WebSocket from 'ws';\nnew WebSocket('ws://users:3001/live');\nnew globalThis.WebSocket(`ws://localhost:${port}/x`);",
      filename: orders,
    },
    // A service with internet access may connect out; a local `createRequire` is not node's.
    {
      code: "import * as tls from 'node:tls';\ntls.connect(443, 'psp.example');\nnew WebSocket('wss://psp.example/stream');",
      filename: billing,
    },
    {
      code: "const createRequire = (u: string) => (m: string) => m;\ncreateRequire(import.meta.url)('pg');",
      filename: mailer,
    },
    // Not a service file: tests, scripts, files of no project; and the allow option.
    {
      code: "import { UserStore } from '../../users/src/store.js';",
      filename: shopFile('services/orders/test/store.test.ts'),
    },
    { code: "import pg from 'pg';", filename: shopFile('scripts/seed.ts') },
    // A folder of services/ that is no service's: nothing to check it against.
    { code: "import pg from 'pg';", filename: shopFile('services/shared/db.ts') },
    // A service without `access: database` still imports packages that reach nothing.
    { code: "import { randomUUID } from 'node:crypto';\nimport { z } from 'zod';", filename: mailer },
    { code: "import pg from 'pg';", filename: '/tmp/not-a-project/x.ts' },
    { code: "import pg from 'pg';", filename: mailer, options: [{ allow: ['services/mailer/src/main.ts'] }] },
  ],
  invalid: [
    {
      // The runtime's Redis transport in a service with no topic, no task and no `access: redis`.
      code: "import { redisBroker } from '@specfirst/runtime/events/redis';",
      filename: users,
      errors: [
        {
          messageId: 'redis',
          data: {
            service: 'users',
            module: '@specfirst/runtime/events/redis',
            servicesYaml: 'spec/services.yaml',
            redisHint: '',
          },
        },
      ],
    },
    {
      // `import x = require()` and `export * from` count like any import.
      code: "import pg = require('pg');\nexport * from 'mongodb';",
      filename: mailer,
      errors: [{ messageId: 'database' }, { messageId: 'database' }],
    },
    {
      code: "import { UserStore } from '../../users/src/store.js';",
      filename: orders,
      errors: [
        {
          messageId: 'serviceSource',
          data: {
            service: 'orders',
            other: 'users',
            target: 'services/users/src/store.js',
            edgeHint: 'Call users through its internal client, `internal/orders/users`',
          },
        },
      ],
    },
    {
      code: "export { UserStore } from '../../users/src/store.js';\nconst m = require('../../billing/src/store.js');",
      filename: orders,
      errors: [{ messageId: 'serviceSource' }, { messageId: 'serviceSource' }],
    },
    {
      code: "const s = await import('../../orders/src/store.js');",
      filename: mailer,
      errors: [
        {
          messageId: 'serviceSource',
          data: {
            service: 'mailer',
            other: 'orders',
            target: 'services/orders/src/store.js',
            edgeHint:
              'spec/services.yaml declares no edge from mailer to orders: add `orders.<operation>` to `consumes.operations` of mailer, then call it through its internal client',
          },
        },
      ],
    },
    {
      code: "import { usersPort } from '#generated/routers/users/index.js';",
      filename: orders,
      errors: [
        {
          messageId: 'generatedOfOther',
          data: {
            service: 'orders',
            other: 'users',
            what: 'router',
            target: 'generated/routers/users/index.js',
            edgeHint: 'Call users through its internal client, `internal/orders/users`',
          },
        },
      ],
    },
    {
      code: "import { createBillingConsumers } from '#generated/events/billing/index.js';\nimport { x } from '../../../generated/tasks/mailer/index.js';",
      filename: orders,
      errors: [
        {
          messageId: 'generatedOfOther',
          data: {
            service: 'orders',
            other: 'billing',
            what: 'publisher and consumers',
            target: 'generated/events/billing/index.js',
            edgeHint: 'Call billing through its internal client, `internal/orders/billing`',
          },
        },
        { messageId: 'generatedOfOther' },
      ],
    },
    {
      code: "import { createUsersClient } from '#generated/clients/users.js';",
      filename: orders,
      errors: [
        {
          messageId: 'publicClient',
          data: {
            service: 'orders',
            other: 'users',
            target: 'generated/clients/users.js',
            internal: 'internal/orders/users',
          },
        },
      ],
    },
    {
      code: "import { createBillingClient } from '#generated/clients/billing.js';",
      filename: users,
      errors: [
        {
          messageId: 'publicClientNoEdge',
          data: {
            service: 'users',
            other: 'billing',
            target: 'generated/clients/billing.js',
            servicesYaml: 'spec/services.yaml',
          },
        },
      ],
    },
    {
      code: "import { createUsersInternalClient } from '#generated/internal/orders/users.js';",
      filename: mailer,
      errors: [
        {
          messageId: 'otherCallersClient',
          data: {
            service: 'mailer',
            caller: 'orders',
            other: 'users',
            target: 'generated/internal/orders/users.js',
            edgeHint:
              'spec/services.yaml declares no edge from mailer to users: add `users.<operation>` to `consumes.operations` of mailer, then call it through its internal client',
          },
        },
      ],
    },
    {
      code: "import { createUsersInternalClient } from '#generated/internal/billing/users.js';",
      filename: billing,
      errors: [
        {
          messageId: 'internalClientNoEdge',
          data: {
            service: 'billing',
            other: 'users',
            target: 'generated/internal/billing/users.js',
            servicesYaml: 'spec/services.yaml',
          },
        },
      ],
    },
    {
      code: "import pg from 'pg';",
      filename: mailer,
      errors: [
        { messageId: 'database', data: { service: 'mailer', module: 'pg', servicesYaml: 'spec/services.yaml' } },
      ],
    },
    {
      code: "import { PrismaClient } from '@prisma/client';\nconst { PGlite } = require('@electric-sql/pglite');\nimport { drizzle } from 'drizzle-orm/node-postgres';",
      filename: mailer,
      errors: [{ messageId: 'database' }, { messageId: 'database' }, { messageId: 'database' }],
    },
    {
      code: "import { Redis } from 'ioredis';",
      filename: users,
      errors: [
        {
          messageId: 'redis',
          data: { service: 'users', module: 'ioredis', servicesYaml: 'spec/services.yaml', redisHint: '' },
        },
      ],
    },
    {
      code: "import { bullmqQueue } from '@specfirst/runtime/tasks/bullmq';\nimport { Queue } from 'bullmq';",
      filename: users,
      errors: [{ messageId: 'redis' }, { messageId: 'redis' }],
    },
    {
      code: "import axios from 'axios';\nimport { request } from 'undici';",
      filename: orders,
      errors: [
        {
          messageId: 'http',
          data: { service: 'orders', found: 'imports `axios`', servicesYaml: 'spec/services.yaml' },
        },
        { messageId: 'http' },
      ],
    },
    {
      code: "import https from 'node:https';\nhttps.request('https://example.com');",
      filename: orders,
      errors: [{ messageId: 'http' }],
    },
    {
      code: "import { get } from 'http';\nconst http = require('node:http');\nget('http://x');\nhttp.request({ host: 'x' });",
      filename: users,
      errors: [{ messageId: 'http' }, { messageId: 'http' }],
    },
    {
      code: "await fetch('https://example.com');",
      filename: orders,
      errors: [
        {
          messageId: 'fetchExternal',
          data: { service: 'orders', host: 'example.com', servicesYaml: 'spec/services.yaml' },
        },
      ],
    },
    {
      code: 'await globalThis.fetch(`https://api.example.com/v1/${id}`);',
      filename: orders,
      errors: [
        {
          messageId: 'fetchExternal',
          data: { service: 'orders', host: 'api.example.com', servicesYaml: 'spec/services.yaml' },
        },
      ],
    },
    {
      code: 'await fetch(url);',
      filename: orders,
      errors: [
        { messageId: 'fetchUnknown', data: { service: 'orders', found: 'url', servicesYaml: 'spec/services.yaml' } },
      ],
    },
    {
      code: 'await fetch(process.env.PSP_URL + "/charge");',
      filename: orders,
      errors: [{ messageId: 'fetchUnknown' }],
    },
    {
      // Another service, with no edge: even a service with internet access names the edge to add.
      code: "await fetch('http://users:3001/api/users/1');\nawait fetch(`${process.env.ORDERS_URL}/api/orders`);",
      filename: billing,
      errors: [
        {
          messageId: 'fetchService',
          data: {
            service: 'billing',
            other: 'users',
            found: "'http://users:3001/api/users/1'",
            servicesYaml: 'spec/services.yaml',
          },
        },
        { messageId: 'fetchService' },
      ],
    },
    {
      // A value import of a callee's router stays reported, and so do type imports without an edge,
      // of a callee's events, and of another service's source.
      code: "import { usersOperations } from '#generated/routers/users/users.js';\nimport type { InvoiceResult } from '#generated/routers/billing/billing.js';\nimport type { UserRow } from '../../users/src/store.js';",
      filename: mailer,
      errors: [{ messageId: 'generatedOfOther' }, { messageId: 'generatedOfOther' }, { messageId: 'serviceSource' }],
    },
    {
      code: "import { type GetUserInput, createUsersClient } from '#generated/clients/users.js';\nimport type { UserRow } from '../../users/src/store.js';\nimport type { X } from '#generated/events/users/index.js';",
      filename: orders,
      errors: [{ messageId: 'publicClient' }, { messageId: 'serviceSource' }, { messageId: 'generatedOfOther' }],
    },
    {
      // createRequire: called in place, kept in a const, through the module namespace, renamed.
      code: [
        "import { createRequire } from 'node:module';",
        "import module from 'module';",
        "import { createRequire as cr } from 'module';",
        "createRequire(import.meta.url)('pg');",
        'const require = createRequire(import.meta.url);',
        "require('mongodb');",
        "module.createRequire(import.meta.url)('mysql2');",
        "const load = cr(import.meta.url);\nload('axios');",
        "const { request } = require('node:https');\nrequest('https://x.example');",
      ].join('\n'),
      filename: mailer,
      errors: [
        { messageId: 'database', data: { service: 'mailer', module: 'pg', servicesYaml: 'spec/services.yaml' } },
        { messageId: 'database' },
        { messageId: 'database', line: 7 },
        { messageId: 'http', line: 9 },
        { messageId: 'http', line: 11 },
      ],
    },
    {
      code: "import net from 'node:net';\nnet.connect(443, 'example.com');",
      filename: orders,
      errors: [
        {
          messageId: 'connect',
          data: {
            service: 'orders',
            found: 'calls `net.connect()` to example.com',
            servicesYaml: 'spec/services.yaml',
          },
        },
      ],
    },
    {
      code: "const net = require('net');\nconst { connect } = require('node:tls');\nnet.createConnection({ host: 'smtp.example', port: 25 });\nconnect(options);\nnet.connect(port, host);",
      filename: users,
      errors: [
        {
          messageId: 'connect',
          data: {
            service: 'users',
            found: 'calls `net.createConnection()` to smtp.example',
            servicesYaml: 'spec/services.yaml',
          },
        },
        {
          messageId: 'connect',
          data: {
            service: 'users',
            found: 'calls `tls.connect()` to an address the linter cannot read (`options`)',
            servicesYaml: 'spec/services.yaml',
          },
        },
        { messageId: 'connect' },
      ],
    },
    {
      // Redis without `access: redis`, another service without an edge (even with internet access).
      code: "import net from 'node:net';\nnet.connect(6379, 'redis');",
      filename: users,
      errors: [
        {
          messageId: 'connect',
          data: { service: 'users', found: 'calls `net.connect()` to redis', servicesYaml: 'spec/services.yaml' },
        },
      ],
    },
    {
      code: "import { connect } from 'node:tls';\nconnect({ host: 'users', port: 3001 });\nnew WebSocket('ws://orders:3000/live');",
      filename: billing,
      errors: [
        {
          messageId: 'connectService',
          data: {
            service: 'billing',
            other: 'users',
            found: "calls `tls.connect()`: `{ host: 'users', port: 3001 }`",
            servicesYaml: 'spec/services.yaml',
          },
        },
        {
          messageId: 'connectService',
          data: {
            service: 'billing',
            other: 'orders',
            found: "opens a WebSocket: `'ws://orders:3000/live'`",
            servicesYaml: 'spec/services.yaml',
          },
        },
      ],
    },
    {
      code: "import WebSocket, * as ws from 'ws';\nnew WebSocket('wss://stream.example/x');\nnew ws.WebSocket(url);\nnew globalThis.WebSocket('wss://a.example');",
      filename: orders,
      errors: [
        {
          messageId: 'connect',
          data: { service: 'orders', found: 'opens a WebSocket to stream.example', servicesYaml: 'spec/services.yaml' },
        },
        {
          messageId: 'connect',
          data: {
            service: 'orders',
            found: 'opens a WebSocket to an address the linter cannot read (`url`)',
            servicesYaml: 'spec/services.yaml',
          },
        },
        { messageId: 'connect' },
      ],
    },
  ],
});
