import path from 'node:path';
import {
  clientModule,
  EVENTS_FOLDER,
  generatedImportPath,
  INTERNAL_FOLDER,
  ROUTERS_FOLDER,
  TASKS_FOLDER,
} from '@specfirst/codegen/names';
import { calleesOf, needsRedis, serviceHost, serviceUrlEnv } from '@specfirst/spec-core/connectivity';
import type { IRService } from '@specfirst/spec-core';
import type { TSESTree } from '@typescript-eslint/utils';
import {
  AST_NODE_TYPES,
  findVariable,
  importedFrom,
  isGlobalRequire,
  memberName,
  stringLiteral,
  unwrap,
} from '../util/ast.js';
import { allowOptionSchema, createRule } from '../util/create-rule.js';
import { ALWAYS_EXEMPT, projectView } from '../util/project.js';

type Options = [{ allow?: string[] }];
type MessageIds =
  | 'serviceSource'
  | 'generatedOfOther'
  | 'publicClient'
  | 'publicClientNoEdge'
  | 'otherCallersClient'
  | 'internalClientNoEdge'
  | 'database'
  | 'redis'
  | 'http'
  | 'fetchExternal'
  | 'fetchUnknown'
  | 'fetchService';

/**
 * The packages that reach infrastructure, in one place. A module matches by its package name
 * (`pg`, `drizzle-orm/node-postgres` → `drizzle-orm`, `node:http` → `http`).
 * - `database`: drivers and ORMs; need `access: database`.
 * - `redis`: Redis clients; need `access: redis` (the service's own generated publisher,
 *   consumers and queues are generated modules, not these packages, so they are always fine).
 * - `http`: outbound HTTP clients; need `access: internet`.
 */
export const INFRASTRUCTURE_PACKAGES = {
  database: [
    'pg',
    'postgres',
    'mysql2',
    'mariadb',
    'mongodb',
    '@prisma/client',
    'drizzle-orm',
    'kysely',
    'typeorm',
    'sequelize',
    '@electric-sql/pglite',
  ],
  redis: ['ioredis', 'redis', 'bullmq'],
  http: ['axios', 'got', 'undici', 'node-fetch'],
} as const;

/**
 * The runtime's Redis transports: fine for a service with topics or tasks (spec-core's `needsRedis`),
 * which is what the generated modules hand them; else they need `access: redis` like any client.
 */
export const RUNTIME_REDIS_MODULES = ['@specfirst/runtime/events/redis', '@specfirst/runtime/tasks/bullmq'] as const;

/** `node:http` / `node:https` functions that open an outbound connection. */
const HTTP_MODULES = new Set(['http', 'https']);
const HTTP_CALLS = new Set(['request', 'get']);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
const SERVICES_YAML = 'services.yaml';

const packageOf = (specifier: string): string => {
  const bare = specifier.startsWith('node:') ? specifier.slice(5) : specifier;
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? bare);
};

const kindOfPackage = (pkg: string): keyof typeof INFRASTRUCTURE_PACKAGES | undefined => {
  for (const kind of ['database', 'redis', 'http'] as const)
    if ((INFRASTRUCTURE_PACKAGES[kind] as readonly string[]).includes(pkg)) return kind;
  return undefined;
};

export default createRule<Options, MessageIds>({
  name: 'no-undeclared-dependency',
  meta: {
    type: 'problem',
    docs: {
      description:
        "Services reach other services and infrastructure only as spec/services.yaml declares: no other service's code or generated modules, internal clients only for declared edges, databases, Redis and the internet only with `access`",
      recommended: true,
      requiresSpec: true,
    },
    messages: {
      serviceSource:
        "{{service}} imports the source of {{other}} ({{target}}): a service never imports another's code. {{edgeHint}}",
      generatedOfOther:
        '{{service}} imports the generated {{what}} of {{other}} ({{target}}): a service uses only its own. {{edgeHint}}',
      publicClient:
        '{{service}} imports the public client of {{other}} ({{target}}): call {{other}} through its internal client, `{{internal}}`',
      publicClientNoEdge:
        '{{service}} imports the public client of {{other}} ({{target}}), and {{servicesYaml}} declares no edge from {{service}} to {{other}}: add `{{other}}.<operation>` to `consumes.operations` of {{service}}, then call it through its internal client',
      otherCallersClient:
        '{{service}} imports the internal client {{caller}} uses to call {{other}} ({{target}}): it holds the edges of {{caller}}, not of {{service}}. {{edgeHint}}',
      internalClientNoEdge:
        '{{service}} imports an internal client of {{other}} ({{target}}), and {{servicesYaml}} declares no edge from {{service}} to {{other}}: add `{{other}}.<operation>` to `consumes.operations` of {{service}}',
      database:
        '{{service}} imports `{{module}}`, a database client, and {{servicesYaml}} does not give it a database: add `database` to `access` of {{service}}',
      redis:
        '{{service}} imports `{{module}}`, a Redis client, and {{servicesYaml}} does not give it Redis: add `redis` to `access` of {{service}}{{redisHint}}',
      http: '{{service}} {{found}}, an outbound HTTP client, and {{servicesYaml}} does not let it out: add `internet` to `access` of {{service}}, or call other services through their internal clients',
      fetchExternal:
        '{{service}} fetches {{host}}, outside the project, and {{servicesYaml}} does not let it out: add `internet` to `access` of {{service}}',
      fetchUnknown:
        '{{service}} fetches a URL the linter cannot read (`{{found}}`): cannot tell where this goes; use the internal client or declare `internet` in `access` of {{service}} in {{servicesYaml}}',
      fetchService:
        '{{service}} fetches {{other}} ({{found}}), and {{servicesYaml}} declares no edge from {{service}} to {{other}}: add `{{other}}.<operation>` to `consumes.operations` of {{service}}, then call it through its internal client',
    },
    schema: allowOptionSchema('undeclared dependencies'),
  },
  defaultOptions: [{}],
  create(context, [options]) {
    const view = projectView(context.filename);
    if (view?.area !== 'services') return {};
    if (view.matches([...ALWAYS_EXEMPT, ...(options.allow ?? [])])) return {};
    const { ir } = view;
    const servicesDir = ir.project.servicesDir;
    const outputDir = ir.project.outputDir;
    const inside = servicesDir === '.' ? view.file : view.file.slice(servicesDir.length + 1);
    const byName = new Map<string, IRService>(ir.services.map((s) => [s.name, s]));
    const folder = inside.split('/')[0] ?? '';
    const service = inside.includes('/') ? byName.get(folder) : undefined;
    if (!service) return {};
    const me = service.name;
    const servicesYaml = `${ir.project.specDir}/${SERVICES_YAML}`;
    const callees = new Map(calleesOf(ir, me).map((c) => [c.callee, c.operations]));
    const { sourceCode } = context;
    const internalOf = (other: string): string => `${INTERNAL_FOLDER}/${me}/${other}`;
    const edgeHint = (other: string): string =>
      callees.has(other)
        ? `Call ${other} through its internal client, \`${internalOf(other)}\``
        : `${servicesYaml} declares no edge from ${me} to ${other}: add \`${other}.<operation>\` to \`consumes.operations\` of ${me}, then call it through its internal client`;

    /** The project-relative file a specifier names, for relative and `#generated/*` specifiers. */
    const projectPath = (specifier: string): string | undefined => {
      if (specifier.startsWith('./') || specifier.startsWith('../'))
        return path.posix.normalize(path.posix.join(path.posix.dirname(view.file), specifier));
      const generated = generatedImportPath(specifier);
      if (generated !== undefined) return outputDir === '.' ? generated : `${outputDir}/${generated}`;
      return undefined;
    };

    const checkLocal = (node: TSESTree.Node, target: string): void => {
      const under = (dir: string): string | undefined =>
        dir === '.' ? target : target.startsWith(`${dir}/`) ? target.slice(dir.length + 1) : undefined;
      const generated = under(outputDir);
      if (generated !== undefined && !(outputDir === '.' && under(servicesDir) !== undefined)) {
        const module = generated.replace(/\.(?:[cm]?[jt]s|tsx|jsx|d\.ts)$/, '').replace(/\/index$/, '');
        const [top, first, second] = module.split('/');
        if (top === undefined || first === undefined) return;
        if (top === INTERNAL_FOLDER && second !== undefined) {
          if (first !== me)
            context.report({
              node,
              messageId: 'otherCallersClient',
              data: { service: me, caller: first, other: second, target, edgeHint: edgeHint(second) },
            });
          else if (!callees.has(second))
            context.report({
              node,
              messageId: 'internalClientNoEdge',
              data: { service: me, other: second, target, servicesYaml },
            });
          return;
        }
        if (first === me || !byName.has(first)) return;
        const other = byName.get(first)!;
        if (module === clientModule(other)) {
          context.report({
            node,
            messageId: callees.has(first) ? 'publicClient' : 'publicClientNoEdge',
            data: { service: me, other: first, target, internal: internalOf(first), servicesYaml },
          });
          return;
        }
        const what =
          top === ROUTERS_FOLDER
            ? 'router'
            : top === EVENTS_FOLDER
              ? 'publisher and consumers'
              : top === TASKS_FOLDER
                ? 'tasks'
                : undefined;
        if (what)
          context.report({
            node,
            messageId: 'generatedOfOther',
            data: { service: me, other: first, what, target, edgeHint: edgeHint(first) },
          });
        return;
      }
      const source = under(servicesDir);
      if (source === undefined) return;
      const other = source.split('/')[0];
      if (other === undefined || other === me || !byName.has(other) || !source.includes('/')) return;
      context.report({
        node,
        messageId: 'serviceSource',
        data: { service: me, other, target, edgeHint: edgeHint(other) },
      });
    };

    const checkPackage = (node: TSESTree.Node, specifier: string): void => {
      if ((RUNTIME_REDIS_MODULES as readonly string[]).includes(specifier)) {
        if (!needsRedis(ir, service))
          context.report({
            node,
            messageId: 'redis',
            data: { service: me, module: specifier, servicesYaml, redisHint: '' },
          });
        return;
      }
      const kind = kindOfPackage(packageOf(specifier));
      if (kind === 'database' && !service.access.includes('database'))
        context.report({ node, messageId: 'database', data: { service: me, module: specifier, servicesYaml } });
      else if (kind === 'redis' && !service.access.includes('redis'))
        context.report({
          node,
          messageId: 'redis',
          data: {
            service: me,
            module: specifier,
            servicesYaml,
            redisHint: needsRedis(ir, service)
              ? ' (its topics and tasks go through the generated publisher, consumers and queues, which need no access)'
              : '',
          },
        });
      else if (kind === 'http' && !service.access.includes('internet'))
        context.report({
          node,
          messageId: 'http',
          data: { service: me, found: `imports \`${specifier}\``, servicesYaml },
        });
    };

    const checkSpecifier = (node: TSESTree.Node, specifier: string): void => {
      const local = projectPath(specifier);
      if (local !== undefined) checkLocal(node, local);
      else if (!specifier.startsWith('/') && !specifier.startsWith('#')) checkPackage(node, specifier);
    };

    const online = service.access.includes('internet');

    /** The module (`http`, `https`) a binding is, or the function of it (`request`, `get`) it holds. */
    const httpBinding = (id: TSESTree.Identifier): { module: string; exported: string } | undefined => {
      const variable = findVariable(sourceCode.getScope(id), id);
      const def = variable?.defs[0];
      if (!def) return undefined;
      const from = importedFrom(def, { types: false });
      if (from) {
        const pkg = packageOf(from.source);
        return HTTP_MODULES.has(pkg) && from.source === (from.source.startsWith('node:') ? `node:${pkg}` : pkg)
          ? { module: pkg, exported: from.exported }
          : undefined;
      }
      if (def.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init) {
        const init = unwrap(def.node.init);
        if (
          init.type === AST_NODE_TYPES.CallExpression &&
          isGlobalRequire(init.callee, sourceCode) &&
          init.arguments.length === 1
        ) {
          const required = stringLiteral(init.arguments[0]);
          if (
            required !== undefined &&
            HTTP_MODULES.has(packageOf(required)) &&
            packageOf(required) === required.replace(/^node:/, '')
          ) {
            if (def.node.id.type === AST_NODE_TYPES.Identifier) return { module: packageOf(required), exported: '*' };
            if (def.node.id.type === AST_NODE_TYPES.ObjectPattern)
              for (const p of def.node.id.properties)
                if (
                  p.type === AST_NODE_TYPES.Property &&
                  p.value === def.name &&
                  p.key.type === AST_NODE_TYPES.Identifier
                )
                  return { module: packageOf(required), exported: p.key.name };
          }
        }
      }
      return undefined;
    };

    const checkHttpCall = (node: TSESTree.CallExpression): void => {
      const callee = unwrap(node.callee);
      let found: string | undefined;
      if (callee.type === AST_NODE_TYPES.Identifier) {
        const binding = httpBinding(callee);
        if (binding && HTTP_CALLS.has(binding.exported)) found = `${binding.module}.${binding.exported}`;
      } else if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier) {
        const binding = httpBinding(callee.object);
        const name = memberName(callee);
        if (binding && (binding.exported === '*' || binding.exported === 'default') && name && HTTP_CALLS.has(name))
          found = `${binding.module}.${name}`;
      }
      if (found)
        context.report({ node, messageId: 'http', data: { service: me, found: `calls \`${found}()\``, servicesYaml } });
    };

    /** `process.env.USERS_URL` → `USERS_URL`. */
    const envName = (node: TSESTree.Node): string | undefined => {
      const n = unwrap(node);
      if (n.type !== AST_NODE_TYPES.MemberExpression) return undefined;
      const object = unwrap(n.object);
      if (
        object.type === AST_NODE_TYPES.MemberExpression &&
        memberName(object) === 'env' &&
        object.object.type === AST_NODE_TYPES.Identifier &&
        object.object.name === 'process'
      )
        return memberName(n);
      return undefined;
    };

    type Where = { internal: true } | { service: string } | { host: string } | { unknown: true };
    const serviceOfEnv = (env: string): string | undefined => ir.services.find((s) => serviceUrlEnv(s) === env)?.name;
    const serviceOfHost = (host: string): string | undefined => ir.services.find((s) => serviceHost(s) === host)?.name;
    const toService = (other: string | undefined): Where | undefined =>
      other === undefined ? undefined : callees.has(other) || other === me ? { internal: true } : { service: other };

    const whereText = (text: string): Where => {
      let host: string;
      try {
        host = new URL(text).hostname;
      } catch {
        return { unknown: true };
      }
      if (LOCAL_HOSTS.has(host)) return { internal: true };
      return toService(serviceOfHost(host)) ?? { host };
    };

    /** Where a URL expression goes, as far as can be read without running the code. */
    const whereTo = (node: TSESTree.Node): Where => {
      const n = unwrap(node);
      const text = stringLiteral(n);
      if (text !== undefined) return whereText(text);
      const env = envName(n);
      if (env !== undefined) return toService(serviceOfEnv(env)) ?? { unknown: true };
      if (n.type === AST_NODE_TYPES.TemplateLiteral) {
        const head = n.quasis[0]?.value.cooked ?? '';
        if (head === '' && n.expressions[0]) return whereTo(n.expressions[0]);
        // `http://localhost:${port}/x`, `https://api.example.com/${id}`: the host is complete before the first hole.
        const host = /^([a-z][a-z0-9+.-]*:\/\/[^/:?#]+)[/:?#]/i.exec(head)?.[1];
        if (host !== undefined) return whereText(`${host}/`);
        return { unknown: true };
      }
      if (n.type === AST_NODE_TYPES.BinaryExpression && n.operator === '+') return whereTo(n.left);
      if (n.type === AST_NODE_TYPES.LogicalExpression && (n.operator === '??' || n.operator === '||')) {
        const left = whereTo(n.left);
        const right = whereTo(n.right);
        if ('internal' in left && 'internal' in right) return left;
        return 'internal' in left ? right : left;
      }
      if (
        n.type === AST_NODE_TYPES.NewExpression &&
        n.callee.type === AST_NODE_TYPES.Identifier &&
        n.callee.name === 'URL'
      ) {
        const [first, base] = n.arguments;
        if (base) return whereTo(base);
        if (first) return whereTo(first);
      }
      return { unknown: true };
    };

    const isGlobalFetch = (callee: TSESTree.Node): boolean => {
      const n = unwrap(callee);
      if (n.type === AST_NODE_TYPES.Identifier) {
        if (n.name !== 'fetch') return false;
        const variable = findVariable(sourceCode.getScope(n), n);
        return variable === null || variable.defs.length === 0;
      }
      return (
        n.type === AST_NODE_TYPES.MemberExpression &&
        n.object.type === AST_NODE_TYPES.Identifier &&
        n.object.name === 'globalThis' &&
        memberName(n) === 'fetch'
      );
    };

    const checkFetch = (node: TSESTree.CallExpression): void => {
      if (!isGlobalFetch(node.callee)) return;
      const [url] = node.arguments;
      const where: Where = url && url.type !== AST_NODE_TYPES.SpreadElement ? whereTo(url) : { unknown: true };
      if ('internal' in where) return;
      const found = url ? sourceCode.getText(url).replace(/\s+/g, ' ').slice(0, 60) : '';
      if ('service' in where)
        context.report({
          node,
          messageId: 'fetchService',
          data: { service: me, other: where.service, found, servicesYaml },
        });
      else if (online) return;
      else if ('host' in where)
        context.report({ node, messageId: 'fetchExternal', data: { service: me, host: where.host, servicesYaml } });
      else context.report({ node, messageId: 'fetchUnknown', data: { service: me, found, servicesYaml } });
    };

    const source = (node: { source: TSESTree.Node | null }): void => {
      const specifier = stringLiteral(node.source);
      if (node.source && specifier !== undefined) checkSpecifier(node.source, specifier);
    };

    return {
      ImportDeclaration: source,
      ExportNamedDeclaration: source,
      ExportAllDeclaration: source,
      ImportExpression(node) {
        const specifier = stringLiteral(node.source);
        if (specifier !== undefined) checkSpecifier(node.source, specifier);
      },
      TSImportEqualsDeclaration(node) {
        const ref = node.moduleReference;
        if (ref.type === AST_NODE_TYPES.TSExternalModuleReference) {
          const specifier = stringLiteral(ref.expression);
          if (specifier !== undefined) checkSpecifier(ref.expression, specifier);
        }
      },
      CallExpression(node) {
        if (isGlobalRequire(node.callee, sourceCode) && node.arguments.length === 1) {
          const specifier = stringLiteral(node.arguments[0]);
          if (specifier !== undefined) checkSpecifier(node.arguments[0]!, specifier);
          return;
        }
        if (!online) checkHttpCall(node);
        checkFetch(node);
      },
    };
  },
});
