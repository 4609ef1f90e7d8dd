// The Redis ACL users and PostgreSQL roles of the shop, against the real Redis (127.0.0.1:6379) and
// PostgreSQL (127.0.0.1:5432): declared access works, undeclared access is refused.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { deployFiles } from '../../src/emit/deploy/files.js';
import { emitPostgresRoles } from '../../src/emit/deploy/postgres-roles.js';
import { REDIS_ACL_FILE } from '../../src/names.js';
import { redisAclFiles, redisAclUsers } from '../../src/emit/deploy/redis-acl.js';
import { loadIR, REPO_ROOT } from '../support/project.js';

const shop = loadIR(path.join(REPO_ROOT, 'fixtures/shop'));
const run = randomBytes(4).toString('hex');
const streamPrefix = `sf-acl-${run}:`;
const bullPrefix = `sfacl${run}`;
const password = `pw-${run}`;

function redis(args: string[], user?: string): string {
  const auth = user === undefined ? [] : ['--user', user, '--pass', password, '--no-auth-warning'];
  const r = spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', ...auth, ...args], { encoding: 'utf8' });
  if (r.error) throw new Error(`redis-cli failed: ${r.error.message} (is redis-server on 127.0.0.1:6379?)`);
  return r.stdout.trim();
}

describe('Redis ACL users of the shop', () => {
  const users = redisAclUsers(shop, { streamPrefix, bullPrefix });
  const name = (u: string): string => `sf-acl-${run}-${u}`;
  for (const u of users) {
    expect(redis(['ACL', 'SETUSER', name(u.user), 'reset', ...u.rules.split(' '), `>${password}`])).toBe('OK');
  }
  afterAll(() => {
    for (const u of users) redis(['ACL', 'DELUSER', name(u.user)]);
    const keys = redis(['--scan', '--pattern', `sf-acl-${run}:*`])
      .split('\n')
      .filter(Boolean);
    const bull = redis(['--scan', '--pattern', `${bullPrefix}:*`])
      .split('\n')
      .filter(Boolean);
    for (const k of [...keys, ...bull]) redis(['DEL', k]);
  });

  it('has one user per service that needs Redis, and a file with the default user off', () => {
    expect(users.map((u) => u.user)).toEqual(['billing', 'mailer', 'orders']);
    const [file] = redisAclFiles(shop);
    expect(file!.path).toBe('deploy/redis/users.conf');
    expect(file!.body.split('\n')[0]).toBe('user default off');
  });

  it.each([
    [
      'orders publishes order.created (declared)',
      'orders',
      ['XADD', `${streamPrefix}order.created`, '*', 'a', '1'],
      /^\d+-\d+$/,
    ],
    [
      'orders reads order.created (it only produces it)',
      'orders',
      ['XRANGE', `${streamPrefix}order.created`, '-', '+'],
      /NOPERM/,
    ],
    [
      'orders publishes to a topic nobody declares',
      'orders',
      ['XADD', `${streamPrefix}refund.issued`, '*', 'a', '1'],
      /NOPERM/,
    ],
    [
      'billing publishes invoice.paid (declared)',
      'billing',
      ['XADD', `${streamPrefix}invoice.paid`, '*', 'a', '1'],
      /^\d+-\d+$/,
    ],
    [
      'billing writes a dead letter of order.created',
      'billing',
      ['XADD', `${streamPrefix}order.created.dead`, '*', 'a', '1'],
      /^\d+-\d+$/,
    ],
    [
      'billing forges order.created, the topic it consumes',
      'billing',
      ['XADD', `${streamPrefix}order.created`, '*', 'a', '1'],
      /NOPERM/,
    ],
    [
      'orders forges invoice.paid, the topic it consumes',
      'orders',
      ['XADD', `${streamPrefix}invoice.paid`, '*', 'a', '1'],
      /NOPERM/,
    ],
    [
      'the mailer forges invoice.paid, the topic it consumes',
      'mailer',
      ['XADD', `${streamPrefix}invoice.paid`, '*', 'a', '1'],
      /NOPERM/,
    ],
    [
      'orders deletes order.created (it only appends to it)',
      'orders',
      ['DEL', `${streamPrefix}order.created`],
      /NOPERM/,
    ],
    [
      'the mailer writes a dead letter of invoice.paid',
      'mailer',
      ['XADD', `${streamPrefix}invoice.paid:dead-letter`, '*', 'a', '1'],
      /^\d+-\d+$/,
    ],
    [
      'orders appends to a stream of its own',
      'orders',
      ['XADD', `${streamPrefix}orders:log`, '*', 'a', '1'],
      /^\d+-\d+$/,
    ],
    ['mailer writes its own keys', 'mailer', ['SET', `${streamPrefix}mailer:lease`, '1'], /^OK$/],
    ['mailer writes billing keys', 'mailer', ['SET', `${streamPrefix}billing:lease`, '1'], /NOPERM/],
    ['billing reads order.created (it consumes it)', 'billing', ['XLEN', `${streamPrefix}order.created`], /^\d+$/],
    [
      'mailer publishes order.created (undeclared)',
      'mailer',
      ['XADD', `${streamPrefix}order.created`, '*', 'a', '1'],
      /NOPERM/,
    ],
    ['billing touches the mailer queue', 'billing', ['HGET', `${bullPrefix}:mailer:1`, 'name'], /NOPERM/],
    [
      'orders touches the mailer queue (enqueues sendReceipt)',
      'orders',
      ['HGET', `${bullPrefix}:mailer:1`, 'name'],
      /^$/,
    ],
    ['orders writes the mailer dead letters', 'orders', ['DEL', `${bullPrefix}:mailer-dead-letter:1`], /NOPERM/],
    ['orders flushes everything', 'orders', ['FLUSHALL'], /NOPERM/],
    ['orders reads the ACL', 'orders', ['ACL', 'LIST'], /NOPERM/],
    ['orders lists keys', 'orders', ['KEYS', '*'], /NOPERM/],
  ])('%s', (_title, user, args, expected) => {
    expect(redis(args, name(user))).toMatch(expected);
  });
  it.each([
    [
      'billing',
      ['XADD', `${streamPrefix}order.created`, '*', 'a', '1'],
      /no permissions to access the '.*order\.created' key/,
    ],
    ['billing', ['XACK', `${streamPrefix}order.created`, 'billing', '1-1'], /^OK$/],
    ['orders', ['XADD', `${streamPrefix}order.created`, '*', 'a', '1'], /^OK$/],
  ])('ACL DRYRUN as %s: %j', (user, args, expected) => {
    expect(redis(['ACL', 'DRYRUN', name(user), ...args])).toMatch(expected);
  });
});

describe('PostgreSQL roles of the shop', () => {
  const database = `sf_acl_${run}`;
  const rolePrefix = `sf_acl_${run}_`;
  const psql = (args: string[], env: Record<string, string> = {}, user = 'postgres') =>
    spawnSync('psql', ['-h', '127.0.0.1', '-U', user, '-v', 'ON_ERROR_STOP=1', '-X', ...args], {
      encoding: 'utf8',
      env: { ...process.env, ...env, PGPASSWORD: password },
    });
  afterAll(() => {
    psql(['-d', 'postgres', '-c', `DROP DATABASE IF EXISTS "${database}"`]);
    for (const s of ['users', 'orders', 'billing', 'mailer'])
      psql(['-d', 'postgres', '-c', `DROP ROLE IF EXISTS "${rolePrefix}${s}"`]);
  });

  it('gives users a schema of its own and no access to orders', () => {
    const script = emitPostgresRoles(shop, { rolePrefix })!;
    expect(script).not.toContain('mailer');
    execFileSync('psql', [
      '-h',
      '127.0.0.1',
      '-U',
      'postgres',
      '-X',
      '-d',
      'postgres',
      '-c',
      `CREATE DATABASE "${database}"`,
    ]);
    const env = Object.fromEntries(
      ['USERS', 'ORDERS', 'BILLING'].map((s) => [`SPECFIRST_POSTGRES_PASSWORD_${s}`, password]),
    );
    const created = spawnSync(
      'psql',
      ['-h', '127.0.0.1', '-U', 'postgres', '-X', '-v', 'ON_ERROR_STOP=1', '-d', database],
      {
        input: script,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      },
    );
    expect(created.status, created.stderr).toBe(0);
    const asUsers = psql(
      [
        '-d',
        database,
        '-c',
        'CREATE TABLE account (id int); INSERT INTO account VALUES (1); SELECT count(*) FROM account',
      ],
      {},
      `${rolePrefix}users`,
    );
    expect(asUsers.status, asUsers.stderr).toBe(0);
    psql(['-d', database, '-c', 'CREATE TABLE cart (id int)'], {}, `${rolePrefix}orders`);
    const denied = psql(['-d', database, '-c', `SELECT * FROM "${rolePrefix}orders".cart`], {}, `${rolePrefix}users`);
    expect(denied.stderr).toMatch(/permission denied for schema/);
    const mailer = psql(['-d', database, '-c', 'SELECT 1'], {}, `${rolePrefix}mailer`);
    expect(mailer.stderr).toMatch(/role .* does not exist|authentication failed/);
  });

  it('runs again without error, setting the new passwords and keeping the schemas and their data', () => {
    const script = emitPostgresRoles(shop, { rolePrefix })!;
    const next = `${password}-next`;
    const passwordHash = () =>
      psql([
        '-d',
        'postgres',
        '-tAc',
        `SELECT rolpassword FROM pg_authid WHERE rolname = '${rolePrefix}users'`,
      ]).stdout.trim();
    const before = passwordHash();
    const env = Object.fromEntries(
      ['USERS', 'ORDERS', 'BILLING'].map((s) => [`SPECFIRST_POSTGRES_PASSWORD_${s}`, next]),
    );
    const again = spawnSync(
      'psql',
      ['-h', '127.0.0.1', '-U', 'postgres', '-X', '-v', 'ON_ERROR_STOP=1', '-d', database],
      {
        input: script,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      },
    );
    expect(again.status, again.stderr).toBe(0);
    const rows = psql(['-d', database, '-tAc', 'SELECT count(*) FROM account'], {}, `${rolePrefix}users`);
    expect(rows.stdout.trim(), rows.stderr).toBe('1');
    expect(passwordHash()).not.toBe(before);
    expect(passwordHash()).toMatch(/^SCRAM-SHA-256\$|^md5/);
    const owner = psql([
      '-d',
      database,
      '-tAc',
      `SELECT nspowner::regrole FROM pg_namespace WHERE nspname = '${rolePrefix}users'`,
    ]);
    expect(owner.stdout.trim()).toBe(`${rolePrefix}users`);
  });

  it('stops when a password is missing', () => {
    const script = emitPostgresRoles(shop, { rolePrefix: `${rolePrefix}x_` })!;
    const r = spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-X', '-d', database], {
      input: script,
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('SPECFIRST_POSTGRES_PASSWORD_BILLING is not set');
  });
});

describe('deploy/redis/users.conf', () => {
  it(
    'is loaded, header and all, by a real redis-server, and nobody logs in until a password is set',
    { timeout: 20_000 },
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sf-acl-'));
      const socket = path.join(dir, 'redis.sock');
      const written = deployFiles(shop).find((f) => f.path === REDIS_ACL_FILE);
      expect(written?.contents).toMatch(/^# Generated by specfirst/);
      writeFileSync(path.join(dir, 'users.conf'), written!.contents);
      const server = spawn(
        'redis-server',
        [path.join(dir, 'users.conf'), '--port', '0', '--unixsocket', socket, '--save', ''],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let log = '';
      server.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
      try {
        for (let i = 0; i < 100 && !log.includes('ready to accept connections') && server.exitCode === null; i++)
          await new Promise((resolve) => setTimeout(resolve, 50));
        expect(log, log).toContain('ready to accept connections');
        const cli = (args: string[]) =>
          spawnSync('redis-cli', ['-s', socket, '--no-auth-warning', ...args], { encoding: 'utf8' }).stdout.trim();
        expect(cli(['PING'])).toMatch(/NOAUTH/);
        expect(cli(['--user', 'orders', '--pass', 'anything', 'PING'])).toMatch(/NOAUTH/);
        expect(cli(['--user', 'default', '--pass', '', 'ACL', 'USERS'])).toMatch(/NOAUTH/);
      } finally {
        server.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
