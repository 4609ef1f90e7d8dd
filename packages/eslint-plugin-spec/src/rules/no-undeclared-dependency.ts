import path from 'node:path';
import {
  clientModule,
  EVENTS_FOLDER,
  generatedImportPath,
  INTERNAL_FOLDER,
  ROUTERS_FOLDER,
  TASKS_FOLDER,
} from '@specfirst/codegen/names';
import {
  calleesOf,
  INFRASTRUCTURE,
  needsDatabase,
  needsRedis,
  serviceHost,
  serviceUrlEnv,
} from '@specfirst/spec-core/connectivity';
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
  | 'fetchService'
  | 'connect'
  | 'connectService';

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

/**
 * Node.js functions that open an outbound connection, by module. `http`/`https` are reported
 * without `access: internet` whatever their target; `net`/`tls` by the host they connect to, like `fetch`.
 */
const CONNECTING_CALLS: Readonly<Record<string, readonly string[]>> = {
  http: ['request', 'get'],
  https: ['request', 'get'],
  net: ['connect', 'createConnection'],
  tls: ['connect'],
};
const HTTP_MODULES = new Set(['http', 'https']);
const CONNECTING_MODULES = new Set(Object.keys(CONNECTING_CALLS));
/** `createRequire` of `node:module`: the `require` it returns loads packages like the global one. */
const MODULE_MODULES = new Set(['module']);
/** The `ws` package's client, `new WebSocket(url)`, like the global one. */
const WS_MODULES = new Set(['ws']);
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
      connect:
        '{{service}} {{found}}, an outbound connection {{servicesYaml}} does not let out: add `internet` to `access` of {{service}}, or call other services through their internal clients',
      connectService:
        '{{service}} connects to {{other}} ({{found}}), and {{servicesYaml}} declares no edge from {{service}} to {{other}}: add `{{other}}.<operation>` to `consumes.operations` of {{service}}, then call it through its internal client',
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

    const checkLocal = (node: TSESTree.Node, target: string, typeOnly: boolean): void => {
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
        const isClient = module === clientModule(other);
        // The types of a declared callee's router and client (its inputs and results) load no code of it.
        if (typeOnly && callees.has(first) && (isClient || top === ROUTERS_FOLDER)) return;
        if (isClient) {
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

    const checkPackage = (node: TSESTree.Node, specifier: string, typeOnly: boolean): void => {
      // `import type { Pool } from 'pg'` opens no connection.
      if (typeOnly) return;
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

    const checkSpecifier = (node: TSESTree.Node, specifier: string, typeOnly = false): void => {
      const local = projectPath(specifier);
      if (local !== undefined) checkLocal(node, local, typeOnly);
      else if (!specifier.startsWith('/') && !specifier.startsWith('#')) checkPackage(node, specifier, typeOnly);
    };

    const online = service.access.includes('internet');

    /** A module of `modules` (`http`, `node:net`, …) a binding holds, or the export of it (`request`, `connect`). */
    const bindingOf = (
      id: TSESTree.Identifier,
      modules: ReadonlySet<string>,
      depth = 0,
    ): { module: string; exported: string } | undefined => {
      const variable = findVariable(sourceCode.getScope(id), id);
      const def = variable?.defs[0];
      if (!def) return undefined;
      const exact = (specifier: string): string | undefined => {
        const pkg = packageOf(specifier);
        return modules.has(pkg) && specifier.replace(/^node:/, '') === pkg ? pkg : undefined;
      };
      const from = importedFrom(def, { types: false });
      if (from) {
        const module = exact(from.source);
        return module === undefined ? undefined : { module, exported: from.exported };
      }
      if (def.node.type === AST_NODE_TYPES.VariableDeclarator && def.node.init) {
        const init = unwrap(def.node.init);
        if (
          init.type === AST_NODE_TYPES.CallExpression &&
          init.arguments.length === 1 &&
          isRequire(init.callee, depth + 1)
        ) {
          const required = stringLiteral(init.arguments[0]);
          const module = required === undefined ? undefined : exact(required);
          if (module !== undefined) {
            if (def.node.id.type === AST_NODE_TYPES.Identifier) return { module, exported: '*' };
            if (def.node.id.type === AST_NODE_TYPES.ObjectPattern)
              for (const p of def.node.id.properties)
                if (
                  p.type === AST_NODE_TYPES.Property &&
                  p.value === def.name &&
                  p.key.type === AST_NODE_TYPES.Identifier
                )
                  return { module, exported: p.key.name };
          }
        }
      }
      return undefined;
    };

    /** `createRequire` of `node:module`, named (`createRequire`) or through the module (`module.createRequire`). */
    const isCreateRequire = (node: TSESTree.Node, depth: number): boolean => {
      const n = unwrap(node);
      if (n.type === AST_NODE_TYPES.Identifier)
        return bindingOf(n, MODULE_MODULES, depth)?.exported === 'createRequire';
      if (
        n.type === AST_NODE_TYPES.MemberExpression &&
        n.object.type === AST_NODE_TYPES.Identifier &&
        memberName(n) === 'createRequire'
      ) {
        const exported = bindingOf(n.object, MODULE_MODULES, depth)?.exported;
        return exported === '*' || exported === 'default';
      }
      return false;
    };

    /**
     * A function that loads a package: the global `require`, `createRequire(import.meta.url)` called
     * in place, or a `const` holding what `createRequire(…)` returned.
     */
    function isRequire(callee: TSESTree.Node, depth = 0): boolean {
      if (depth > 4) return false;
      const n = unwrap(callee);
      if (isGlobalRequire(n, sourceCode)) return true;
      if (n.type === AST_NODE_TYPES.CallExpression) return isCreateRequire(n.callee, depth + 1);
      if (n.type !== AST_NODE_TYPES.Identifier) return false;
      const def = findVariable(sourceCode.getScope(n), n)?.defs[0];
      if (def?.node.type !== AST_NODE_TYPES.VariableDeclarator || !def.node.init) return false;
      if (def.node.id.type !== AST_NODE_TYPES.Identifier) return false;
      const init = unwrap(def.node.init);
      return init.type === AST_NODE_TYPES.CallExpression && isCreateRequire(init.callee, depth + 1);
    }

    /** `net.connect(…)`, `request(…)` of `node:http`, …: the module and function called, if it opens a connection. */
    const connectingCall = (node: TSESTree.CallExpression): { module: string; call: string } | undefined => {
      const callee = unwrap(node.callee);
      if (callee.type === AST_NODE_TYPES.Identifier) {
        const binding = bindingOf(callee, CONNECTING_MODULES);
        if (binding && CONNECTING_CALLS[binding.module]?.includes(binding.exported))
          return { module: binding.module, call: binding.exported };
      } else if (callee.type === AST_NODE_TYPES.MemberExpression && callee.object.type === AST_NODE_TYPES.Identifier) {
        const binding = bindingOf(callee.object, CONNECTING_MODULES);
        const name = memberName(callee);
        if (
          binding &&
          (binding.exported === '*' || binding.exported === 'default') &&
          name &&
          CONNECTING_CALLS[binding.module]?.includes(name)
        )
          return { module: binding.module, call: name };
      }
      return undefined;
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

    /** A host name: localhost, this service or a declared callee, the infrastructure it may use, another service, or outside. */
    const whereHost = (host: string): Where => {
      if (LOCAL_HOSTS.has(host)) return { internal: true };
      if (host === INFRASTRUCTURE.redis.host && (service.access.includes('redis') || needsRedis(ir, service)))
        return { internal: true };
      if (host === INFRASTRUCTURE.database.host && needsDatabase(service)) return { internal: true };
      return toService(serviceOfHost(host)) ?? { host };
    };

    const whereText = (text: string): Where => {
      let host: string;
      try {
        host = new URL(text).hostname;
      } catch {
        return { unknown: true };
      }
      return whereHost(host);
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

    /** Reports a connection by where it goes, as `fetch` is: `found` says what opens it (`calls \`net.connect()\``). */
    const checkConnection = (node: TSESTree.Node, where: Where, found: string, shown: string): void => {
      if ('internal' in where) return;
      if ('service' in where)
        context.report({
          node,
          messageId: 'connectService',
          data: { service: me, other: where.service, found: `${found}: \`${shown}\``, servicesYaml },
        });
      else if (online) return;
      else
        context.report({
          node,
          messageId: 'connect',
          data: {
            service: me,
            found:
              'host' in where
                ? `${found} to ${where.host}`
                : `${found} to an address the linter cannot read (\`${shown}\`)`,
            servicesYaml,
          },
        });
    };

    /** A host given as a string literal or as the `host` of an options object literal (`localhost` when absent). */
    const whereOptions = (node: TSESTree.ObjectExpression): Where => {
      let host: Where = { internal: true };
      for (const p of node.properties) {
        if (p.type === AST_NODE_TYPES.SpreadElement) return { unknown: true };
        const key = p.computed
          ? undefined
          : p.key.type === AST_NODE_TYPES.Identifier
            ? p.key.name
            : stringLiteral(p.key);
        if (key === 'path') return { internal: true };
        if (key === 'host') {
          const text = stringLiteral(p.value);
          host = text === undefined ? { unknown: true } : whereHost(text);
        }
      }
      return host;
    };

    /** Where `net.connect(…)` / `tls.connect(…)` goes: `(options)`, `(path)`, `(port, host?, …)`. */
    const whereSocket = (args: TSESTree.CallExpressionArgument[]): Where => {
      const [first, second] = args.map((a) => unwrap(a));
      if (!first) return { unknown: true };
      if (first.type === AST_NODE_TYPES.ObjectExpression) return whereOptions(first);
      if (stringLiteral(first) !== undefined) return { internal: true }; // a Unix socket path
      if (first.type !== AST_NODE_TYPES.Literal || typeof first.value !== 'number') return { unknown: true };
      if (
        !second ||
        second.type === AST_NODE_TYPES.ArrowFunctionExpression ||
        second.type === AST_NODE_TYPES.FunctionExpression
      )
        return { internal: true };
      if (second.type === AST_NODE_TYPES.ObjectExpression) return whereOptions(second);
      const host = stringLiteral(second);
      return host === undefined ? { unknown: true } : whereHost(host);
    };

    const checkConnectingCall = (node: TSESTree.CallExpression): void => {
      const call = connectingCall(node);
      if (!call) return;
      const found = `calls \`${call.module}.${call.call}()\``;
      if (HTTP_MODULES.has(call.module)) {
        if (!online) context.report({ node, messageId: 'http', data: { service: me, found, servicesYaml } });
        return;
      }
      const shown = node.arguments
        .map((a) => sourceCode.getText(a))
        .join(', ')
        .replace(/\s+/g, ' ')
        .slice(0, 60);
      checkConnection(node, whereSocket(node.arguments), found, shown);
    };

    /** `new WebSocket(url)`: the global one, `globalThis.WebSocket`, or the client of the `ws` package. */
    const isWebSocket = (callee: TSESTree.Node): boolean => {
      const n = unwrap(callee);
      if (n.type === AST_NODE_TYPES.Identifier) {
        if (n.name === 'WebSocket' && !findVariable(sourceCode.getScope(n), n)?.defs.length) return true;
        const binding = bindingOf(n, WS_MODULES);
        return binding !== undefined && ['default', 'WebSocket'].includes(binding.exported);
      }
      if (n.type !== AST_NODE_TYPES.MemberExpression || memberName(n) !== 'WebSocket') return false;
      if (n.object.type !== AST_NODE_TYPES.Identifier) return false;
      if (n.object.name === 'globalThis') return true;
      const exported = bindingOf(n.object, WS_MODULES)?.exported;
      return exported === '*' || exported === 'default';
    };

    const checkWebSocket = (node: TSESTree.NewExpression): void => {
      if (!isWebSocket(node.callee)) return;
      const [url] = node.arguments;
      const where: Where = url && url.type !== AST_NODE_TYPES.SpreadElement ? whereTo(url) : { unknown: true };
      const shown = url ? sourceCode.getText(url).replace(/\s+/g, ' ').slice(0, 60) : '';
      checkConnection(node, where, 'opens a WebSocket', shown);
    };

    /** `import type`, `export type`, `import { type A, type B }`: no code of the module is loaded. */
    const isTypeOnly = (
      node: TSESTree.ImportDeclaration | TSESTree.ExportNamedDeclaration | TSESTree.ExportAllDeclaration,
    ): boolean => {
      if (node.type === AST_NODE_TYPES.ImportDeclaration)
        return (
          node.importKind === 'type' ||
          (node.specifiers.length > 0 &&
            node.specifiers.every((s) => s.type === AST_NODE_TYPES.ImportSpecifier && s.importKind === 'type'))
        );
      if (node.exportKind === 'type') return true;
      return (
        node.type === AST_NODE_TYPES.ExportNamedDeclaration &&
        node.specifiers.length > 0 &&
        node.specifiers.every((s) => s.exportKind === 'type')
      );
    };

    const source = (
      node: TSESTree.ImportDeclaration | TSESTree.ExportNamedDeclaration | TSESTree.ExportAllDeclaration,
    ): void => {
      const specifier = stringLiteral(node.source);
      if (node.source && specifier !== undefined) checkSpecifier(node.source, specifier, isTypeOnly(node));
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
          if (specifier !== undefined) checkSpecifier(ref.expression, specifier, node.importKind === 'type');
        }
      },
      CallExpression(node) {
        if (node.arguments.length === 1 && isRequire(node.callee)) {
          const specifier = stringLiteral(node.arguments[0]);
          if (specifier !== undefined) checkSpecifier(node.arguments[0]!, specifier);
          return;
        }
        checkConnectingCall(node);
        checkFetch(node);
      },
      NewExpression: checkWebSocket,
    };
  },
});
