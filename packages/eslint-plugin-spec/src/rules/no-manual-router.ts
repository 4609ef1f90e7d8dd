import {
  APP_FACTORY_PATTERN,
  appFactory,
  controllerInterface,
  identifierFor,
  ROUTER_FACTORY_PATTERN,
  routerFactory,
} from '@specfirst/codegen/names';
import type { SpecIR } from '@specfirst/spec-core';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import {
  AST_NODE_TYPES,
  DefinitionType,
  findVariable,
  importedFrom,
  isGlobalRequire,
  memberName,
  propertyKeyName,
  stringLiteral,
  unwrap,
} from '../util/ast.js';
import { allowOptionSchema, createRule } from '../util/create-rule.js';
import { ALWAYS_EXEMPT, projectView, type ProjectView } from '../util/project.js';
import { reportSpecProblems, SPEC_PROBLEM_MESSAGES, type SpecProblemMessageId } from '../util/spec-problems.js';

type Options = [{ allow?: string[] }];
type MessageIds =
  'manualRouter' | 'manualApp' | 'manualRoute' | 'specRoute' | 'compositionRoute' | SpecProblemMessageId;

type Variable = TSESLint.Scope.Variable;
type Definition = TSESLint.Scope.Definition;

/**
 * What an expression or a binding is, as far as routing goes:
 * - `express`: the express module (`import express from 'express'`, `require('express')`);
 * - `expressRouter`: express's `Router` factory; `koaRouter`: the `@koa/router` / `koa-router` class;
 * - `app` / `router`: an instance that routes can be registered on.
 */
type Kind = 'express' | 'expressRouter' | 'koaRouter' | 'app' | 'router';

const EXPRESS = 'express';
const KOA_ROUTERS = new Set(['@koa/router', 'koa-router']);
/** Methods that register a route (or a path-scoped middleware) when their first argument is a path. */
const ROUTE_METHODS = new Set([
  'get',
  'post',
  'put',
  'patch',
  'delete',
  'del',
  'all',
  'options',
  'head',
  'route',
  'use',
]);
/** Express and koa type names that stand for an app or a router in annotations (`router: Router`). */
const EXPRESS_TYPES: Readonly<Record<string, Kind>> = {
  Router: 'router',
  IRouter: 'router',
  Express: 'app',
  Application: 'app',
};

/** The message's advice for one service: where its operations live and what the spec generates for it. */
interface ServiceHints {
  specFile: string;
  /** `createUsersApp` (or `createSessionsRouter`, `createUsersRouter`), markdown-quoted. */
  generated: string;
  /** The generated app factory alone, markdown-quoted. */
  app: string;
  /** `METHOD path-with-anonymous-params` → the operation already in the spec. */
  operations: ReadonlyMap<string, { operationId: string; controller: string; router: string }>;
}

/** Built once per IR (and per service folder), not per linted file. */
const hintsByIr = new WeakMap<SpecIR, Map<string, ServiceHints>>();

/** `/users/:id`, `/users/:userId/`, `/api/users/{id}` all become `/users/:`-like keys. */
function routeKey(method: string, path: string): string {
  const normalised = path
    .replace(/\{[^}]*\}/g, ':')
    .replace(/:[A-Za-z_$][\w$]*\??/g, ':')
    .replace(/\/+$/, '');
  return `${method.toLowerCase()} ${normalised === '' ? '/' : normalised}`;
}

function hintsFor(view: ProjectView): ServiceHints {
  const { ir } = view;
  const services = ir.project.servicesDir;
  const inside = services === '.' ? view.file : view.file.slice(services.length + 1);
  const segments = inside.split('/');
  const folder = segments.length > 1 ? segments[0] : undefined;
  const key = folder ?? '';
  let perIr = hintsByIr.get(ir);
  if (!perIr) {
    perIr = new Map();
    hintsByIr.set(ir, perIr);
  }
  const known = perIr.get(key);
  if (known) return known;

  const service = folder === undefined ? undefined : ir.services.find((s) => s.name === folder && s.type === 'http');
  let hints: ServiceHints;
  if (service) {
    const tags = new Map(service.tags.map((t) => [t.name, t]));
    const operations = new Map<string, { operationId: string; controller: string; router: string }>();
    for (const op of service.operations) {
      const tag = tags.get(op.tag) ?? { identifier: identifierFor(op.tag) };
      const target = {
        operationId: op.operationId,
        controller: `${controllerInterface(tag)}.${op.identifier}`,
        router: routerFactory(tag),
      };
      operations.set(routeKey(op.method, op.expressPath), target);
      if (service.basePath !== '') operations.set(routeKey(op.method, `${service.basePath}${op.expressPath}`), target);
    }
    const routers = service.tags.map((t) => `\`${routerFactory(t)}\``);
    const app = `\`${appFactory(service)}\``;
    hints = {
      specFile: service.rest?.file ?? `${ir.project.specDir}/rest/${service.name}.yaml`,
      generated: routers.length > 0 ? `${app} (or ${routers.join(', ')})` : app,
      app,
      operations,
    };
  } else {
    const name = folder ?? '<service>';
    const app = appFactory({ identifier: folder === undefined ? '<Service>' : identifierFor(folder) });
    hints = {
      specFile: `${ir.project.specDir}/rest/${name}.yaml`,
      generated: `\`${app}\`/\`${routerFactory({ identifier: '<Tag>' })}\``,
      app: `\`${app}\``,
      operations: new Map(),
    };
  }
  perIr.set(key, hints);
  return hints;
}

/** What one export of a module is: `exported` is `default`, `*` (namespace, `require`, `import x =`) or a name. */
function moduleExport(source: string, exported: string): Kind | undefined {
  if (source === EXPRESS) {
    if (exported === 'default' || exported === '*') return 'express';
    if (exported === 'Router') return 'expressRouter';
    return undefined;
  }
  if (KOA_ROUTERS.has(source) && (exported === 'default' || exported === '*' || exported === 'Router'))
    return 'koaRouter';
  return undefined;
}

/** A property read off a module-ish value: `express.Router`, `require('@koa/router').default`. */
function memberKind(object: Kind | undefined, name: string | undefined): Kind | undefined {
  if (object === 'express' && name === 'Router') return 'expressRouter';
  if (object === 'koaRouter' && (name === 'default' || name === 'Router')) return 'koaRouter';
  return undefined;
}

/**
 * Inside services/, routes come from the spec: report hand-made Express and koa routers, Express
 * apps created outside the composition files, and routes registered by hand.
 */
export default createRule<Options, MessageIds>({
  name: 'no-manual-router',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Forbid hand-written Express/koa routers and routes in services: routes come from the spec and its generated routers',
      recommended: true,
      requiresSpec: true,
    },
    messages: {
      ...SPEC_PROBLEM_MESSAGES,
      manualRouter:
        '`{{found}}` builds a router by hand. Routes come from the spec: add the operation to {{specFile}}, run `specfirst sync`, and mount the generated {{generated}}',
      manualApp:
        '`{{found}}` creates an Express app outside the composition files ({{apps}}). Build the app there from the generated {{app}}; routes come from the spec ({{specFile}}, then `specfirst sync`)',
      manualRoute:
        '`{{found}}` registers a route by hand. Routes come from the spec: add the operation to {{specFile}}, run `specfirst sync`, and mount the generated {{generated}}',
      specRoute:
        '`{{found}}` registers by hand the route of operation `{{operationId}}`, which {{specFile}} already defines: implement `{{controller}}` and mount the generated `{{router}}` instead',
      compositionRoute:
        '`{{found}}` registers a handler in a composition file, which may create the app and mount generated routers, nothing else. Routes come from the spec: add the operation to {{specFile}}, run `specfirst sync`, and mount the generated {{generated}}',
    },
    schema: allowOptionSchema('hand-written routers'),
  },
  defaultOptions: [{}],
  create(context, [options]) {
    const view = projectView(context.filename);
    if (view?.area !== 'services') return {};
    if (view.matches([...ALWAYS_EXEMPT, ...view.ir.project.lint.allowManualRouters, ...(options.allow ?? [])]))
      return {};
    reportSpecProblems(context, view);
    // Routers and apps come from express or koa, or from generated create…Router/App functions:
    // a file that mentions none of them has nothing to report, and skips the AST work.
    if (!/express|koa|Router|App\b/.test(context.sourceCode.text)) return {};
    const composition = view.matches(view.ir.project.apps);
    const appsText =
      view.ir.project.apps.length > 0
        ? view.ir.project.apps.join(', ')
        : 'none are configured: list them under `apps` in specfirst.yaml';
    const { sourceCode } = context;

    /** Per-file memo of what each binding is; `null` while being resolved breaks cycles (`let a = b, b = a`). */
    const kinds = new Map<Variable, Kind | null>();
    const typeKinds = new Map<Variable, Kind | null>();

    const variableOf = (id: TSESTree.Identifier): Variable | null => findVariable(sourceCode.getScope(id), id);

    /** `require('x')` with the global `require` (not a local function of that name). */
    const requiredModule = (node: TSESTree.Node): string | undefined => {
      if (
        node.type !== AST_NODE_TYPES.CallExpression ||
        node.arguments.length !== 1 ||
        !isGlobalRequire(node.callee, sourceCode)
      )
        return undefined;
      return stringLiteral(node.arguments[0]);
    };

    const isGeneratedFactory = (callee: TSESTree.Node, pattern: RegExp): boolean => {
      const target = unwrap(callee);
      if (target.type === AST_NODE_TYPES.Identifier) return pattern.test(target.name);
      if (target.type === AST_NODE_TYPES.MemberExpression) return pattern.test(memberName(target) ?? '');
      return false;
    };

    /** A `Router`/`Express`-typed annotation: a parameter or field that routes may be registered on. */
    const annotationKind = (annotation: TSESTree.TSTypeAnnotation | undefined): Kind | undefined => {
      const type = annotation?.typeAnnotation;
      if (type?.type !== AST_NODE_TYPES.TSTypeReference) return undefined;
      const name = type.typeName;
      if (name.type === AST_NODE_TYPES.Identifier) {
        const binding = variableOf(name);
        return binding ? typeBindingKind(binding) : undefined;
      }
      if (name.type === AST_NODE_TYPES.TSQualifiedName && name.left.type === AST_NODE_TYPES.Identifier) {
        const binding = variableOf(name.left);
        const from = binding?.defs[0] ? importedFrom(binding.defs[0], { types: true }) : undefined;
        if (from?.source === EXPRESS && (from.exported === 'default' || from.exported === '*'))
          return EXPRESS_TYPES[name.right.name];
      }
      return undefined;
    };

    const typeBindingKind = (binding: Variable): Kind | undefined => {
      if (typeKinds.has(binding)) return typeKinds.get(binding) ?? undefined;
      typeKinds.set(binding, null);
      const def = binding.defs[0];
      const from = def ? importedFrom(def, { types: true }) : undefined;
      let kind: Kind | undefined;
      if (from?.source === EXPRESS) kind = EXPRESS_TYPES[from.exported];
      else if (from && KOA_ROUTERS.has(from.source) && moduleExport(from.source, from.exported) === 'koaRouter')
        kind = 'router';
      typeKinds.set(binding, kind ?? null);
      return kind;
    };

    /** What a value binding holds, from its import, its initialiser, its assignments or its type annotation. */
    const bindingKind = (binding: Variable): Kind | undefined => {
      if (kinds.has(binding)) return kinds.get(binding) ?? undefined;
      kinds.set(binding, null);
      let kind: Kind | undefined;
      for (const def of binding.defs) {
        kind = definitionKind(def);
        if (kind) break;
      }
      if (!kind) {
        // `let router; router = express.Router();`
        for (const ref of binding.references) {
          if (
            ref.writeExpr &&
            ref.identifier.parent.type === AST_NODE_TYPES.AssignmentExpression &&
            ref.identifier.parent.left === ref.identifier
          ) {
            kind = instanceOnly(expressionKind(ref.writeExpr));
            if (kind) break;
          }
        }
      }
      kinds.set(binding, kind ?? null);
      return kind;
    };

    const instanceOnly = (kind: Kind | undefined): Kind | undefined =>
      kind === 'app' || kind === 'router' ? kind : undefined;

    const definitionKind = (def: Definition): Kind | undefined => {
      if (def.type === DefinitionType.ImportBinding) {
        const from = importedFrom(def, { types: false });
        return from ? moduleExport(from.source, from.exported) : undefined;
      }
      if (def.type === DefinitionType.Parameter) {
        return def.name.type === AST_NODE_TYPES.Identifier ? annotationKind(def.name.typeAnnotation) : undefined;
      }
      if (def.type !== DefinitionType.Variable) return undefined; // functions, classes, enums, catch clauses: never a router
      const declarator = def.node;
      if (declarator.id.type === AST_NODE_TYPES.Identifier) {
        if (declarator.init) {
          const kind = expressionKind(declarator.init);
          if (kind) return kind;
        }
        return annotationKind(declarator.id.typeAnnotation);
      }
      if (declarator.id.type === AST_NODE_TYPES.ObjectPattern && declarator.init) {
        // `const { Router } = require('express')`, `const { Router: R } = express`
        for (const property of declarator.id.properties) {
          if (property.type !== AST_NODE_TYPES.Property) continue;
          const value = property.value.type === AST_NODE_TYPES.AssignmentPattern ? property.value.left : property.value;
          if (value !== def.name) continue;
          return memberKind(expressionKind(declarator.init), propertyKeyName(property.key, property.computed));
        }
      }
      return undefined;
    };

    /** `this.router` where the class declares `router = express.Router()` or `router: Router`, or assigns it in a method. */
    const thisMemberKind = (node: TSESTree.MemberExpression): Kind | undefined => {
      const name = memberName(node);
      if (name === undefined) return undefined;
      let scope: TSESTree.Node | undefined = node.parent;
      while (scope && scope.type !== AST_NODE_TYPES.ClassBody) {
        // `this` in a plain function is not the class instance.
        if (scope.type === AST_NODE_TYPES.FunctionExpression && scope.parent.type !== AST_NODE_TYPES.MethodDefinition)
          return undefined;
        if (scope.type === AST_NODE_TYPES.FunctionDeclaration) return undefined;
        scope = scope.parent;
      }
      if (!scope) return undefined;
      for (const member of scope.body) {
        if (
          member.type !== AST_NODE_TYPES.PropertyDefinition ||
          member.static ||
          propertyKeyName(member.key, member.computed) !== name
        )
          continue;
        return (
          instanceOnly(member.value ? expressionKind(member.value) : undefined) ?? annotationKind(member.typeAnnotation)
        );
      }
      return undefined;
    };

    const expressionKind = (expression: TSESTree.Node): Kind | undefined => {
      const node = unwrap(expression);
      switch (node.type) {
        case AST_NODE_TYPES.Identifier: {
          const binding = variableOf(node);
          return binding ? bindingKind(binding) : undefined;
        }
        case AST_NODE_TYPES.MemberExpression: {
          if (node.object.type === AST_NODE_TYPES.ThisExpression) return thisMemberKind(node);
          return memberKind(expressionKind(node.object), memberName(node));
        }
        case AST_NODE_TYPES.NewExpression: {
          const callee = expressionKind(node.callee);
          return callee === 'koaRouter' || callee === 'expressRouter' ? 'router' : undefined;
        }
        case AST_NODE_TYPES.CallExpression: {
          const required = requiredModule(node);
          if (required !== undefined) return moduleExport(required, '*');
          const callee = unwrap(node.callee);
          const kind = expressionKind(callee);
          if (kind === 'express') return 'app';
          if (kind === 'expressRouter' || kind === 'koaRouter') return 'router';
          if (isGeneratedFactory(callee, ROUTER_FACTORY_PATTERN)) return 'router';
          if (isGeneratedFactory(callee, APP_FACTORY_PATTERN)) return 'app';
          // `app.get('/a', h).post('/b', h)`: registration returns the app or router itself.
          if (callee.type === AST_NODE_TYPES.MemberExpression) {
            const method = memberName(callee);
            if (method !== undefined && method !== 'route' && ROUTE_METHODS.has(method))
              return instanceOnly(expressionKind(callee.object));
          }
          return undefined;
        }
        default:
          return undefined;
      }
    };

    /** A route path: a string, a template literal, a regular expression or an array of them. */
    const isPath = (node: TSESTree.Node | undefined): boolean => {
      if (!node) return false;
      const arg = unwrap(node);
      if (arg.type === AST_NODE_TYPES.Literal) return typeof arg.value === 'string' || 'regex' in arg;
      if (arg.type === AST_NODE_TYPES.TemplateLiteral) return true;
      if (arg.type === AST_NODE_TYPES.ArrayExpression)
        return (
          arg.elements.length > 0 &&
          arg.elements.every((e) => e !== null && e.type !== AST_NODE_TYPES.SpreadElement && isPath(e))
        );
      return false;
    };

    /** A request handler written here: an inline function, or a local function (or function-valued constant). */
    const isHandler = (node: TSESTree.Node): boolean => {
      const arg = unwrap(node);
      if (arg.type === AST_NODE_TYPES.ArrowFunctionExpression || arg.type === AST_NODE_TYPES.FunctionExpression)
        return true;
      if (arg.type === AST_NODE_TYPES.ArrayExpression) return arg.elements.some((e) => e !== null && isHandler(e));
      if (arg.type !== AST_NODE_TYPES.Identifier) return false;
      const def = variableOf(arg)?.defs[0];
      if (def?.type === DefinitionType.FunctionName) return true;
      if (def?.type === DefinitionType.Variable && def.node.id === def.name && def.node.init) {
        const init = unwrap(def.node.init);
        return init.type === AST_NODE_TYPES.ArrowFunctionExpression || init.type === AST_NODE_TYPES.FunctionExpression;
      }
      return false;
    };

    const describe = (node: TSESTree.Node, max = 60): string => {
      const text = sourceCode.getText(node).replace(/\s+/g, ' ');
      return text.length > max ? `${text.slice(0, max - 1)}…` : text;
    };

    let hints: ServiceHints | undefined;
    const serviceHints = (): ServiceHints => (hints ??= hintsFor(view));

    const checkCreation = (node: TSESTree.CallExpression | TSESTree.NewExpression): void => {
      const callee = expressionKind(node.callee);
      const isNew = node.type === AST_NODE_TYPES.NewExpression;
      if (callee === 'expressRouter' || callee === 'koaRouter') {
        const { specFile, generated } = serviceHints();
        const found = `${isNew ? 'new ' : ''}${describe(node.callee)}()`;
        context.report({ node, messageId: 'manualRouter', data: { found, specFile, generated } });
      } else if (callee === 'express' && !isNew && !composition) {
        const { specFile, app } = serviceHints();
        context.report({
          node,
          messageId: 'manualApp',
          data: { found: `${describe(node.callee)}()`, apps: appsText, app, specFile },
        });
      }
    };

    const checkRegistration = (node: TSESTree.CallExpression): void => {
      const callee = unwrap(node.callee);
      if (callee.type !== AST_NODE_TYPES.MemberExpression) return;
      const method = memberName(callee);
      if (method === undefined || !ROUTE_METHODS.has(method)) return;
      const [path, ...handlers] = node.arguments;
      if (!path || !isPath(path)) return;
      // `app.get('env')` reads a setting; a route needs a handler. `route('/x')` returns the route to chain on.
      if (method !== 'route' && handlers.length === 0) return;
      // `app.use('/users', createUsersRouter(...))`, `app.use('/static', express.static(...))`: mounting, not routing.
      if (method === 'use' && !handlers.some(isHandler)) return;
      if (!instanceOnly(expressionKind(callee.object))) return;

      const found = `${describe(callee)}(${describe(path, 40)}${handlers.length > 0 ? ', …' : ''})`;
      const loc = { start: callee.property.loc.start, end: path.loc.end };
      const service = serviceHints();
      const pathText = stringLiteral(unwrap(path));
      const operation =
        pathText === undefined
          ? undefined
          : service.operations.get(routeKey(method === 'del' ? 'delete' : method, pathText));
      if (operation) {
        context.report({ loc, messageId: 'specRoute', data: { found, specFile: service.specFile, ...operation } });
      } else {
        context.report({
          loc,
          messageId: composition ? 'compositionRoute' : 'manualRoute',
          data: { found, specFile: service.specFile, generated: service.generated },
        });
      }
    };

    return {
      NewExpression: checkCreation,
      CallExpression(node) {
        checkCreation(node);
        checkRegistration(node);
      },
    };
  },
});
