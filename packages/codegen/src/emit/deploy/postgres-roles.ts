/**
 * `deploy/postgres/roles.sql`: a psql script giving each service with `access: database` a LOGIN
 * role of its own and a schema that role owns (its `search_path`), with nothing granted on `public`
 * or on other services' schemas. The password is read with psql's `\getenv` from
 * `SPECFIRST_POSTGRES_PASSWORD_<STEM>`; the script stops, changing nothing more, when one is missing.
 * The compose file mounts it in `/docker-entrypoint-initdb.d`; elsewhere run `psql -f roles.sql`.
 * It can run again (after a new service, or to set new passwords): it creates what is missing,
 * sets each role's password, and keeps existing schemas and their data.
 */
import type { SpecIR } from '@specfirst/spec-core';
import { needsDatabase, postgresPasswordEnv } from '@specfirst/spec-core/connectivity';
import { POSTGRES_ROLES_FILE } from '../../names.js';

export interface PostgresRolesOptions {
  /** Put before each role (and schema) name, e.g. a test's own prefix: default none. */
  rolePrefix?: string;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The roles script's body, or undefined when no service has `access: database`. */
export function emitPostgresRoles(ir: SpecIR, options: PostgresRolesOptions = {}): string | undefined {
  const services = ir.services
    .filter((s) => needsDatabase(s))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (services.length === 0) return undefined;
  const out = [
    '-- One LOGIN role per service with `access: database`, owning a schema of its own (spec/services.yaml).',
    '\\set ON_ERROR_STOP on',
    '-- Nobody but the owner creates in, or reads, `public`, or connects unless granted below.',
    'REVOKE ALL ON SCHEMA public FROM PUBLIC;',
    "SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database()) \\gexec",
  ];
  for (const service of services) {
    const role = `${options.rolePrefix ?? ''}${service.name}`;
    const env = postgresPasswordEnv(service);
    out.push(
      '',
      `-- ${role.replace(/[\r\n]/g, ' ')}`,
      `\\getenv sf_password ${env}`,
      '\\if :{?sf_password}',
      '\\else',
      `DO $$ BEGIN RAISE EXCEPTION '${env} is not set: the password of the role for service ${service.name.replace(/[^A-Za-z0-9._-]/g, '?')}'; END $$;`,
      '\\endif',
      `SELECT format('CREATE ROLE %I', ${literal(role)}) WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${literal(role)}) \\gexec`,
      `SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', ${literal(role)}, :'sf_password') \\gexec`,
      '\\unset sf_password',
      `SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), ${literal(role)}) \\gexec`,
      `CREATE SCHEMA IF NOT EXISTS ${ident(role)} AUTHORIZATION ${ident(role)};`,
      `ALTER SCHEMA ${ident(role)} OWNER TO ${ident(role)};`,
      `ALTER ROLE ${ident(role)} SET search_path = ${ident(role)};`,
    );
  }
  return `${out.join('\n')}\n`;
}

/** `deploy/postgres/roles.sql`, or nothing when no service has `access: database`. */
export function postgresRolesFiles(ir: SpecIR, options: PostgresRolesOptions = {}): { path: string; body: string }[] {
  const body = emitPostgresRoles(ir, options);
  return body === undefined ? [] : [{ path: POSTGRES_ROLES_FILE, body }];
}
