import rule from '../src/rules/no-manual-router.js';
import { ruleTester, shopFile } from './rule-tester.js';

const service = shopFile('services/users/src/routes.ts');
const app = shopFile('services/users/src/app.ts');

/** The advice every message of a `users` file carries. */
const users = {
  specFile: 'spec/rest/users.yaml',
  generated: '`createUsersApp` (or `createSessionsRouter`, `createUsersRouter`)',
};
const router = (found: string) => ({ messageId: 'manualRouter' as const, data: { found, ...users } });
const route = (found: string) => ({ messageId: 'manualRoute' as const, data: { found, ...users } });
const composed = (found: string) => ({ messageId: 'compositionRoute' as const, data: { found, ...users } });
const manualApp = {
  messageId: 'manualApp' as const,
  data: { found: 'express()', apps: 'services/*/src/app.ts', app: '`createUsersApp`', specFile: users.specFile },
};

ruleTester().run('no-manual-router', rule, {
  valid: [
    // The composition file creates the app and mounts what the spec generates.
    {
      filename: app,
      code: [
        "import express from 'express';",
        "import { createUsersApp } from '../../../generated/routers/users/index.js';",
        'const app = express();',
        'app.use(express.json());',
        "app.use('/', createUsersApp(controllers, options));",
        'app.listen(3000);',
      ].join('\n'),
    },
    {
      filename: app,
      code: [
        "import express from 'express';",
        "import { createUsersRouter, createSessionsRouter } from '../../../generated/routers/users/index.js';",
        'const app = express();',
        'const users = createUsersRouter(controllers.users, resolved);',
        "app.use('/api', users, createSessionsRouter(controllers.sessions, resolved));",
        "app.use('/static', express.static('public'));",
        "app.set('trust proxy', true);",
        "if (app.get('env') === 'production') app.disable('x-powered-by');",
      ].join('\n'),
    },
    // A router that comes from a generated factory is mounted, not hand-written.
    {
      filename: service,
      code: "import { createUsersRouter } from '../../../generated/routers/users/users.js';\nexport const router = createUsersRouter(controller, resolved);\nexport function mount(app) { app.use('/users', router); }",
    },
    // A private field holding a Map is not the public `router` field of the same class.
    {
      filename: service,
      code: "import { Router } from 'express';\nexport class Routes {\n  router: Router;\n  #router = new Map();\n  constructor(r: Router) { this.router = r; this.#router.get('/x', h); }\n}",
    },
    // Look-alikes: a Map, a cache, a local function called Router, a local `express`.
    { filename: service, code: "const routes = new Map();\nroutes.get('/users');\nroutes.set('/users', 1);" },
    {
      filename: service,
      code: "const cache = createCache();\ncache.get('key', () => load());\ncache.delete('key', reason);",
    },
    {
      filename: service,
      code: "function Router() { return { get() {} }; }\nconst router = Router();\nrouter.get('/users', (req, res) => res.end());",
    },
    {
      filename: service,
      code: "const express = () => ({ get() {} });\nconst app = express();\napp.get('/users', handler);",
    },
    {
      filename: service,
      code: "import { Router } from './my-router.js';\nconst r = Router();\nr.get('/users', handler);\nnew Router();",
    },
    { filename: service, code: "const Router = require('./router');\nconst r = Router();\nr.get('/x', h);" },
    // Shadowing: the inner `express`/`Router` is a parameter or local, not the import.
    { filename: service, code: "import express from 'express';\nexport function make(express) { return express(); }" },
    {
      filename: service,
      code: "import { Router } from 'express';\nexport function make(Router) { const r = Router(); r.get('/x', h); return r; }",
    },
    { filename: service, code: "import KoaRouter from '@koa/router';\n{ class KoaRouter {} new KoaRouter(); }" },
    // A local function called `require` is not CommonJS.
    {
      filename: service,
      code: "function require(name) { return {}; }\nconst express = require('express');\nexpress.Router();",
    },
    // Type-only imports and annotations that register nothing.
    {
      filename: service,
      code: "import type { Router, Request, Response } from 'express';\nexport type Mount = (router: Router) => void;\nexport function ok(req: Request, res: Response) { res.end(); }",
    },
    {
      filename: service,
      code: "import { type Router } from 'express';\nexport function mount(app: Router, sub: Router) { app.use('/sub', sub); }",
    },
    {
      filename: service,
      code: "import type KoaRouter from '@koa/router';\nexport const mount = (r: KoaRouter) => r.routes();",
    },
    // Express helpers that are not routers; `use` without a path; `get` without a handler.
    {
      filename: service,
      code: "import express from 'express';\nexport const json = express.json();\nexport const files = express.static('public');",
    },
    {
      filename: service,
      code: "import type { Express } from 'express';\nexport function setup(app: Express) { app.use(helmet()); const env = app.get('env'); return env; }",
    },
    // Files outside services/: scripts, the generated folder, files of no project.
    {
      filename: shopFile('scripts/dev-server.ts'),
      code: "import express from 'express';\nconst app = express();\napp.get('/x', h);\nexpress.Router();",
    },
    {
      filename: shopFile('generated/routers/users/users.ts'),
      code: "import { Router } from 'express';\nconst r = Router();\nr.get('/users', h);",
    },
    { filename: '/tmp/not-a-project/server.ts', code: "import express from 'express';\nexpress().get('/x', h);" },
    // Tests, fixtures and migrations may build routers.
    {
      filename: shopFile('services/users/src/routes.test.ts'),
      code: "import express from 'express';\nconst app = express();\napp.get('/users', h);",
    },
    {
      filename: shopFile('services/users/test/helpers.ts'),
      code: "import { Router } from 'express';\nexport const r = Router();",
    },
    // The allow option.
    {
      filename: shopFile('services/users/src/legacy/server.ts'),
      code: "import express from 'express';\nconst app = express();\napp.get('/old', h);\nexport const r = express.Router();",
      options: [{ allow: ['services/*/src/legacy/**'] }],
    },
  ],
  invalid: [
    // express.Router() from every import form.
    {
      filename: service,
      code: "import express from 'express';\nexport const r = express.Router();",
      errors: [{ ...router('express.Router()'), line: 2, column: 18 }],
    },
    {
      filename: service,
      code: "import * as ex from 'express';\nexport const r = ex.Router();",
      errors: [router('ex.Router()')],
    },
    {
      filename: service,
      code: "const express = require('express');\nmodule.exports = express.Router();",
      errors: [router('express.Router()')],
    },
    {
      filename: service,
      code: "import express = require('express');\nexport const r = express['Router']();",
      errors: [router("express['Router']()")],
    },
    {
      filename: service,
      code: "export const r = require('express').Router();",
      errors: [router("require('express').Router()")],
    },
    // Router() in every form: named, aliased, destructured, re-bound.
    {
      filename: service,
      code: "import { Router } from 'express';\nexport const r = Router();",
      errors: [router('Router()')],
    },
    {
      filename: service,
      code: "import express, { Router as ExpressRouter } from 'express';\nexport const r = ExpressRouter({ mergeParams: true });",
      errors: [router('ExpressRouter()')],
    },
    {
      filename: service,
      code: "const { Router } = require('express');\nexport const r = Router();",
      errors: [router('Router()')],
    },
    {
      filename: service,
      code: "const { Router: R } = require('express');\nexport const r = new R();",
      errors: [router('new R()')],
    },
    {
      filename: service,
      code: "import express from 'express';\nconst { Router } = express;\nexport const r = Router();",
      errors: [router('Router()')],
    },
    { filename: service, code: "const R = require('express').Router;\nexport const r = R();", errors: [router('R()')] },
    // koa routers.
    {
      filename: service,
      code: "import Router from '@koa/router';\nconst router = new Router();\nrouter.get('/members', list);",
      errors: [router('new Router()'), { ...route("router.get('/members', …)"), line: 3, column: 8, endColumn: 22 }],
    },
    {
      filename: service,
      code: "const KoaRouter = require('koa-router');\nexport const r = new KoaRouter({ prefix: '/v1' });",
      errors: [router('new KoaRouter()')],
    },
    {
      filename: service,
      code: "import { Router } from '@koa/router';\nexport const r = new Router();",
      errors: [router('new Router()')],
    },
    {
      filename: service,
      code: "const Router = require('@koa/router');\nconst r = Router();\nr.del('/sessions/:id', h);",
      errors: [router('Router()'), route("r.del('/sessions/:id', …)")],
    },
    {
      filename: service,
      code: "import { Router } from 'express';\nconst r = Router();\nr?.get('/x', h);",
      errors: [router('Router()'), route("r?.get('/x', …)")],
    },
    // Route registration on a hand-made router, every method.
    {
      filename: service,
      code: [
        "import { Router } from 'express';",
        'const r = Router();',
        "r.post('/accounts', create);",
        "r.put('/users/:id/avatar', upload);",
        'r.delete(`/users/${id}/avatar`, remove);',
        "r.all('/ping', pong);",
        "r.options('/ping', pong);",
        "r.head('/ping', pong);",
        "r.route('/carts').get(show).post(add);",
        "r.use('/health', (req, res) => res.end());",
      ].join('\n'),
      errors: [
        router('Router()'),
        route("r.post('/accounts', …)"),
        route("r.put('/users/:id/avatar', …)"),
        route('r.delete(`/users/${id}/avatar`, …)'),
        route("r.all('/ping', …)"),
        route("r.options('/ping', …)"),
        route("r.head('/ping', …)"),
        route("r.route('/carts')"),
        route("r.use('/health', …)"),
      ],
    },
    // A route the spec already has points at the operation and its controller.
    {
      filename: service,
      code: "import express from 'express';\nconst router = express.Router();\nrouter.get('/users/:userId', getOne);\nrouter.patch('/api/users/:id', update);",
      errors: [
        router('express.Router()'),
        {
          messageId: 'specRoute',
          data: {
            found: "router.get('/users/:userId', …)",
            specFile: 'spec/rest/users.yaml',
            operationId: 'getUser',
            controller: 'UsersController.getUser',
            router: 'createUsersRouter',
          },
        },
        {
          messageId: 'specRoute',
          data: {
            found: "router.patch('/api/users/:id', …)",
            specFile: 'spec/rest/users.yaml',
            operationId: 'updateUser',
            controller: 'UsersController.updateUser',
            router: 'createUsersRouter',
          },
        },
      ],
    },
    // express() outside the composition files, and routes on it (chained too).
    {
      filename: service,
      code: "import express from 'express';\nconst app = express();\napp.get('/status', status).post('/status', reset);",
      errors: [manualApp, route("app.get('/status', …)"), route("app.get('/status', status).post('/status', …)")],
    },
    {
      filename: service,
      code: "const app = require('express')();\napp.post(['/a', '/b'], h);\napp.get(/^\\/re/, h);",
      errors: [
        { ...manualApp, data: { ...manualApp.data, found: "require('express')()" } },
        route("app.post(['/a', '/b'], …)"),
        route('app.get(/^\\/re/, …)'),
      ],
    },
    // Bindings the rule follows: aliases, later assignments, `as` casts, parameters typed as routers, class fields.
    {
      filename: service,
      code: "import { Router } from 'express';\nconst r = Router() as any;\nconst same = r;\nsame.get('/x', h);",
      errors: [router('Router()'), route("same.get('/x', …)")],
    },
    {
      filename: service,
      code: "import express from 'express';\nlet r;\nr = express.Router();\nr.get('/x', h);",
      errors: [router('express.Router()'), route("r.get('/x', …)")],
    },
    {
      filename: service,
      code: "import type { Router } from 'express';\nexport function register(router: Router) {\n  router.get('/extra', h);\n}",
      errors: [{ ...route("router.get('/extra', …)"), line: 3 }],
    },
    {
      filename: service,
      code: "import type express from 'express';\nexport const register = (app: express.Express) => app.put('/x', h);",
      errors: [route("app.put('/x', …)")],
    },
    {
      filename: service,
      code: "import { Router } from 'express';\nexport class Routes {\n  router = Router();\n  constructor() { this.router.get('/x', this.handle); }\n}",
      errors: [router('Router()'), route("this.router.get('/x', …)")],
    },
    // A private field is followed too, and never taken for the public one of the same name.
    {
      filename: service,
      code: "import { Router } from 'express';\nexport class Routes {\n  #router = Router();\n  constructor() { this.#router.get('/x', this.handle); }\n}",
      errors: [router('Router()'), route("this.#router.get('/x', …)")],
    },
    // `await`, `?.` and instantiation expressions wrap the same router (the wrappers of the old copies of `unwrap`, together).
    {
      filename: service,
      code: "import express from 'express';\nconst router = await express.Router();\nrouter?.get('/x', h);",
      errors: [router('express.Router()'), route("router?.get('/x', …)")],
    },
    // Shadowing the other way round: the import is found through a nested scope.
    {
      filename: service,
      code: "import express from 'express';\nfunction build() { const Router = express.Router; return Router(); }",
      errors: [router('Router()')],
    },
    // Registration on a generated router or app adds a route the spec does not know.
    {
      filename: service,
      code: "import { createUsersRouter } from '../../../generated/routers/users/users.js';\nconst r = createUsersRouter(c, o);\nr.get('/extra', h);",
      errors: [route("r.get('/extra', …)")],
    },
    // Composition files: the app may be created, but no handlers and no hand-made routers.
    {
      filename: app,
      code: "import express from 'express';\nconst app = express();\napp.get('/health', (req, res) => res.send('ok'));\napp.use('/debug', function debug(req, res) { res.end(); });",
      errors: [composed("app.get('/health', …)"), composed("app.use('/debug', …)")],
    },
    {
      filename: app,
      code: "import express from 'express';\nconst app = express();\nconst extra = express.Router();\napp.use('/extra', extra);",
      errors: [router('express.Router()')],
    },
    {
      filename: app,
      code: "import { createUsersApp } from '../../../generated/routers/users/index.js';\nconst app = createUsersApp(c, o);\nfunction health(req, res) { res.end(); }\napp.use('/health', health);",
      errors: [composed("app.use('/health', …)")],
    },
    {
      filename: app,
      code: "import express from 'express';\nexport default express().get('/x', h);",
      errors: [composed("express().get('/x', …)")],
    },
    // Other services get their own advice; a folder that is no service gets the generic one.
    {
      filename: shopFile('services/orders/src/http.ts'),
      code: "import express from 'express';\nexport const r = express.Router();",
      errors: [
        {
          messageId: 'manualRouter',
          data: {
            found: 'express.Router()',
            specFile: 'spec/rest/orders.yaml',
            generated: '`createOrdersApp` (or `createAdminOrdersRouter`, `createOrdersRouter`)',
          },
        },
      ],
    },
    {
      filename: shopFile('services/search-api/src/http.ts'),
      code: "import express from 'express';\nexport const r = express.Router();",
      errors: [
        {
          messageId: 'manualRouter',
          data: {
            found: 'express.Router()',
            specFile: 'spec/rest/search-api.yaml',
            generated: '`createSearchApiApp`/`create<Tag>Router`',
          },
        },
      ],
    },
    // The allow option only widens where the rule is off.
    {
      filename: service,
      code: "import express from 'express';\nexport const r = express.Router();",
      options: [{ allow: ['services/*/src/legacy/**'] }],
      errors: [router('express.Router()')],
    },
  ],
});
