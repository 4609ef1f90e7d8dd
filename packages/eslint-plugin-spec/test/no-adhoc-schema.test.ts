import * as tsParser from '@typescript-eslint/parser';
import { type ESLint, Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import rule from '../src/rules/no-adhoc-schema.js';
import { adhoc, dto, dtoForModel, forModel, service } from './no-adhoc-schema-reports.js';
import { SHOP, ruleTester, shopFile } from './rule-tester.js';

const zodUser = `import { z } from 'zod';
export const User = z.object({ id: z.string() });`;

ruleTester().run('no-adhoc-schema', rule, {
  valid: [
    // Where the rule does not apply.
    { name: 'outside the services folder', code: zodUser, filename: shopFile('scripts/x.ts') },
    { name: 'in the output folder', code: zodUser, filename: shopFile('generated/extra.ts') },
    { name: 'a file outside any project', code: zodUser },
    { name: 'a test file', code: zodUser, filename: shopFile('services/users/src/users.test.ts') },
    { name: 'a spec file', code: zodUser, filename: shopFile('services/users/src/users.spec.ts') },
    { name: 'a test folder', code: zodUser, filename: shopFile('services/users/test/fixtures.ts') },
    { name: 'a migration', code: zodUser, filename: shopFile('services/users/migrations/001-init.ts') },
    {
      name: 'lint.allowAdhocSchemas of specfirst.yaml',
      code: zodUser,
      filename: shopFile('services/users/scripts/seed.ts'),
    },
    {
      name: 'the allow option',
      code: zodUser,
      filename: shopFile('services/users/src/legacy/user.ts'),
      options: [{ allow: ['services/*/src/legacy/**'] }],
    },

    // Type-only imports.
    {
      name: 'import type',
      code: `import type { ZodType } from 'zod';\nexport function check(schema: ZodType): ZodType { return schema; }`,
      filename: service,
    },
    {
      name: 'inline type specifiers',
      code: `import { type infer as Infer, type ZodTypeAny } from 'zod';\nexport type Body = Infer<ZodTypeAny>;`,
      filename: service,
    },
    {
      name: 'type positions of a value import',
      code: `import { z } from 'zod';\nexport type Body = z.infer<typeof z.ZodAny>;`,
      filename: service,
    },

    // Look-alikes.
    {
      name: 'a local object named z',
      code: `const z = { object: (shape: object) => shape };\nexport const User = z.object({ id: 1 });`,
      filename: service,
    },
    {
      name: 'a schema from elsewhere',
      code: `import { schema } from './schema.js';\nexport const User = schema.object({});\nschema.parse({});`,
      filename: service,
    },
    {
      name: 'a generated validator',
      code: `import { UserSchema } from '../../../generated/validators/users.js';\nexport const parse = (body: unknown) => UserSchema.parse(body);`,
      filename: service,
    },
    {
      name: 'a local function named type',
      code: `function type(shape: object) { return shape; }\nexport const User = type({ name: 'string' });`,
      filename: service,
    },
    {
      name: 'a local Type object',
      code: `const Type = { Object: (shape: object) => shape };\nexport const User = Type.Object({});`,
      filename: service,
    },
    {
      name: 'a property named z',
      code: `export const make = (ctx: { z: { object(x: object): object } }) => ctx.z.object({});`,
      filename: service,
    },
    {
      name: 'a parameter named z shadows the import',
      code: `import { z } from 'zod';\nexport type Any = z.ZodTypeAny;\nexport function build(z: { object(shape: object): object }) { return z.object({}); }`,
      filename: service,
    },
    {
      name: 'a local require shadows the global one',
      code: `export function load(require: (id: string) => { z: { object(x: object): object } }) {\n  const { z } = require('zod');\n  return z.object({});\n}`,
      filename: service,
    },
    {
      name: 'a schema stored in a variable is used, not built',
      code: `import { UserSchema } from './schemas.js';\nconst s = UserSchema;\ns.parse({});`,
      filename: service,
    },

    // The libraries' helpers that build nothing.
    {
      name: 'zod: parsing with an imported schema, error helpers',
      code: `import { z, ZodError } from 'zod';\nimport { User } from './schemas.js';\nexport function read(body: unknown) {\n  try { return z.parse(User, body); } catch (e) { if (e instanceof ZodError) throw new Error(z.prettifyError(e)); throw e; }\n}`,
      filename: service,
    },
    {
      name: 'valibot: parse and is',
      code: `import * as v from 'valibot';\nimport { User } from './schemas.js';\nexport const ok = (x: unknown) => v.is(User, x) && v.parse(User, x);`,
      filename: service,
    },
    {
      name: 'joi: assert with a schema from elsewhere',
      code: `import Joi from 'joi';\nimport { schema } from './schemas.js';\nJoi.assert({}, schema);`,
      filename: service,
    },
    {
      name: 'yup: a ref is no schema',
      code: `import * as yup from 'yup';\nexport const password = yup.ref('password');`,
      filename: service,
    },
    {
      name: 'typebox: Value.Check with an imported schema',
      code: `import { Value } from '@sinclair/typebox/value';\nimport { Value as V } from '@sinclair/typebox';\nimport { User } from './schemas.js';\nValue.Check(User, {});\nV.Check(User, {});`,
      filename: service,
    },
    {
      name: 'io-ts: the PathReporter',
      code: `import { PathReporter } from 'io-ts/PathReporter';\nexport const explain = (r: never) => PathReporter.report(r);`,
      filename: service,
    },
    {
      name: 'io-ts: the PathReporter from lib/',
      code: `import { PathReporter } from 'io-ts/lib/PathReporter';\nexport const explain = (r: never) => PathReporter.report(r);`,
      filename: service,
    },
    {
      name: 'superstruct: validate with an imported struct',
      code: `import { assert, is } from 'superstruct';\nimport { User } from './structs.js';\nassert({}, User);\nis({}, User);`,
      filename: service,
    },
    {
      name: 'class-validator: validating an imported DTO',
      code: `import { validate } from 'class-validator';\nimport { plainToInstance } from 'class-transformer';\nimport { UserDto } from './dto.js';\nexport const check = (body: object) => validate(plainToInstance(UserDto, body));`,
      filename: service,
    },
    {
      name: 'classes decorated by other libraries',
      code: `import { Injectable } from '@nestjs/common';\nimport { Column, Entity } from 'typeorm';\n@Entity() export class UserRow { @Column() name!: string; }\n@Injectable() export class Users {}`,
      filename: service,
    },
    {
      name: 'class-validator: a custom constraint class is no DTO',
      code: `import { ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';\n@ValidatorConstraint({ name: 'even' })\nexport class Even implements ValidatorConstraintInterface { validate(n: number) { return n % 2 === 0; } }`,
      filename: service,
    },
  ],
  invalid: [
    // zod, every import form.
    {
      name: 'zod: named import, a chain reported once, named after a model',
      code: `import { z } from 'zod';\nexport const User = z.object({ id: z.string(), tags: z.array(z.string()) }).strict();`,
      filename: service,
      errors: [{ ...forModel('zod', 'User', 'User'), line: 2, column: 21, endLine: 2, endColumn: 29 }],
    },
    {
      name: 'zod: namespace import',
      code: `import * as z from 'zod';\nconst UserSchema = z.object({});`,
      filename: service,
      errors: [forModel('zod', 'UserSchema', 'User')],
    },
    {
      name: 'zod: default import',
      code: `import z from 'zod';\nconst userSchema = z.object({});`,
      filename: service,
      errors: [forModel('zod', 'userSchema', 'User')],
    },
    {
      name: 'zod: aliased import',
      code: `import { z as zz } from 'zod';\nconst orderSchema = zz.object({ total: zz.number() });`,
      filename: service,
      errors: [forModel('zod', 'orderSchema', 'Order')],
    },
    {
      name: 'zod/v4, as an argument',
      code: `import { z } from 'zod/v4';\ndeclare function use(x: unknown): void;\nuse(z.string().email());`,
      filename: service,
      errors: [adhoc('zod', { line: 3, column: 5 })],
    },
    {
      name: 'zod/mini',
      code: `import * as z from 'zod/mini';\nexport const UserCreateSchema = z.object({ name: z.string() });`,
      filename: service,
      errors: [forModel('zod', 'UserCreateSchema', 'UserCreate')],
    },
    {
      name: 'zod: require with destructuring',
      code: `const { z } = require('zod');\nconst Address = z.object({});`,
      filename: service,
      errors: [forModel('zod', 'Address', 'Address')],
    },
    { name: 'zod: require', code: `const z = require('zod');\nz.string();`, filename: service, errors: [adhoc('zod')] },
    {
      name: 'zod: inline require',
      code: `export const s = require('zod').z.object({});`,
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'zod: import equals',
      code: `import z = require('zod');\nexport const s = z.object({});`,
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'zod: dynamic import',
      code: `export async function make() {\n  const { z } = await import('zod');\n  return z.object({});\n}`,
      filename: service,
      errors: [adhoc('zod', { line: 3 })],
    },
    {
      name: 'zod: destructuring the namespace, used before the declaration',
      code: `import { z } from 'zod';\nexport function make() { return object({ city: string() }); }\nconst { object, string } = z;\nexport const AddressSchema = object({ city: string() });`,
      filename: service,
      errors: [adhoc('zod', { line: 2 }), forModel('zod', 'AddressSchema', 'Address', { line: 4 })],
    },
    {
      name: 'zod: named builder imports',
      code: `import { object, string as str } from 'zod';\nexport const schema = object({ a: str() });`,
      filename: service,
      errors: [adhoc('zod')],
    },
    {
      name: 'zod: an alias of the namespace',
      code: `import * as zod from 'zod';\nconst zz = zod.z;\nexport const Money = zz.object({});`,
      filename: service,
      errors: [forModel('zod', 'Money', 'Money')],
    },
    {
      name: 'zod: two schemas, one parse inside a handler',
      code: `import { z } from 'zod';\nconst A = z.string();\nexport function handler(body: unknown) {\n  return z.object({ a: A }).parse(body);\n}`,
      filename: service,
      errors: [adhoc('zod', { line: 2 }), adhoc('zod', { line: 4 })],
    },
    {
      name: 'zod: SCREAMING_CASE and a cast',
      code: `import { z } from 'zod';\nexport const USER_UPDATE_SCHEMA = z.object({}).partial() as unknown;`,
      filename: service,
      errors: [forModel('zod', 'USER_UPDATE_SCHEMA', 'UserUpdate')],
    },
    {
      name: 'zod: an object of schemas',
      code: `import { z } from 'zod';\nexport const schemas = { Order: z.object({}), misc: z.number() };`,
      filename: service,
      errors: [forModel('zod', 'Order', 'Order'), adhoc('zod')],
    },
    {
      name: 'zod: the outer binding is reported, not the shadowing parameter',
      code: `import { z } from 'zod';\nexport const Invoice = z.object({});\nexport function f(z: { object(x: object): object }) { return z.object({}); }`,
      filename: service,
      errors: [forModel('zod', 'Invoice', 'Invoice', { line: 2 })],
    },
    {
      name: 'the allow option does not cover this file',
      code: zodUser,
      filename: shopFile('services/orders/src/handlers/create.ts'),
      options: [{ allow: ['services/*/src/legacy/**'] }],
      errors: [forModel('zod', 'User', 'User')],
    },

    // yup, joi, valibot, typebox, arktype, superstruct, io-ts, runtypes.
    {
      name: 'yup: namespace import',
      code: `import * as yup from 'yup';\nexport const userSchema = yup.object({ email: yup.string().email().required(), password: yup.string().oneOf([yup.ref('password')]) });`,
      filename: service,
      errors: [forModel('yup', 'userSchema', 'User')],
    },
    {
      name: 'yup: named imports',
      code: `import { object, string } from 'yup';\nexport const s = object({ a: string() });`,
      filename: service,
      errors: [adhoc('yup')],
    },
    {
      name: 'joi: default import',
      code: `import Joi from 'joi';\nexport const schema = Joi.object({ name: Joi.string() });`,
      filename: service,
      errors: [adhoc('joi')],
    },
    {
      name: '@hapi/joi: require',
      code: `const Joi = require('@hapi/joi');\nexport const OrderValidator = Joi.object({});`,
      filename: service,
      errors: [forModel('joi', 'OrderValidator', 'Order')],
    },
    {
      name: 'joi: a customised Joi',
      code: `import Joi from 'joi';\ndeclare const ext: never;\nconst custom = Joi.extend(ext);\nexport const s = custom.string();`,
      filename: service,
      errors: [adhoc('joi', { line: 4 })],
    },
    {
      name: 'valibot: namespace import, a pipe',
      code: `import * as v from 'valibot';\nexport const UserSchema = v.object({ email: v.pipe(v.string(), v.email()) });`,
      filename: service,
      errors: [forModel('valibot', 'UserSchema', 'User')],
    },
    {
      name: 'valibot: named imports',
      code: `import { object, string } from 'valibot';\nexport const s = object({ a: string() });`,
      filename: service,
      errors: [adhoc('valibot')],
    },
    {
      name: 'typebox: Type.Object',
      code: `import { Type, type Static } from '@sinclair/typebox';\nexport const User = Type.Object({ id: Type.String() });\nexport type U = Static<typeof User>;`,
      filename: service,
      errors: [forModel('@sinclair/typebox', 'User', 'User')],
    },
    {
      name: 'typebox: named builders',
      code: `import { Object as TObject, String as TString } from '@sinclair/typebox';\nexport const s = TObject({ id: TString() });`,
      filename: service,
      errors: [adhoc('@sinclair/typebox')],
    },
    {
      name: 'arktype: type({...})',
      code: `import { type } from 'arktype';\nexport const user = type({ name: 'string' });`,
      filename: service,
      errors: [forModel('arktype', 'user', 'User')],
    },
    {
      name: 'arktype: scope',
      code: `import { scope } from 'arktype';\nexport const types = scope({ id: 'string' }).export();`,
      filename: service,
      errors: [adhoc('arktype')],
    },
    {
      name: 'superstruct: object({...})',
      code: `import { object, string } from 'superstruct';\nexport const OrderItem = object({ sku: string() });`,
      filename: service,
      errors: [forModel('superstruct', 'OrderItem', 'OrderItem')],
    },
    {
      name: 'io-ts: t.type({...})',
      code: `import * as t from 'io-ts';\nexport const UserCodec = t.type({ name: t.string });`,
      filename: service,
      errors: [adhoc('io-ts')],
    },
    {
      name: 'io-ts: an aliased named import',
      code: `import { type as ioType, string } from 'io-ts';\nexport const s = ioType({ a: string });`,
      filename: service,
      errors: [adhoc('io-ts')],
    },
    {
      name: 'runtypes: Record({...})',
      code: `import { Record, String } from 'runtypes';\nexport const Address = Record({ city: String });`,
      filename: service,
      errors: [forModel('runtypes', 'Address', 'Address')],
    },

    // class-validator / class-transformer DTO classes.
    {
      name: 'class-validator: a DTO named after a variant',
      code: `import { IsEmail, IsString } from 'class-validator';\nexport class UserCreateDto {\n  @IsString() name!: string;\n  @IsEmail() email!: string;\n}`,
      filename: service,
      errors: [{ ...dtoForModel('class-validator', 'UserCreateDto', 'UserCreate'), line: 2, column: 14 }],
    },
    {
      name: 'class-validator: CreateUserDto means UserCreate',
      code: `import { IsString } from 'class-validator';\nclass CreateUserDto { @IsString() name!: string; }\nexport { CreateUserDto };`,
      filename: service,
      errors: [dtoForModel('class-validator', 'CreateUserDto', 'UserCreate')],
    },
    {
      name: 'class-transformer only, no model of that name',
      code: `import { Expose, Type } from 'class-transformer';\nexport class OrderView {\n  @Expose() id!: string;\n  @Type(() => Date) at!: Date;\n}`,
      filename: service,
      errors: [dto('class-transformer', 'OrderView')],
    },
    {
      name: 'class-validator namespace import, an anonymous class',
      code: `import * as cv from 'class-validator';\nexport default class { @cv.IsInt() n!: number; }`,
      filename: service,
      errors: [dto('class-validator')],
    },
    {
      name: 'both libraries, on an accessor',
      code: `import { IsString } from 'class-validator';\nimport { Expose } from 'class-transformer';\nexport class Profile {\n  @IsString() bio!: string;\n  @Expose() get label() { return this.bio; }\n}`,
      filename: service,
      errors: [dto('class-validator / class-transformer', 'Profile')],
    },
  ],
});

describe('no-adhoc-schema messages', () => {
  const linter = new Linter({ cwd: SHOP });
  const config: Linter.Config[] = [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tsParser },
      // typescript-eslint's rule type and ESLint's differ only in the context's deprecated members.
      plugins: { spec: { rules: { 'no-adhoc-schema': rule } } as unknown as ESLint.Plugin },
      rules: { 'spec/no-adhoc-schema': 'error' },
    },
  ];

  it('names the generated type to import when the schema is named after a spec model', () => {
    const [message] = linter.verify(zodUser, config, { filename: service });
    expect(message?.message).toBe(
      'Ad-hoc zod schema `User` in services/: the spec already defines `User`. Import `User` from the generated models (generated/models.ts) and let the generated router validate.',
    );
  });

  it('says where validation belongs otherwise', () => {
    const [message] = linter.verify(`import * as yup from 'yup';\nexport const s = yup.string();`, config, {
      filename: service,
    });
    expect(message?.message).toBe(
      'Ad-hoc yup schema in services/: validation comes from the spec. Declare this shape in the spec and use the generated types (generated/models.ts) and router, which validates requests for you.',
    );
  });
});
