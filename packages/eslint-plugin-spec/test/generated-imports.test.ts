/**
 * The rules follow `#generated/…` imports (package.json `"imports": { "#generated/*": … }`) into
 * the output folder, as they follow relative ones: in a copy of the shop project that declares
 * them, and in the shop itself, which does not (there they are matched like any other bare
 * specifier, by their ending).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import noManualRouter from '../src/rules/no-manual-router.js';
import requireControllerImplements from '../src/rules/require-controller-implements.js';
import { ruleTester, SHOP, shopFile } from './rule-tester.js';

const root = mkdtempSync(path.join(tmpdir(), 'specfirst-generated-imports-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
cpSync(path.join(SHOP, 'spec'), path.join(root, 'spec'), { recursive: true });
cpSync(path.join(SHOP, 'specfirst.yaml'), path.join(root, 'specfirst.yaml'));
// The mapping `specfirst init` writes: sources under tsx and Vitest, dist/ under node.
const imports = { '#generated/*': { development: './generated/*', default: './dist/generated/*' } };
writeFileSync(
  path.join(root, 'package.json'),
  `${JSON.stringify({ name: 'shop', type: 'module', imports }, null, 2)}\n`,
);

const file = (relative: string): string => path.join(root, relative);
const usersFile = file('services/users/src/controllers/users.ts');
const appFile = file('services/users/src/app.ts');
const USERS = '#generated/routers/users/users.js';

const missing = (name: string, data: Record<string, string> = {}) => ({
  name: `\`${name}\``,
  tag: 'users',
  service: 'users',
  origin: 'exported from `src/controllers/users.ts`, the controller file of that tag',
  iface: 'UsersController',
  module: 'generated/routers/users/users.ts',
  found: '',
  fix: `add \`implements UsersController\` (\`import type { UsersController } from '${USERS}'\`)`,
  ...data,
});

ruleTester().run('require-controller-implements', requireControllerImplements, {
  valid: [
    {
      code: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController { getUser() {} }`,
      filename: usersFile,
    },
    {
      code: `import type * as R from '${USERS}';\nexport class Users implements R.UsersController { getUser() {} }`,
      filename: usersFile,
    },
    // Through the service's index: the controller handed to the app under its key.
    {
      code: `import type { UsersController } from '${USERS}';\nimport { createUsersApp } from '#generated/routers/users/index.js';\nclass Users implements UsersController { getUser() {} }\nexport const app = createUsersApp({ users: new Users() } as never);`,
      filename: appFile,
    },
    // The shop declares no `#generated/*`: the specifier is matched by its ending, like a path alias.
    {
      code: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController { getUser() {} }`,
      filename: shopFile('services/users/src/controllers/users.ts'),
    },
  ],
  invalid: [
    // No interface: the fix imports it the way scaffold does in this project, `#generated/…`.
    {
      code: `export class Users { getUser() {} }`,
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Users'),
          suggestions: [
            {
              messageId: 'addImplements',
              data: { iface: 'UsersController', specifier: USERS },
              output: `import type { UsersController } from '${USERS}';\n\nexport class Users implements UsersController { getUser() {} }`,
            },
          ],
        },
      ],
    },
    // Another tag's interface, imported through `#generated/`: the rule knows which module it came from.
    {
      code: `import type { SessionsController } from '#generated/routers/users/sessions.js';\nexport class Users implements SessionsController { getUser() {} }`,
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Users', { found: ' instead of `SessionsController`' }),
          suggestions: [
            {
              messageId: 'addImplements',
              data: { iface: 'UsersController', specifier: USERS },
              output: `import type { SessionsController } from '#generated/routers/users/sessions.js';\nimport type { UsersController } from '${USERS}';\nexport class Users implements UsersController { getUser() {} }`,
            },
          ],
        },
      ],
    },
    // Declared, `#generated/` is the output folder itself: a `routers/` further down is not the generated router.
    {
      code: `import type { UsersController } from '#generated/copy/routers/users/users.js';\nexport class Users implements UsersController { getUser() {} }`,
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Users', { found: '' }),
          suggestions: [
            {
              messageId: 'addImplements',
              data: { iface: 'UsersController', specifier: USERS },
              output: `import type { UsersController } from '#generated/copy/routers/users/users.js';\nimport type { UsersController as GeneratedUsersController } from '${USERS}';\nexport class Users implements UsersController, GeneratedUsersController { getUser() {} }`,
            },
          ],
        },
      ],
    },
    // A method the tag does not have, on a controller passed to the router factory imported through `#generated/`.
    {
      code: `import { createUsersRouter } from '${USERS}';\nexport const router = createUsersRouter({ getUser() {}, getUserz() {} } as never);`,
      filename: appFile,
      errors: [
        {
          messageId: 'unknownMethod',
          data: {
            name: 'getUserz',
            tag: 'users',
            service: 'users',
            hint: ' (did you mean `getUser`?)',
            specFile: 'spec/rest/users.yaml',
            operations: '`createUser`, `getUser`, `updateUser`, `listUsers`',
          },
          suggestions: [
            {
              messageId: 'renameMethod',
              data: { name: 'getUserz', operation: 'getUser' },
              output: `import { createUsersRouter } from '${USERS}';\nexport const router = createUsersRouter({ getUser() {}, getUser() {} } as never);`,
            },
          ],
        },
      ],
    },
  ],
});

ruleTester().run('no-manual-router', noManualRouter, {
  valid: [
    {
      code: `import { createUsersApp } from '#generated/routers/users/index.js';\nexport const app = createUsersApp({} as never);`,
      filename: appFile,
    },
  ],
  invalid: [
    // The app a composition file makes from the generated factory takes no hand-written routes.
    {
      code: `import { createUsersApp } from '#generated/routers/users/index.js';\nconst app = createUsersApp({} as never);\napp.get('/users/:userId', (req, res) => res.end());`,
      filename: appFile,
      errors: [
        {
          messageId: 'specRoute',
          data: {
            found: "app.get('/users/:userId', …)",
            specFile: 'spec/rest/users.yaml',
            operationId: 'getUser',
            controller: 'UsersController.getUser',
            router: 'createUsersRouter',
          },
        },
      ],
    },
    // Nor does the router of a tag.
    {
      code: `import { createUsersRouter } from '${USERS}';\nconst router = createUsersRouter({} as never);\nrouter.post('/extra', (req, res) => res.end());`,
      filename: file('services/users/src/routes.ts'),
      errors: [{ messageId: 'manualRoute' }],
    },
  ],
});
