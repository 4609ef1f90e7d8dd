/**
 * `no-adhoc-schema`, library by library and form by form: which module names and members build a
 * schema (reported) and which only read, run or configure one (not reported), how a schema's name
 * leads to the spec model to use instead, where the report points, and which DTO classes count.
 * The shop fixture's spec defines the models (User, UserCreate, Order, OrderItem, Address, ...).
 */
import rule from '../src/rules/no-adhoc-schema.js';
import { ruleTester, shopFile } from './rule-tester.js';

const service = shopFile('services/users/src/users.ts');
const common = { services: 'services', models: 'generated/models.ts' };

function adhoc(
  library: string,
  position: { line?: number; column?: number; endLine?: number; endColumn?: number } = {},
) {
  return { messageId: 'adhocSchema' as const, data: { ...common, library }, ...position };
}

function forModel(library: string, name: string, model: string, position: { line?: number; column?: number } = {}) {
  return {
    messageId: 'adhocSchemaForModel' as const,
    data: { ...common, library, name, model, type: model },
    ...position,
  };
}

function dto(
  library: string,
  name?: string,
  position: { line?: number; column?: number; endLine?: number; endColumn?: number } = {},
) {
  return {
    messageId: 'decoratedDto' as const,
    data: { ...common, library, named: name === undefined ? '' : ` \`${name}\`` },
    ...position,
  };
}

function dtoForModel(library: string, name: string, model: string) {
  return { messageId: 'decoratedDtoForModel' as const, data: { ...common, library, name, model, type: model } };
}

/** Each library's helpers that build no schema, called as members of what the import gives. */
const HELPERS: [library: string, importLine: string, members: string[]][] = [
  [
    'zod',
    "import { z } from 'zod';",
    [
      'parse',
      'safeParse',
      'parseAsync',
      'safeParseAsync',
      'encode',
      'decode',
      'encodeAsync',
      'decodeAsync',
      'safeEncode',
      'safeDecode',
      'safeEncodeAsync',
      'safeDecodeAsync',
      'config',
      'setErrorMap',
      'getErrorMap',
      'treeifyError',
      'prettifyError',
      'flattenError',
      'formatError',
      'toJSONSchema',
      'registry',
      'globalRegistry',
      'locales',
      'util',
      'core',
      'regexes',
      'isValid',
      'isDirty',
      'isAborted',
      'isAsync',
      'addIssueToContext',
      'getParsedType',
      'makeIssue',
      'OK',
      'DIRTY',
      'INVALID',
      'NEVER',
      'ZodError',
      'ZodRealError',
    ],
  ],
  [
    'yup',
    "import * as yup from 'yup';",
    ['reach', 'addMethod', 'setLocale', 'isSchema', 'ref', 'getIn', 'printValue', 'defaultLocale', 'ValidationError'],
  ],
  [
    'joi',
    "import Joi from 'joi';",
    [
      'assert',
      'attempt',
      'isSchema',
      'isRef',
      'isExpression',
      'isError',
      'ref',
      'in',
      'expression',
      'x',
      'cache',
      'checkPreferences',
      'override',
      'version',
      'ValidationError',
    ],
  ],
  [
    'valibot',
    "import * as v from 'valibot';",
    [
      'parse',
      'safeParse',
      'parseAsync',
      'safeParseAsync',
      'parser',
      'safeParser',
      'parserAsync',
      'safeParserAsync',
      'is',
      'assert',
      'flatten',
      'summarize',
      'getDotPath',
      'getDefault',
      'getDefaults',
      'getDefaultsAsync',
      'getFallback',
      'getFallbacks',
      'getFallbacksAsync',
      'getDescription',
      'getTitle',
      'getMetadata',
      'getGlobalConfig',
      'setGlobalConfig',
      'deleteGlobalConfig',
      'getGlobalMessage',
      'setGlobalMessage',
      'deleteGlobalMessage',
      'getSchemaMessage',
      'setSchemaMessage',
      'deleteSchemaMessage',
      'getSpecificMessage',
      'setSpecificMessage',
      'deleteSpecificMessage',
      'isOfKind',
      'isOfType',
      'isValiError',
      'unwrap',
      'ValiError',
    ],
  ],
  [
    '@sinclair/typebox',
    "import * as tb from '@sinclair/typebox';",
    [
      'Value',
      'TypeCompiler',
      'TypeGuard',
      'KindGuard',
      'ValueGuard',
      'TypeRegistry',
      'FormatRegistry',
      'TypeSystem',
      'SetErrorFunction',
      'GetErrorFunction',
      'DefaultErrorFunction',
      'Errors',
      'Kind',
      'Hint',
      'Clone',
      'CloneType',
    ],
  ],
  ['arktype', "import * as ark from 'arktype';", ['define', 'configure', 'regex', 'keywords', 'ark']],
  ['superstruct', "import * as s from 'superstruct';", ['assert', 'is', 'validate', 'create', 'mask', 'StructError']],
  [
    'io-ts',
    "import * as t from 'io-ts';",
    [
      'success',
      'failure',
      'failures',
      'identity',
      'getFunctionName',
      'getContextEntry',
      'appendContext',
      'getValidationError',
      'getDefaultContext',
      'draw',
    ],
  ],
  ['runtypes', "import * as rt from 'runtypes';", ['Contract', 'AsyncContract', 'checked', 'check', 'Failcode']],
  [
    'class-validator',
    "import * as cv from 'class-validator';",
    ['validate', 'validateSync', 'IsString', 'getMetadataStorage'],
  ],
  [
    'class-transformer',
    "import * as ct from 'class-transformer';",
    ['plainToInstance', 'instanceToPlain', 'Expose', 'Type'],
  ],
];

/** What the import line binds: the namespace the members are read from. */
function namespaceOf(importLine: string): string {
  return /import (?:\* as |\{ )?(\w+)/.exec(importLine)![1]!;
}

/** One module specifier per form a library is imported by, with a call that builds a schema with it. */
const BUILDERS: [module: string, library: string, call: string][] = [
  ['zod', 'zod', 'z.string()'],
  ['zod/v4', 'zod', 'z.string()'],
  ['zod/v4/mini', 'zod', 'z.string()'],
  ['@zod/mini', 'zod', 'z.string()'],
  ['@zod/core', 'zod', 'z.string()'],
  ['yup', 'yup', 'z.string()'],
  ['joi', 'joi', 'z.string()'],
  ['@hapi/joi', 'joi', 'z.string()'],
  ['valibot', 'valibot', 'z.string()'],
  ['@sinclair/typebox', '@sinclair/typebox', 'z.String()'],
  ['@sinclair/typebox/type', '@sinclair/typebox', 'z.String()'],
  ['typebox', '@sinclair/typebox', 'z.String()'],
  ['typebox/type', '@sinclair/typebox', 'z.String()'],
  ['arktype', 'arktype', 'z.type("string")'],
  ['superstruct', 'superstruct', 'z.string()'],
  ['io-ts', 'io-ts', 'z.type({})'],
  ['io-ts/Decoder', 'io-ts', 'z.string()'],
  ['io-ts/lib/index.js', 'io-ts', 'z.type({})'],
  ['runtypes', 'runtypes', 'z.String()'],
  ['class-validator', 'class-validator', 'z.registerSchema({})'],
];

/** Module names that only look like a library's. */
const NOT_LIBRARIES = [
  'zodiac',
  'zod-extra',
  'my-zod/x',
  'yup/lib/x',
  'joi-x',
  'valibot/x',
  '@sinclair/typebox/value/x',
  'arktype/x',
  'io-tsx',
  'runtypes/x',
  'class-validator/x',
];

ruleTester().run('no-adhoc-schema: libraries', rule, {
  valid: [
    ...HELPERS.map(([library, importLine, members]) => ({
      name: `${library}: ${members.join(', ')} build nothing`,
      code: `${importLine}\nimport { User } from './schemas.js';\n${members.map((member) => `${namespaceOf(importLine)}.${member}(User);`).join('\n')}`,
      filename: service,
    })),
    {
      name: 'joi: extend and defaults build nothing by themselves',
      code: "import Joi from 'joi';\ndeclare const ext: never;\nJoi.extend(ext);\nJoi.defaults(ext);",
      filename: service,
    },
    {
      name: 'class-transformer: no helper builds',
      code: "import { plainToInstance } from 'class-transformer';\nplainToInstance(Object, {});",
      filename: service,
    },
    ...NOT_LIBRARIES.map((module) => ({
      name: `not a library: ${module}`,
      code: `import * as z from '${module}';\nexport const User = z.object({});`,
      filename: service,
    })),
    ...['io-ts/PathReporter', 'io-ts/lib/PathReporter.js', 'io-ts/es6/ThrowReporter', 'io-ts/Reporter'].map(
      (module) => ({
        name: `io-ts reporters: ${module}`,
        code: `import * as r from '${module}';\nexport const explain = r.report({});`,
        filename: service,
      }),
    ),
    {
      name: 'a dynamic import of a name, not a literal',
      code: 'export async function f(name: string) {\n  const z = await import(name);\n  return z.object({});\n}',
      filename: service,
    },
    {
      name: 'a require of a computed name',
      code: 'declare const name: string;\nconst z = require(name);\nz.object({});',
      filename: service,
    },
    {
      name: 'a template literal with expressions',
      code: 'declare const v: string;\nconst z = require(`zod${v}`);\nz.object({});',
      filename: service,
    },
    {
      name: 'import type of a module',
      code: "import type z = require('zod');\nexport type T = z.ZodTypeAny;",
      filename: service,
    },
    {
      name: 'an import alias of a namespace, not a module',
      code: 'namespace N { export const z = { object: (x: object) => x }; }\nimport zz = N.z;\nexport const User = zz.object({});',
      filename: service,
    },
    {
      name: 'a computed member of the library',
      code: "import { z } from 'zod';\ndeclare const key: 'object';\nexport const User = z[key]({});",
      filename: service,
    },
    {
      name: 'a member of what a builder returned, stored before',
      code: "import { z } from 'zod';\nimport { User } from './schemas.js';\nconst { shape } = User;\nexport const keys = Object.keys(shape);",
      filename: service,
    },
    {
      name: 'destructuring with a computed key and a rest',
      code: "import { z } from 'zod';\ndeclare const k: string;\nconst { [k]: made, ...rest } = z;\nmade({});\nrest.object({});",
      filename: service,
    },
    {
      name: 'a file that names zod only in a comment',
      code: '// not zod: a local helper\nconst z = { object: (x: object) => x };\nexport const User = z.object({});',
      filename: service,
    },
    {
      name: 'a method decorated by class-validator is no DTO',
      code: "import { IsString } from 'class-validator';\nexport class Users {\n  @IsString() name() { return ''; }\n}",
      filename: service,
    },
    {
      name: 'a class without members',
      code: "import { IsString } from 'class-validator';\nexport class Empty {}\nexport const check = IsString;",
      filename: service,
    },
  ],
  invalid: [
    ...BUILDERS.map(([module, library, call]) => ({
      name: `${module}: ${call}`,
      code: `import * as z from '${module}';\nexport const made = ${call};`,
      filename: service,
      errors: [adhoc(library, { line: 2, column: 21 })],
    })),
    {
      name: 'what a builder returns is a schema, not a builder',
      code: "import Joi from 'joi';\nconst made = Joi.object();\nconst { keys } = made;\nkeys();",
      filename: service,
      errors: [adhoc('joi', { line: 2 })],
    },
    {
      name: 'a template literal require',
      code: 'const z = require(`zod`);\nz.string();',
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'an import with a string name',
      code: "import { 'object' as o } from 'zod';\nexport const made = o({});",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'the default export of a namespace',
      code: "import * as zod from 'zod';\nexport const made = zod.default.object({});",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'the z alias of a namespace',
      code: "import * as zod from 'zod';\nexport const made = zod.z.object({});",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'the Joi alias of a namespace',
      code: "import * as J from 'joi';\nexport const made = J.Joi.object({});",
      filename: service,
      errors: [adhoc('joi')],
    },
    {
      name: 'the Type alias of a namespace',
      code: "import * as tb from '@sinclair/typebox';\nexport const made = tb.Type.Object({});",
      filename: service,
      errors: [adhoc('@sinclair/typebox')],
    },
    {
      name: 'a computed string member',
      code: "import { z } from 'zod';\nexport const made = z['object']({});",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'a Joi customised by defaults',
      code: "import Joi from 'joi';\nconst J = Joi.defaults((s) => s);\nexport const made = J.string();",
      filename: service,
      errors: [adhoc('joi', { line: 3 })],
    },
    {
      name: 'a library behind a cast',
      code: "import { z } from 'zod';\nexport const made = (z as typeof z).string();",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'a library behind satisfies and a non-null assertion',
      code: "import { z } from 'zod';\nexport const made = (z satisfies object)!.string();",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'a library behind a type assertion',
      code: "import { z } from 'zod';\nexport const made = (<typeof z>z).string();",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'an instantiation expression',
      code: "import { z } from 'zod';\nconst make = z.object<{ a: string }>;\nexport const made = make({ a: '' });",
      filename: service,
      errors: [adhoc('zod', { line: 3 })],
    },
    {
      name: 'an optional chain',
      code: "import { z } from 'zod';\nexport const made = z?.object({});",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'an awaited dynamic import',
      code: "export async function f() {\n  return (await import('zod')).z.object({});\n}",
      filename: service,
      errors: [adhoc('zod', { line: 2 })],
    },
    {
      name: 'new on a builder',
      code: "import * as t from 'io-ts';\nexport const made = new t.Type('x', (u): u is string => true, (u) => t.success(String(u)), String);",
      filename: service,
      errors: [adhoc('io-ts')],
    },
    {
      name: 'destructuring with a default',
      code: "import { z } from 'zod';\nconst { object = () => ({}) } = z;\nexport const made = object({});",
      filename: service,
      errors: [adhoc('zod', { line: 3 })],
    },
    {
      name: 'aliases declared in any order reach a fixed point',
      code: "import { z } from 'zod';\nexport function f() { return b.object({}); }\nconst b = a;\nconst a = z;",
      filename: service,
      errors: [adhoc('zod', { line: 2 })],
    },
    {
      name: 'two separate schemas in one statement, nested ones not again',
      code: "import { z } from 'zod';\nexport const pair = [z.object({ a: z.string() }), z.array(z.number())];",
      filename: service,
      errors: [
        adhoc('zod', { line: 2, column: 22, endColumn: 30 }),
        adhoc('zod', { line: 2, column: 51, endColumn: 58 }),
      ],
    },
    {
      name: 'a chain is reported from its start to its builder',
      code: "import Joi from 'joi';\nexport const made = Joi.object({ a: Joi.string() }).keys({}).unknown();",
      filename: service,
      errors: [adhoc('joi', { line: 2, column: 21, endLine: 2, endColumn: 31 })],
    },
    {
      name: 'a schema passed through a helper is reported inside it',
      code: "import { z } from 'zod';\ndeclare function wrap<T>(x: T): T;\nexport const made = wrap(z.string().min(1));",
      filename: service,
      errors: [adhoc('zod', { line: 3, column: 26, endLine: 3, endColumn: 34 })],
    },
  ],
});

ruleTester().run('no-adhoc-schema: names that point at a spec model', rule, {
  valid: [],
  invalid: [
    {
      name: 'exact',
      code: "import { z } from 'zod';\nconst Order = z.object({});",
      filename: service,
      errors: [forModel('zod', 'Order', 'Order')],
    },
    {
      name: 'Schema suffix',
      code: "import { z } from 'zod';\nconst OrderItemSchema = z.object({});",
      filename: service,
      errors: [forModel('zod', 'OrderItemSchema', 'OrderItem')],
    },
    {
      name: 'lower camel, Validator suffix',
      code: "import { z } from 'zod';\nconst addressValidator = z.object({});",
      filename: service,
      errors: [forModel('zod', 'addressValidator', 'Address')],
    },
    {
      name: 'snake case with a suffix',
      code: "import { z } from 'zod';\nconst order_item_schema = z.object({});",
      filename: service,
      errors: [forModel('zod', 'order_item_schema', 'OrderItem')],
    },
    {
      name: 'screaming case',
      code: "import { z } from 'zod';\nconst ORDER_ITEM = z.object({});",
      filename: service,
      errors: [forModel('zod', 'ORDER_ITEM', 'OrderItem')],
    },
    {
      name: 'one screaming word',
      code: "import { z } from 'zod';\nconst MONEY = z.object({});",
      filename: service,
      errors: [forModel('zod', 'MONEY', 'Money')],
    },
    {
      name: 'suffixes stacked',
      code: "import { z } from 'zod';\nconst UserDtoSchema = z.object({});",
      filename: service,
      errors: [forModel('zod', 'UserDtoSchema', 'User')],
    },
    {
      name: 'a lower-case name ignoring case',
      code: "import { z } from 'zod';\nconst orderitem = z.object({});",
      filename: service,
      errors: [forModel('zod', 'orderitem', 'OrderItem')],
    },
    {
      name: 'Update first',
      code: "import { z } from 'zod';\nconst UpdateUserSchema = z.object({});",
      filename: service,
      errors: [forModel('zod', 'UpdateUserSchema', 'UserUpdate')],
    },
    {
      name: 'Create first, lower case',
      code: "import { z } from 'zod';\nconst createUser = z.object({});",
      filename: service,
      errors: [forModel('zod', 'createUser', 'UserCreate')],
    },
    {
      name: 'only a suffix: no model',
      code: "import { z } from 'zod';\nconst Schema = z.object({});",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'a name of no model',
      code: "import { z } from 'zod';\nconst Basket = z.object({});",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'assigned to a variable',
      code: "import { z } from 'zod';\nlet Invoice;\nInvoice = z.object({});",
      filename: service,
      errors: [forModel('zod', 'Invoice', 'Invoice', { line: 3 })],
    },
    {
      name: 'assigned to a member',
      code: "import { z } from 'zod';\nexport const schemas: Record<string, unknown> = {};\nschemas.Address = z.object({});",
      filename: service,
      errors: [forModel('zod', 'Address', 'Address', { line: 3 })],
    },
    {
      name: 'assigned to a computed member',
      code: "import { z } from 'zod';\nexport const schemas: Record<string, unknown> = {};\nschemas['Money'] = z.object({});",
      filename: service,
      errors: [forModel('zod', 'Money', 'Money', { line: 3 })],
    },
    {
      name: 'assigned to an index: no name',
      code: "import { z } from 'zod';\nexport const list: unknown[] = [];\nlist[0] = z.object({});",
      filename: service,
      errors: [adhoc('zod', { line: 3 })],
    },
    {
      name: 'a class field',
      code: "import { z } from 'zod';\nexport class Users { static User = z.object({}); }",
      filename: service,
      errors: [forModel('zod', 'User', 'User')],
    },
    {
      name: 'a private class field, named as written',
      code: "import { z } from 'zod';\nexport class Users { #OrderSchema = z.object({}); }",
      filename: service,
      errors: [forModel('zod', '#OrderSchema', 'Order')],
    },
    {
      name: 'an awaited, parsed value is named too',
      code: "import { z } from 'zod';\nexport async function f(x: unknown) { const Order = await z.object({}).parseAsync(x); return Order; }",
      filename: service,
      errors: [forModel('zod', 'Order', 'Order')],
    },
    {
      name: 'a destructured declaration: no name',
      code: "import { z } from 'zod';\nexport const { shape } = z.object({});",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'a key of an object that is not the value',
      code: "import { z } from 'zod';\nexport const o = { [z.string().parse('k')]: 1 };",
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'the left side of an assignment is no name',
      code: "import { z } from 'zod';\ndeclare let target: { User?: unknown };\n(target.User = z.object({}));",
      filename: service,
      errors: [forModel('zod', 'User', 'User', { line: 3 })],
    },
  ],
});

ruleTester().run('no-adhoc-schema: DTO classes', rule, {
  valid: [],
  invalid: [
    {
      name: 'a bare decorator',
      code: "import { IsDefined } from 'class-validator';\nexport class Basket { @IsDefined name!: string; }",
      filename: service,
      errors: [dto('class-validator', 'Basket', { line: 2, column: 14, endLine: 2, endColumn: 20 })],
    },
    {
      name: 'an accessor field',
      code: "import { IsString } from 'class-validator';\nexport class Basket { @IsString() accessor name = ''; }",
      filename: service,
      errors: [dto('class-validator', 'Basket')],
    },
    {
      name: 'an abstract property',
      code: "import { IsString } from 'class-validator';\nexport abstract class Basket { @IsString() abstract name: string; }",
      filename: service,
      errors: [dto('class-validator', 'Basket')],
    },
    {
      name: 'an abstract accessor',
      code: "import { IsString } from 'class-validator';\nexport abstract class Basket { @IsString() abstract accessor name: string; }",
      filename: service,
      errors: [dto('class-validator', 'Basket')],
    },
    {
      name: 'a setter',
      code: "import { IsString } from 'class-validator';\nexport class Basket { @IsString() set name(v: string) { void v; } }",
      filename: service,
      errors: [dto('class-validator', 'Basket')],
    },
    {
      name: 'a class expression named by its variable',
      code: "import { IsString } from 'class-validator';\nexport const OrderDto = class { @IsString() id!: string; };",
      filename: service,
      errors: [dtoForModel('class-validator', 'OrderDto', 'Order')],
    },
    {
      name: 'an anonymous class expression, reported at `class`',
      code: "import { IsString } from 'class-validator';\ndeclare function use(x: unknown): void;\nuse(class { @IsString() id!: string; });",
      filename: service,
      errors: [dto('class-validator', undefined, { line: 3, column: 5, endLine: 3, endColumn: 10 })],
    },
    {
      name: 'a named class expression keeps its own name',
      code: "import { IsString } from 'class-validator';\nexport const X = class Address { @IsString() city!: string; };",
      filename: service,
      errors: [dtoForModel('class-validator', 'Address', 'Address')],
    },
    {
      name: 'class-transformer by require',
      code: "const { Expose } = require('class-transformer');\nexport class Basket { @Expose() id!: string; }",
      filename: service,
      errors: [dto('class-transformer', 'Basket')],
    },
    {
      name: 'registerSchema builds a schema',
      code: "import { registerSchema } from 'class-validator';\nregisterSchema({ name: 'x', properties: {} });",
      filename: service,
      errors: [adhoc('class-validator')],
    },
  ],
});
