// The rules redisAclUsers and emitPostgresRoles write, table-driven, without a server (the real
// Redis and PostgreSQL check them in data-access.test.ts).
import path from 'node:path';
import type { SpecIR } from '@specfirst/spec-core';
import { describe, expect, it } from 'vitest';
import { emitPostgresRoles, postgresRolesFiles } from '../../src/emit/deploy/postgres-roles.js';
import { REDIS_ACL_APPEND, REDIS_ACL_COMMANDS, redisAclFiles, redisAclUsers } from '../../src/emit/deploy/redis-acl.js';
import { loadIR, REPO_ROOT } from '../support/project.js';

const shop = loadIR(path.join(REPO_ROOT, 'fixtures/shop'));
const edit = (change: (ir: SpecIR) => void): SpecIR => {
  const ir = structuredClone(shop);
  change(ir);
  return ir;
};
const noMessaging = edit((ir) => {
  ir.topics = [];
  ir.tasks = [];
});

describe('redisAclUsers', () => {
  it.each([
    [
      'orders in the shop: appends to what it produces, reads what it consumes without appending, its worker queue',
      shop,
      {},
      'orders',
      `on resetkeys resetchannels clearselectors %R~bull:mailer-dead-letter:* ~bull:mailer:* ~invoice.paid ~invoice.paid:dead-letter ~orders:* ${REDIS_ACL_COMMANDS} (%W~bull:mailer:* %W~invoice.paid:dead-letter %W~order.created %W~order.created.dead %W~orders:* ${REDIS_ACL_APPEND})`,
    ],
    [
      'the mailer runs the queue and its dead letters',
      shop,
      { bullPrefix: 'q' },
      'mailer',
      `on resetkeys resetchannels clearselectors ~invoice.paid ~invoice.paid:dead-letter ~mailer:* ~q:mailer-dead-letter:* ~q:mailer:* ${REDIS_ACL_COMMANDS} (%W~invoice.paid:dead-letter %W~mailer:* %W~q:mailer-dead-letter:* %W~q:mailer:* ${REDIS_ACL_APPEND})`,
    ],
    [
      'access: redis alone: keys of its own only',
      noMessaging,
      {},
      'orders',
      `on resetkeys resetchannels clearselectors ~orders:* ${REDIS_ACL_COMMANDS} (%W~orders:* ${REDIS_ACL_APPEND})`,
    ],
    [
      'glob characters of a prefix are matched literally',
      noMessaging,
      { streamPrefix: 'a*b?[c]:' },
      'orders',
      `on resetkeys resetchannels clearselectors ~a\\*b\\?\\[c\\]:orders:* ${REDIS_ACL_COMMANDS} (%W~a\\*b\\?\\[c\\]:orders:* ${REDIS_ACL_APPEND})`,
    ],
  ])('%s', (_title, ir, options, user, rules) => {
    expect(redisAclUsers(ir, options).find((u) => u.user === user)?.rules).toBe(rules);
  });

  it.each([
    ['the shop', shop, ['billing', 'mailer', 'orders']],
    ['no topic, no task: only access: redis', noMessaging, ['billing', 'mailer', 'orders']],
    [
      'nobody needs Redis',
      edit((ir) => {
        ir.topics = [];
        ir.tasks = [];
        for (const s of ir.services) s.access = s.access.filter((a) => a !== 'redis');
      }),
      [],
    ],
  ])('users of %s', (_title, ir, users) => {
    expect(redisAclUsers(ir).map((u) => u.user)).toEqual(users);
    expect(redisAclFiles(ir).length).toBe(users.length === 0 ? 0 : 1);
  });

  it('never grants a dangerous command back', () => {
    expect(REDIS_ACL_COMMANDS.indexOf('-@dangerous')).toBeGreaterThan(REDIS_ACL_COMMANDS.indexOf('+@write'));
    expect(REDIS_ACL_COMMANDS).not.toMatch(/\+(flushall|flushdb|config|keys|acl|debug|@all)\b/i);
    expect(REDIS_ACL_COMMANDS.endsWith(' -xadd')).toBe(true);
    expect(REDIS_ACL_APPEND).toBe('+xadd');
  });
});

describe('emitPostgresRoles', () => {
  it.each([
    [
      'a role and schema per service with access: database',
      {},
      [
        'CREATE SCHEMA IF NOT EXISTS "billing" AUTHORIZATION "billing";',
        'CREATE SCHEMA IF NOT EXISTS "users" AUTHORIZATION "users";',
        `WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'users')`,
        `SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', 'users', :'sf_password') \\gexec`,
      ],
    ],
    [
      'a prefix is part of the quoted name',
      { rolePrefix: 't_' },
      ['ALTER ROLE "t_orders" SET search_path = "t_orders";'],
    ],
    [
      'quotes in a prefix cannot end the identifier or the literal',
      { rolePrefix: `x"'` },
      ['CREATE SCHEMA IF NOT EXISTS "x""\'orders" AUTHORIZATION "x""\'orders";', `'x"''orders'`],
    ],
    ['the password comes from the environment', {}, ['\\getenv sf_password SPECFIRST_POSTGRES_PASSWORD_USERS']],
  ])('%s', (_title, options, lines) => {
    const script = emitPostgresRoles(shop, options)!;
    for (const line of lines) expect(script).toContain(line);
    expect(script).not.toMatch(/mailer/);
  });

  it('writes no file when no service has access: database', () => {
    const ir = edit((i) => {
      for (const s of i.services) s.access = s.access.filter((a) => a !== 'database');
    });
    expect(emitPostgresRoles(ir)).toBeUndefined();
    expect(postgresRolesFiles(ir)).toEqual([]);
    expect(postgresRolesFiles(shop).map((f) => f.path)).toEqual(['deploy/postgres/roles.sql']);
  });
});
