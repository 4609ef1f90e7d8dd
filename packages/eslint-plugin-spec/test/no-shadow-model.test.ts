import rule from '../src/rules/no-shadow-model.js';
import { ruleTester, shopFile } from './rule-tester.js';

const service = shopFile('services/users/src/users.ts');

ruleTester().run('no-shadow-model', rule, {
  valid: [
    // Importing the generated type is the point.
    {
      code: "import type { User } from '../../../generated/models.js';\nexport type Admin = User & { admin: true };",
      filename: service,
    },
    // Names the spec does not have.
    { code: 'interface UserRow { id: string }\ntype Money2 = number;\nclass UserRepository {}', filename: service },
    // Outside services/: scripts, the generated folder's own declarations, files of no project.
    { code: 'interface User { id: string }', filename: shopFile('scripts/seed.ts') },
    { code: 'interface User { id: string }', filename: '/tmp/not-a-project/user.ts' },
    // Tests may declare their own shapes.
    { code: 'interface User { id: string }', filename: shopFile('services/users/src/users.test.ts') },
    { code: 'interface User { id: string }', filename: shopFile('services/users/test/helpers.ts') },
    // The allow option.
    {
      code: 'type Order = { id: string };',
      filename: shopFile('services/orders/src/legacy/order.ts'),
      options: [{ allow: ['services/*/src/legacy/**'] }],
    },
    // A value named like a model is not a type declaration.
    { code: 'const User = { find() {} };\nfunction Order() {}', filename: service },
  ],
  invalid: [
    {
      code: 'interface User { id: string; email: string }',
      filename: service,
      errors: [{ messageId: 'shadowsModel', data: { name: 'User', type: 'User' }, line: 1, column: 11 }],
    },
    {
      code: 'type UserCreate = { email: string };',
      filename: service,
      errors: [{ messageId: 'shadowsModel', data: { name: 'UserCreate', type: 'UserCreate' } }],
    },
    {
      code: 'export class Order { id = "" }',
      filename: shopFile('services/orders/src/order.ts'),
      errors: [{ messageId: 'shadowsModel', data: { name: 'Order', type: 'Order' } }],
    },
    {
      code: "enum OrderStatus { pending = 'pending' }",
      filename: shopFile('services/orders/src/status.ts'),
      errors: [{ messageId: 'shadowsModel' }],
    },
    {
      code: 'export type Money = { amount: number };\nexport interface Address { line1: string }\ntype Fine = string;',
      filename: service,
      errors: [
        { messageId: 'shadowsModel', line: 1 },
        { messageId: 'shadowsModel', line: 2 },
      ],
    },
    // Nested in a namespace or function: still a second definition.
    {
      code: 'namespace api { export interface Invoice { id: string } }',
      filename: shopFile('services/billing/src/api.ts'),
      errors: [{ messageId: 'shadowsModel', data: { name: 'Invoice', type: 'Invoice' } }],
    },
  ],
});
