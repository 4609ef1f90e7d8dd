import rule from '../src/rules/require-controller-implements.js';
import { ruleTester, shopFile } from './rule-tester.js';

const usersFile = shopFile('services/users/src/controllers/users.ts');
const sessionsFile = shopFile('services/users/src/controllers/sessions.ts');
const appFile = shopFile('services/users/src/app.ts');
const ordersApp = shopFile('services/orders/src/app.ts');

/** From a controller file: services/users/src/controllers/ → generated/routers/users/. */
const USERS = '../../../../generated/routers/users/users.js';
const SESSIONS = '../../../../generated/routers/users/sessions.js';
/** From services/<service>/src/app.ts. */
const APP_USERS = '../../../generated/routers/users';

const USERS_METHODS = `
  async createUser() { return created; }
  async getUser() { return found; }
  async updateUser() { return found; }
  async listUsers() { return all; }`;

const FILE_ORIGIN = 'exported from `src/controllers/users.ts`, the controller file of that tag';
const USERS_OPERATIONS = '`createUser`, `getUser`, `updateUser`, `listUsers`';
const classFix = (iface: string, specifier: string) =>
  `add \`implements ${iface}\` (\`import type { ${iface} } from '${specifier}'\`)`;
const objectFix = (name: string, iface: string, specifier: string) =>
  `declare it \`const ${name}: ${iface} = { … }\` or \`{ … } satisfies ${iface}\` (\`import type { ${iface} } from '${specifier}'\`)`;

/** The full data of `missingImplements` (the tester compares whole messages), for tag `users` of `users` by default. */
const missing = (name: string, data: Record<string, string> = {}) => ({
  name: name.startsWith('the ') ? name : `\`${name}\``,
  tag: 'users',
  service: 'users',
  origin: FILE_ORIGIN,
  iface: 'UsersController',
  module: 'generated/routers/users/users.ts',
  found: '',
  fix: classFix('UsersController', USERS),
  ...data,
});

/** The full data of `unknownMethod`. */
const unknown = (name: string, closest?: string, data: Record<string, string> = {}) => ({
  name,
  tag: 'users',
  service: 'users',
  hint: closest === undefined ? '' : ` (did you mean \`${closest}\`?)`,
  specFile: 'spec/rest/users.yaml',
  operations: USERS_OPERATIONS,
  ...data,
});

const sessionsUnknown = (name: string) => unknown(name, undefined, { tag: 'sessions', operations: '`createSession`' });

ruleTester().run('require-controller-implements', rule, {
  valid: [
    // Review: data members and accessors of an object controller are no operations.
    {
      code: `import type { SessionsController } from '${SESSIONS}';\nexport const sessions = { ttl: 60, get label() { return 'x'; }, createSession: async () => created } satisfies SessionsController;`,
      filename: sessionsFile,
    },
    // Review: a helper class next to the real controller is not taken for a second controller.
    {
      code: `import type { SessionsController } from '${SESSIONS}';\nexport class SessionMapper { map(x: unknown) { return x; } }\nexport class Sessions implements SessionsController { async createSession() { return created; } }`,
      filename: sessionsFile,
    },
    // Review: a worker has no REST controllers.
    {
      code: 'export class EmailHandler { async handle() {} }',
      filename: shopFile('services/mailer/src/controllers/email.ts'),
    },
    // The scaffolded controller.
    {
      code: `import type { UsersController } from '${USERS}';\nexport class UsersControllerImpl implements UsersController {${USERS_METHODS}\n}`,
      filename: usersFile,
    },
    // Without extension, with `.ts`, inline `type`, and next to value imports.
    {
      code: `import { type UsersController } from '../../../../generated/routers/users/users';\nexport class Users implements UsersController {}`,
      filename: usersFile,
    },
    {
      code: `import type { UsersController } from '../../../../generated/routers/users/users.ts';\nexport class Users implements UsersController {}`,
      filename: usersFile,
    },
    // An aliased import, a namespace import, a local alias of the type.
    {
      code: `import type { UsersController as UC } from '${USERS}';\nexport class Users implements UC { getUser() {} }`,
      filename: usersFile,
    },
    {
      code: `import type * as R from '${USERS}';\nexport class Users implements R.UsersController { getUser() {} }`,
      filename: usersFile,
    },
    {
      code: `import type { UsersController } from '${USERS}';\ntype C = UsersController;\nexport class Users implements C {}`,
      filename: usersFile,
    },
    // Several interfaces, one of them the right one.
    {
      code: `import type { UsersController } from '${USERS}';\ninterface Disposable { dispose(): void }\nexport class Users implements Disposable, UsersController {}`,
      filename: usersFile,
    },
    // Objects typed or `satisfies` the interface.
    {
      code: `import type { UsersController } from '${USERS}';\nexport const users: UsersController = { async getUser() { return found; }, listUsers: async () => all };`,
      filename: usersFile,
    },
    {
      code: `import type { UsersController } from '${USERS}';\nexport default { getUser() {} } satisfies UsersController;`,
      filename: usersFile,
    },
    {
      code: `import type { UsersController } from '${USERS}';\nconst users = { getUser() {} } satisfies UsersController;\nexport { users };`,
      filename: usersFile,
    },
    // Private, protected, #private, static members, accessors and the constructor are not operations.
    {
      code: `import type { UsersController } from '${USERS}';
export class Users implements UsersController {
  constructor(private readonly repo: Repo) {}
  private toDto() {}
  protected audit = () => {};
  #hash() {}
  static create() { return new Users(repo); }
  get size() { return 1; }
  readonly limit = 10;
  async getUser() { return this.toDto(); }
}`,
      filename: usersFile,
    },
    // Helpers in a controller file: unexported classes, plain data, error classes.
    {
      code: `import type { UsersController } from '${USERS}';\nclass Cache { put() {} }\nexport const PAGE = { size: 20 };\nexport class UserNotFoundError extends Error {}\nexport class Users implements UsersController {}`,
      filename: usersFile,
    },
    // The controller file of another tag, and of another service.
    {
      code: `import type { SessionsController } from '${SESSIONS}';\nexport class Sessions implements SessionsController { createSession() {} }`,
      filename: sessionsFile,
    },
    {
      code: "import type { AdminOrdersController } from '../../../../generated/routers/orders/admin-orders.js';\nexport class AdminOrders implements AdminOrdersController { refundOrder() {} }",
      filename: shopFile('services/orders/src/controllers/admin-orders.ts'),
    },
    // Composition: a controller imported from elsewhere is checked in its own file; inline objects are checked by the parameter's type.
    {
      code: `import { createUsersApp } from '${APP_USERS}/index.js';\nimport { UsersControllerImpl } from './controllers/users.js';\nexport const app = createUsersApp({ users: new UsersControllerImpl(), sessions: { createSession: async () => token } }, options);`,
      filename: appFile,
    },
    {
      code: `import { createUsersRouter } from '${APP_USERS}/users.js';\nimport type { UsersController } from '${APP_USERS}/users.js';\nclass Users implements UsersController { getUser() {} }\nexport const router = createUsersRouter(new Users());`,
      filename: appFile,
    },
    // A look-alike factory that is not the generated one.
    {
      code: 'function createUsersRouter(c: unknown) { return c; }\nclass Users { whatever() {} }\ncreateUsersRouter(new Users());',
      filename: appFile,
    },
    // Files outside the services folder, of no project, tests, declaration files, barrels, and other folders of a service.
    { code: 'export class Users { whatever() {} }', filename: shopFile('scripts/controllers/users.ts') },
    {
      code: 'export class Users { whatever() {} }',
      filename: '/tmp/not-a-project/services/users/src/controllers/users.ts',
    },
    {
      code: 'export class Users { whatever() {} }',
      filename: shopFile('services/users/src/controllers/users.test.ts'),
    },
    { code: 'export class Nope { whatever() {} }', filename: shopFile('services/users/test/controllers/nope.ts') },
    {
      code: 'export declare class Users { whatever(): void }',
      filename: shopFile('services/users/src/controllers/users.d.ts'),
    },
    {
      code: "export { UsersControllerImpl } from './users.js';\nexport class Registry {}",
      filename: shopFile('services/users/src/controllers/index.ts'),
    },
    { code: 'export class Users { whatever() {} }', filename: shopFile('services/users/src/services/users.ts') },
    // A file with no controller in it says nothing about tags.
    { code: 'export function helper() { return 1; }', filename: shopFile('services/users/src/controllers/helpers.ts') },
    // The controllersDir option moves the convention.
    {
      code: 'export class Users { whatever() {} }',
      filename: usersFile,
      options: [{ controllersDir: 'src/handlers' }],
    },
  ],
  invalid: [
    // Review: an aliased factory import still finds the controller it is given.
    {
      code: `import { createUsersRouter as mk } from '${APP_USERS}/users.js';\nexport const r = mk({ getUser: async () => found, bogus: async () => 1 });`,
      filename: appFile,
      errors: [{ messageId: 'unknownMethod' }],
    },
    {
      code: `export class UsersControllerImpl {${USERS_METHODS}\n}`,
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('UsersControllerImpl'),
          line: 1,
          column: 14,
          suggestions: [
            {
              messageId: 'addImplements',
              data: { iface: 'UsersController', specifier: USERS },
              output: `import type { UsersController } from '${USERS}';\n\nexport class UsersControllerImpl implements UsersController {${USERS_METHODS}\n}`,
            },
          ],
        },
      ],
    },
    // The import goes after the existing ones; a value import of the module gets a `type` specifier.
    {
      code: "import { Repo } from '../repo.js';\nexport class Users extends Base<Repo>{ getUser() {} }",
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import { Repo } from '../repo.js';\nimport type { UsersController } from '${USERS}';\nexport class Users extends Base<Repo> implements UsersController { getUser() {} }`,
            },
          ],
        },
      ],
    },
    {
      code: `import { usersOperations } from '${USERS}';\nexport class Users { getUser() {} }`,
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import { usersOperations, type UsersController } from '${USERS}';\nexport class Users implements UsersController { getUser() {} }`,
            },
          ],
        },
      ],
    },
    // Already imported under an alias: the clause uses the alias; other interfaces are kept.
    {
      code: `import type { UsersController as UC } from '${USERS}';\ninterface Disposable { dispose(): void }\nexport class Users implements Disposable { getUser() {} dispose() {} }`,
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import type { UsersController as UC } from '${USERS}';\ninterface Disposable { dispose(): void }\nexport class Users implements Disposable, UC { getUser() {} dispose() {} }`,
            },
          ],
        },
        {
          messageId: 'unknownMethod',
          data: unknown('dispose'),
          suggestions: [
            {
              messageId: 'makePrivate',
              output: `import type { UsersController as UC } from '${USERS}';\ninterface Disposable { dispose(): void }\nexport class Users implements Disposable { getUser() {} private dispose() {} }`,
            },
          ],
        },
      ],
    },
    // Another tag's interface: named in the message, replaced by the suggestion.
    {
      code: `import type { SessionsController } from '${SESSIONS}';\nexport class Users implements SessionsController { getUser() {} }`,
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Users', { found: ' instead of `SessionsController`' }),
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import type { SessionsController } from '${SESSIONS}';\nimport type { UsersController } from '${USERS}';\nexport class Users implements UsersController { getUser() {} }`,
            },
          ],
        },
      ],
    },
    // The right name from the wrong module (orders' generated routers) is not the interface.
    {
      code: "import type { UsersController } from '../../../../generated/routers/orders/orders.js';\nexport class Users implements UsersController {}",
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Users', { found: ' instead of `UsersController`' }),
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import type { UsersController } from '../../../../generated/routers/orders/orders.js';\nimport type { UsersController as GeneratedUsersController } from '${USERS}';\nexport class Users implements GeneratedUsersController {}`,
            },
          ],
        },
      ],
    },
    // A hand-written interface of the same name is no substitute.
    {
      code: 'interface UsersController { getUser(): void }\nexport class Users implements UsersController { getUser() {} }',
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import type { UsersController as GeneratedUsersController } from '${USERS}';\n\ninterface UsersController { getUser(): void }\nexport class Users implements UsersController, GeneratedUsersController { getUser() {} }`,
            },
          ],
        },
      ],
    },
    // A default-exported anonymous class after a header comment: the import goes above the comment.
    {
      code: '/** The users operations. */\nexport default class { getUser() {} }',
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('the default export'),
          line: 2,
          column: 16,
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import type { UsersController } from '${USERS}';\n\n/** The users operations. */\nexport default class implements UsersController { getUser() {} }`,
            },
          ],
        },
      ],
    },
    // Objects: an untyped one gets a type annotation, a default export `satisfies`, a wrong annotation is replaced.
    {
      code: 'export const users = { getUser: async () => found };',
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('users', { fix: objectFix('users', 'UsersController', USERS) }),
          suggestions: [
            {
              messageId: 'addType',
              output: `import type { UsersController } from '${USERS}';\n\nexport const users: UsersController = { getUser: async () => found };`,
            },
          ],
        },
      ],
    },
    {
      code: 'export default { getUser() {} };',
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          suggestions: [
            {
              messageId: 'addType',
              output: `import type { UsersController } from '${USERS}';\n\nexport default { getUser() {} } satisfies UsersController;`,
            },
          ],
        },
      ],
    },
    {
      code: `import type { SessionsController } from '${SESSIONS}';\nexport const users: SessionsController = { getUser() {} };`,
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('users', {
            found: ' instead of `SessionsController`',
            fix: objectFix('users', 'UsersController', USERS),
          }),
          suggestions: [
            {
              messageId: 'addType',
              output: `import type { SessionsController } from '${SESSIONS}';\nimport type { UsersController } from '${USERS}';\nexport const users: UsersController = { getUser() {} };`,
            },
          ],
        },
      ],
    },
    {
      code: 'type Handlers = Record<string, () => unknown>;\nexport const users = { getUser() {} } satisfies Handlers;',
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          suggestions: [
            {
              messageId: 'addType',
              output: `import type { UsersController } from '${USERS}';\n\ntype Handlers = Record<string, () => unknown>;\nexport const users = { getUser() {} } satisfies UsersController;`,
            },
          ],
        },
      ],
    },
    // An exported instance of an unexported class: the class is checked.
    {
      code: 'class Users { getUser() {} }\nexport const users = new Users();',
      filename: usersFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Users'),
          line: 1,
          column: 7,
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import type { UsersController } from '${USERS}';\n\nclass Users implements UsersController { getUser() {} }\nexport const users = new Users();`,
            },
          ],
        },
      ],
    },
    // Found through the generated router factory, from any file of services/.
    {
      code: `import { createUsersRouter } from '${APP_USERS}/users.js';\nclass Users { getUser() {} }\nexport const router = createUsersRouter(new Users());`,
      filename: appFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Users', {
            origin: 'passed to `createUsersRouter`',
            fix: classFix('UsersController', `${APP_USERS}/users.js`),
          }),
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import { createUsersRouter, type UsersController } from '${APP_USERS}/users.js';\nclass Users implements UsersController { getUser() {} }\nexport const router = createUsersRouter(new Users());`,
            },
          ],
        },
      ],
    },
    // Through a namespace import and a variable holding the instance.
    {
      code: `import * as users from '${APP_USERS}/users.js';\nclass Users { getUser() {} }\nconst controller = new Users();\nusers.createUsersRouter(controller, {});`,
      filename: appFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Users', {
            origin: 'passed to `createUsersRouter`',
            fix: classFix('UsersController', `${APP_USERS}/users.js`),
          }),
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import * as users from '${APP_USERS}/users.js';\nclass Users implements users.UsersController { getUser() {} }\nconst controller = new Users();\nusers.createUsersRouter(controller, {});`,
            },
          ],
        },
      ],
    },
    // Through the service's app factory: each property maps a tag key to its controller.
    {
      code: `import { createUsersApp } from '${APP_USERS}/index.js';\nclass Users { getUser() {} }\nconst sessions = { createSession: async () => token, logout() {} };\ncreateUsersApp({ users: new Users(), sessions }, options);`,
      filename: appFile,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Users', {
            origin: 'passed to `createUsersApp` as `users`',
            fix: classFix('UsersController', `${APP_USERS}/users.js`),
          }),
          line: 2,
          suggestions: [
            {
              messageId: 'addImplements',
              output: `import { createUsersApp } from '${APP_USERS}/index.js';\nimport type { UsersController } from '${APP_USERS}/users.js';\nclass Users implements UsersController { getUser() {} }\nconst sessions = { createSession: async () => token, logout() {} };\ncreateUsersApp({ users: new Users(), sessions }, options);`,
            },
          ],
        },
        {
          messageId: 'missingImplements',
          data: missing('sessions', {
            tag: 'sessions',
            iface: 'SessionsController',
            module: 'generated/routers/users/sessions.ts',
            origin: 'passed to `createUsersApp` as `sessions`',
            fix: objectFix('sessions', 'SessionsController', `${APP_USERS}/sessions.js`),
          }),
          line: 3,
          suggestions: [
            {
              messageId: 'addType',
              output: `import { createUsersApp } from '${APP_USERS}/index.js';\nimport type { SessionsController } from '${APP_USERS}/sessions.js';\nclass Users { getUser() {} }\nconst sessions: SessionsController = { createSession: async () => token, logout() {} };\ncreateUsersApp({ users: new Users(), sessions }, options);`,
            },
          ],
        },
        { messageId: 'unknownMethod', data: sessionsUnknown('logout'), line: 3 },
      ],
    },
    // A tag key with a dash (`admin-orders` → `adminOrders`), and an app factory without extension.
    {
      code: "import { createOrdersApp } from '../../../generated/routers/orders';\nconst admin = { refundOrder() {} };\ncreateOrdersApp({ adminOrders: admin, orders: {} });",
      filename: ordersApp,
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('admin', {
            tag: 'admin-orders',
            service: 'orders',
            iface: 'AdminOrdersController',
            module: 'generated/routers/orders/admin-orders.ts',
            origin: 'passed to `createOrdersApp` as `adminOrders`',
            fix: objectFix('admin', 'AdminOrdersController', '../../../generated/routers/orders/admin-orders.js'),
          }),
          suggestions: [
            {
              messageId: 'addType',
              output:
                "import { createOrdersApp } from '../../../generated/routers/orders';\nimport type { AdminOrdersController } from '../../../generated/routers/orders/admin-orders.js';\nconst admin: AdminOrdersController = { refundOrder() {} };\ncreateOrdersApp({ adminOrders: admin, orders: {} });",
            },
          ],
        },
      ],
    },
    // Inline objects are checked for unknown methods (the parameter's type checks the rest).
    {
      code: `import { createUsersRouter } from '${APP_USERS}/users.js';\ncreateUsersRouter({ getUsr: async () => found });`,
      filename: appFile,
      errors: [
        {
          messageId: 'unknownMethod',
          data: unknown('getUsr', 'getUser'),
          suggestions: [
            {
              messageId: 'renameMethod',
              data: { name: 'getUsr', operation: 'getUser' },
              output: `import { createUsersRouter } from '${APP_USERS}/users.js';\ncreateUsersRouter({ getUser: async () => found });`,
            },
          ],
        },
      ],
    },
    // Unknown public methods: did-you-mean rename, or make it private.
    {
      code: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController {\n  async getUsers() {}\n  toDto() {}\n}`,
      filename: usersFile,
      errors: [
        {
          messageId: 'unknownMethod',
          data: unknown('getUsers', 'getUser'),
          line: 3,
          column: 9,
          suggestions: [
            {
              messageId: 'renameMethod',
              output: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController {\n  async getUser() {}\n  toDto() {}\n}`,
            },
            {
              messageId: 'makePrivate',
              output: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController {\n  private async getUsers() {}\n  toDto() {}\n}`,
            },
          ],
        },
        {
          messageId: 'unknownMethod',
          data: unknown('toDto'),
          line: 4,
          suggestions: [
            {
              messageId: 'makePrivate',
              output: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController {\n  async getUsers() {}\n  private toDto() {}\n}`,
            },
          ],
        },
      ],
    },
    // Arrow-function properties, `public`, decorators and string keys are members too.
    {
      code: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController {\n  public listUser = async () => all;\n  @traced 'updateUsr'() {}\n}`,
      filename: usersFile,
      errors: [
        {
          messageId: 'unknownMethod',
          data: unknown('listUser', 'listUsers'),
          suggestions: [
            {
              messageId: 'renameMethod',
              output: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController {\n  public listUsers = async () => all;\n  @traced 'updateUsr'() {}\n}`,
            },
            {
              messageId: 'makePrivate',
              output: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController {\n  private listUser = async () => all;\n  @traced 'updateUsr'() {}\n}`,
            },
          ],
        },
        {
          messageId: 'unknownMethod',
          data: unknown('updateUsr', 'updateUser'),
          suggestions: [
            {
              messageId: 'renameMethod',
              output: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController {\n  public listUser = async () => all;\n  @traced updateUser() {}\n}`,
            },
            {
              messageId: 'makePrivate',
              output: `import type { UsersController } from '${USERS}';\nexport class Users implements UsersController {\n  public listUser = async () => all;\n  @traced private 'updateUsr'() {}\n}`,
            },
          ],
        },
      ],
    },
    // Object controllers: a shorthand property keeps its value when renamed; no "private" for objects.
    {
      code: `import type { UsersController } from '${USERS}';\nconst creatUser = async () => created;\nexport const users: UsersController = { creatUser };`,
      filename: usersFile,
      errors: [
        {
          messageId: 'unknownMethod',
          data: unknown('creatUser', 'createUser'),
          suggestions: [
            {
              messageId: 'renameMethod',
              output: `import type { UsersController } from '${USERS}';\nconst creatUser = async () => created;\nexport const users: UsersController = { createUser: creatUser };`,
            },
          ],
        },
      ],
    },
    // A controller of another tag's name in a file: checked against the file's tag.
    {
      code: `import type { SessionsController } from '${SESSIONS}';\nexport class Sessions implements SessionsController { createSession() {} getUser() {} }`,
      filename: sessionsFile,
      errors: [
        {
          messageId: 'unknownMethod',
          data: sessionsUnknown('getUser'),
          suggestions: [
            {
              messageId: 'makePrivate',
              output: `import type { SessionsController } from '${SESSIONS}';\nexport class Sessions implements SessionsController { createSession() {} private getUser() {} }`,
            },
          ],
        },
      ],
    },
    // Controller files for tags or services the spec does not have.
    {
      code: 'export class AccountsController { getAccount() {} }',
      filename: shopFile('services/users/src/controllers/user.ts'),
      errors: [
        {
          messageId: 'unknownTag',
          data: {
            file: 'src/controllers/user.ts',
            name: 'user',
            service: 'users',
            specFile: 'spec/rest/users.yaml',
            hint: ' (did you mean `users`?)',
            tags: '`sessions.ts`, `users.ts`',
          },
          line: 1,
          column: 14,
        },
      ],
    },
    {
      code: 'export const accounts = { getAccount() {} };',
      filename: shopFile('services/users/src/controllers/accounts.ts'),
      errors: [
        {
          messageId: 'unknownTag',
          data: {
            file: 'src/controllers/accounts.ts',
            name: 'accounts',
            service: 'users',
            specFile: 'spec/rest/users.yaml',
            hint: '',
            tags: '`sessions.ts`, `users.ts`',
          },
        },
      ],
    },
    {
      code: 'export class OrdersController { placeOrder() {} }',
      filename: shopFile('services/order/src/controllers/orders.ts'),
      errors: [
        {
          messageId: 'unknownService',
          data: {
            file: 'src/controllers/orders.ts',
            name: 'order',
            specFile: 'spec/services.yaml',
            hint: ' (did you mean `orders`?)',
            services: '`billing`, `orders`, `users`',
          },
        },
      ],
    },
    {
      code: 'export class PaymentsController {}\nexport class RefundsController {}',
      filename: shopFile('services/payments/src/controllers/payments.ts'),
      errors: [
        {
          messageId: 'unknownService',
          data: {
            file: 'src/controllers/payments.ts',
            name: 'payments',
            specFile: 'spec/services.yaml',
            hint: '',
            services: '`billing`, `orders`, `users`',
          },
          line: 1,
        },
      ],
    },
    // The controllersDir option.
    {
      code: 'export class Invoices { payInvoice() {} }',
      filename: shopFile('services/billing/src/handlers/invoices.ts'),
      options: [{ controllersDir: 'src/handlers' }],
      errors: [
        {
          messageId: 'missingImplements',
          data: missing('Invoices', {
            tag: 'invoices',
            service: 'billing',
            iface: 'InvoicesController',
            module: 'generated/routers/billing/invoices.ts',
            origin: 'exported from `src/handlers/invoices.ts`, the controller file of that tag',
            fix: classFix('InvoicesController', '../../../../generated/routers/billing/invoices.js'),
          }),
          suggestions: [
            {
              messageId: 'addImplements',
              output:
                "import type { InvoicesController } from '../../../../generated/routers/billing/invoices.js';\n\nexport class Invoices implements InvoicesController { payInvoice() {} }",
            },
          ],
        },
      ],
    },
  ],
});
