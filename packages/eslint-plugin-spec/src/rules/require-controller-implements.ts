import path from 'node:path';
import {
  APP_FACTORY_PATTERN,
  appFactory,
  CONTROLLERS_DIR,
  controllerInterface,
  controllerKey,
  generatedImportPath,
  generatedSpecifier,
  ROUTER_FACTORY_PATTERN,
  routerFactory,
  ROUTERS_FOLDER,
  tagRouterModule,
} from '@specfirst/codegen/names';
import { didYouMean, type IRService, type IRTag, type SpecIR } from '@specfirst/spec-core';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { AST_NODE_TYPES, DefinitionType, findVariable, importedFrom, propertyKeyName, unwrap } from '../util/ast.js';
import { createRule } from '../util/create-rule.js';
import { ALWAYS_EXEMPT, projectView, type ProjectView } from '../util/project.js';
import { reportSpecProblems, SPEC_PROBLEM_MESSAGES, type SpecProblemMessageId } from '../util/spec-problems.js';

type Options = [{ controllersDir?: string }];
type MessageIds =
  | 'missingImplements'
  | 'unknownMethod'
  | 'unknownTag'
  | 'unknownService'
  | 'addImplements'
  | 'addType'
  | 'renameMethod'
  | 'makePrivate'
  | SpecProblemMessageId;

type Variable = TSESLint.Scope.Variable;
type RuleFix = TSESLint.RuleFix;
type RuleFixer = TSESLint.RuleFixer;

const DEFAULT_CONTROLLERS_DIR = CONTROLLERS_DIR;
/** Extensions a controller file or an import specifier may carry. */
const SOURCE_EXTENSION = /\.(?:[cm]?[jt]sx?)$/;

// ---------------------------------------------------------------------------------------------
// What the spec says, indexed once per IR

/** One tag of one service, with what its controller must look like. */
interface TagEntry {
  service: IRService;
  tag: IRTag;
  /** `UsersController`: the generated interface. */
  iface: string;
  /** `createUsersRouter`. */
  router: string;
  /** `generated/routers/users/users.ts`, for messages. */
  module: string;
  /** Controller method names (operation identifiers), in spec order. */
  methods: string[];
  methodSet: ReadonlySet<string>;
  /** The spec file the tag's operations come from. */
  specFile: string;
}

interface ServiceEntry {
  service: IRService;
  /** `createUsersApp`. */
  app: string;
  byFile: ReadonlyMap<string, TagEntry>;
  /** `createUsersApp({ <key>: controller })`: the tag identifier with a lower-case first letter. */
  byKey: ReadonlyMap<string, TagEntry>;
}

interface SpecEntries {
  services: ReadonlyMap<string, ServiceEntry>;
  /** Where services are declared, for messages. */
  servicesFile: string;
}

const entriesByIr = new WeakMap<SpecIR, SpecEntries>();

function entriesFor(ir: SpecIR): SpecEntries {
  let entries = entriesByIr.get(ir);
  if (entries) return entries;
  const services = new Map<string, ServiceEntry>();
  for (const service of ir.services) {
    const byFile = new Map<string, TagEntry>();
    const byKey = new Map<string, TagEntry>();
    for (const tag of service.tags) {
      const methods = service.operations.filter((op) => op.tag === tag.name).map((op) => op.identifier);
      const entry: TagEntry = {
        service,
        tag,
        iface: controllerInterface(tag),
        router: routerFactory(tag),
        module: `${ir.project.outputDir === '.' ? '' : `${ir.project.outputDir}/`}${tagRouterModule(service, tag)}.ts`,
        methods,
        methodSet: new Set(methods),
        specFile: service.rest?.file ?? tag.loc.file,
      };
      byFile.set(tag.fileName, entry);
      byKey.set(controllerKey(tag), entry);
    }
    services.set(service.name, { service, app: appFactory(service), byFile, byKey });
  }
  entries = { services, servicesFile: ir.services[0]?.loc.file ?? `${ir.project.specDir}/services.yaml` };
  entriesByIr.set(ir, entries);
  return entries;
}

/** "did you mean `x`?" when a candidate is close, else undefined (the caller lists the candidates itself). */
function closeMatch(word: string, candidates: readonly string[], what: string): string | undefined {
  const hint = didYouMean(word, candidates, what);
  return hint.startsWith('did you mean') ? hint : undefined;
}

function quoted(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `\`${n}\``).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Generated modules

/**
 * The generated router module an import specifier names: `{ service, file }` for
 * `<output>/routers/<service>/<file>`, `{ service }` for the service's index. Relative specifiers
 * must resolve into the output folder, and `#generated/…` ones into its `routers/` when the
 * project's package.json declares them; other bare ones (path aliases) are matched by their ending.
 */
function generatedModule(view: ProjectView, source: string): { service: string; file?: string } | undefined {
  let rest: string;
  const generated = view.generatedImport ? generatedImportPath(source) : undefined;
  if (source.startsWith('.')) {
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(view.file), source));
    const outputDir = view.ir.project.outputDir;
    const prefix = outputDir === '.' ? `${ROUTERS_FOLDER}/` : `${outputDir}/${ROUTERS_FOLDER}/`;
    if (!resolved.startsWith(prefix)) return undefined;
    rest = resolved.slice(prefix.length);
  } else if (generated !== undefined) {
    const resolved = path.posix.normalize(generated);
    if (!resolved.startsWith(`${ROUTERS_FOLDER}/`)) return undefined;
    rest = resolved.slice(ROUTERS_FOLDER.length + 1);
  } else {
    const match = /(?:^|\/)routers\/(.+)$/.exec(source);
    if (!match?.[1]) return undefined;
    rest = match[1];
  }
  const segments = rest.replace(SOURCE_EXTENSION, '').split('/');
  const [service, file] = segments;
  if (service === undefined || service === '' || segments.length > 2) return undefined;
  if (file === undefined || file === 'index') return { service };
  return { service, file };
}

/** The specifier of a tag's generated module from the linted file, as `specfirst scaffold` writes it. */
function importSpecifier(view: ProjectView, entry: TagEntry): string {
  const project = { outputDir: view.ir.project.outputDir, generatedImport: view.generatedImport };
  return generatedSpecifier(view.file, tagRouterModule(entry.service, entry.tag), project);
}

// ---------------------------------------------------------------------------------------------
// Controllers

type ClassNode = TSESTree.ClassDeclaration | TSESTree.ClassExpression;

type Controller =
  | { kind: 'class'; node: ClassNode }
  | {
      kind: 'object';
      node: TSESTree.ObjectExpression;
      /** `const users: T = {...}` / `const users = {...} satisfies T`. */
      declarator?: TSESTree.VariableDeclarator;
      /** `{...} satisfies T`. */
      satisfies?: TSESTree.TSSatisfiesExpression;
      /** Written right in the call (`createUsersRouter({...})`): the parameter's type checks it. */
      inline: boolean;
    };

/** Why a value is the controller of a tag, for messages. */
type Origin =
  { how: 'file'; file: string } | { how: 'router'; factory: string } | { how: 'app'; factory: string; key: string };

interface Found {
  controller: Controller;
  entry: TagEntry;
  origin: Origin;
}

/** Did a type reference name the tag's generated interface (`match`), another generated controller (`other`), or something else? */
type TypeCheck = { match: true } | { match: false; other?: string };

export default createRule<Options, MessageIds>({
  name: 'require-controller-implements',
  meta: {
    type: 'problem',
    hasSuggestions: true,
    docs: {
      description:
        "Require controllers to implement the generated controller interface of their tag, with only the tag's operations as public methods",
      recommended: true,
      requiresSpec: true,
    },
    messages: {
      ...SPEC_PROBLEM_MESSAGES,
      missingImplements:
        '{{name}} is the controller for tag `{{tag}}` of service `{{service}}` ({{origin}}), so it must implement `{{iface}}` from {{module}}{{found}}: {{fix}}',
      unknownMethod:
        '`{{name}}` is no operation of tag `{{tag}}` of service `{{service}}`{{hint}}. The public methods of its controller are the operations of {{specFile}} ({{operations}}): rename it to one of them, or make it private if it is a helper',
      unknownTag:
        '`{{file}}` is a controller file for tag `{{name}}`, but service `{{service}}` has no such tag in {{specFile}}{{hint}}. Name the file after one of its tags ({{tags}}), or add the tag to the spec and run `specfirst sync`',
      unknownService:
        '`{{file}}` is a controller file of service `{{name}}`, which {{specFile}} does not declare{{hint}}. Move it into the folder of its service ({{services}}), or declare the service in the spec and run `specfirst sync`',
      addImplements: "Declare `implements {{iface}}` (imported from '{{specifier}}')",
      addType: "Type it as `{{iface}}` (imported from '{{specifier}}')",
      renameMethod: 'Rename `{{name}}` to `{{operation}}`',
      makePrivate: 'Make `{{name}}` private',
    },
    schema: [
      {
        type: 'object',
        properties: {
          controllersDir: {
            type: 'string',
            description: `Folder of controller files inside each service folder (default \`${DEFAULT_CONTROLLERS_DIR}\`): \`<services>/<service>/<controllersDir>/<tag>.ts\`.`,
          },
        },
        additionalProperties: false,
      },
    ],
  },
  defaultOptions: [{}],
  create(context, [options]) {
    const view = projectView(context.filename);
    if (view?.area !== 'services' || view.matches(ALWAYS_EXEMPT) || /\.d\.[cm]?ts$/.test(view.file)) return {};
    reportSpecProblems(context, view);
    const { ir } = view;
    const specEntries = entriesFor(ir);
    const sourceCode = context.sourceCode;
    const controllersDir = (options.controllersDir ?? DEFAULT_CONTROLLERS_DIR).replace(/^\.\/|\/+$/g, '');
    const typescript = !/\.[cm]?jsx?$/.test(view.file);

    /** `<services>/<service>/<controllersDir>/<name>.ts` → service folder and file name. */
    const conventional = (() => {
      const servicesDir = ir.project.servicesDir;
      const inside = servicesDir === '.' ? view.file : view.file.slice(servicesDir.length + 1);
      const slash = inside.indexOf('/');
      if (slash <= 0) return undefined;
      const folder = inside.slice(0, slash);
      const rest = inside.slice(slash + 1);
      if (!rest.startsWith(`${controllersDir}/`)) return undefined;
      const base = rest.slice(controllersDir.length + 1);
      if (base.includes('/') || !SOURCE_EXTENSION.test(base)) return undefined;
      const name = base.replace(SOURCE_EXTENSION, '');
      if (name === 'index') return undefined;
      return { folder, name, base };
    })();

    const found: Found[] = [];
    const variableOf = (id: TSESTree.Identifier): Variable | null => findVariable(sourceCode.getScope(id), id);

    /** The class or object literal an expression stands for, in this file. */
    const resolveController = (expression: TSESTree.Node, inline: boolean, depth = 0): Controller | undefined => {
      if (depth > 4) return undefined;
      switch (expression.type) {
        case AST_NODE_TYPES.ClassDeclaration:
        case AST_NODE_TYPES.ClassExpression:
          return { kind: 'class', node: expression };
        case AST_NODE_TYPES.ObjectExpression:
          return { kind: 'object', node: expression, inline };
        case AST_NODE_TYPES.TSSatisfiesExpression: {
          const inner = resolveController(expression.expression, inline, depth + 1);
          return inner?.kind === 'object' && inner.node === expression.expression
            ? { ...inner, satisfies: expression }
            : inner;
        }
        case AST_NODE_TYPES.TSAsExpression:
        case AST_NODE_TYPES.TSNonNullExpression:
          return resolveController(expression.expression, inline, depth + 1);
        case AST_NODE_TYPES.NewExpression:
          return expression.callee.type === AST_NODE_TYPES.Identifier ||
            expression.callee.type === AST_NODE_TYPES.ClassExpression
            ? resolveController(expression.callee, false, depth + 1)
            : undefined;
        case AST_NODE_TYPES.Identifier: {
          const def = variableOf(expression)?.defs[0];
          if (!def) return undefined;
          if (def.type === DefinitionType.ClassName && def.node.type === AST_NODE_TYPES.ClassDeclaration)
            return { kind: 'class', node: def.node };
          if (
            def.type === DefinitionType.Variable &&
            def.node.type === AST_NODE_TYPES.VariableDeclarator &&
            def.node.init
          ) {
            const declarator = def.node;
            const inner = resolveController(def.node.init, false, depth + 1);
            if (inner?.kind !== 'object' || inner.declarator) return inner;
            return declarator.id.type === AST_NODE_TYPES.Identifier ? { ...inner, declarator, inline: false } : inner;
          }
          return undefined;
        }
        default:
          return undefined;
      }
    };

    const add = (controller: Controller | undefined, entry: TagEntry, origin: Origin): void => {
      if (!controller) return;
      if (found.some((f) => f.controller.node === controller.node && f.entry === entry)) return;
      found.push({ controller, entry, origin });
    };

    // -------------------------------------------------------------------------------------------
    // Type references: is this the tag's generated interface?

    const checkTypeName = (name: TSESTree.Node, entry: TagEntry, depth = 0): TypeCheck => {
      let local: TSESTree.Identifier;
      let member: string | undefined;
      if (name.type === AST_NODE_TYPES.Identifier) local = name;
      else if (
        name.type === AST_NODE_TYPES.MemberExpression &&
        !name.computed &&
        name.object.type === AST_NODE_TYPES.Identifier &&
        name.property.type === AST_NODE_TYPES.Identifier
      ) {
        local = name.object;
        member = name.property.name;
      } else if (name.type === AST_NODE_TYPES.TSQualifiedName && name.left.type === AST_NODE_TYPES.Identifier) {
        local = name.left;
        member = name.right.name;
      } else return { match: false };
      const def = variableOf(local)?.defs[0];
      if (!def) return { match: false };
      const imported = importedFrom(def, { types: true });
      if (imported) {
        const exported = member === undefined ? imported.exported : imported.exported === '*' ? member : undefined;
        if (exported === undefined) return { match: false };
        const module = generatedModule(view, imported.source);
        if (module?.file === undefined || !exported.endsWith('Controller')) return { match: false };
        if (module.service === entry.service.name && module.file === entry.tag.fileName && exported === entry.iface)
          return { match: true };
        return { match: false, other: exported };
      }
      // `type UC = UsersController; class X implements UC`.
      if (
        member === undefined &&
        depth < 3 &&
        def.node.type === AST_NODE_TYPES.TSTypeAliasDeclaration &&
        def.node.typeAnnotation.type === AST_NODE_TYPES.TSTypeReference
      ) {
        return checkTypeName(def.node.typeAnnotation.typeName, entry, depth + 1);
      }
      return { match: false };
    };

    // -------------------------------------------------------------------------------------------
    // Suggestions: the interface's local name, and the import it needs

    const program = sourceCode.ast;

    /** How this file can name the interface, and the fix that imports it when it cannot yet. */
    const interfaceName = (fixer: RuleFixer, entry: TagEntry): { name: string; fixes: RuleFix[] } => {
      const imports = program.body.filter(
        (s): s is TSESTree.ImportDeclaration => s.type === AST_NODE_TYPES.ImportDeclaration,
      );
      let named: TSESTree.ImportDeclaration | undefined;
      for (const declaration of imports) {
        const module = generatedModule(view, declaration.source.value);
        if (module?.service !== entry.service.name || module.file !== entry.tag.fileName) continue;
        for (const specifier of declaration.specifiers) {
          if (specifier.type === AST_NODE_TYPES.ImportNamespaceSpecifier)
            return { name: `${specifier.local.name}.${entry.iface}`, fixes: [] };
          if (specifier.type === AST_NODE_TYPES.ImportSpecifier) {
            const imported =
              specifier.imported.type === AST_NODE_TYPES.Identifier
                ? specifier.imported.name
                : specifier.imported.value;
            if (imported === entry.iface) return { name: specifier.local.name, fixes: [] };
            named ??= declaration;
          }
        }
      }
      const globalScope = sourceCode.getScope(program);
      const moduleScope = globalScope.childScopes.find((scope) => (scope.type as string) === 'module') ?? globalScope;
      const taken = findVariable(moduleScope, entry.iface) !== null;
      const local = taken ? `Generated${entry.iface}` : entry.iface;
      const clause = taken ? `${entry.iface} as ${local}` : entry.iface;
      if (named) {
        const last = named.specifiers.at(-1)!;
        return {
          name: local,
          fixes: [fixer.insertTextAfter(last, named.importKind === 'type' ? `, ${clause}` : `, type ${clause}`)],
        };
      }
      const statement = `import type { ${clause} } from '${importSpecifier(view, entry)}';`;
      const lastImport = imports.at(-1);
      if (lastImport) return { name: local, fixes: [fixer.insertTextAfter(lastImport, `\n${statement}`)] };
      const first = program.body[0];
      if (!first) return { name: local, fixes: [fixer.insertTextAfterRange([0, 0], `${statement}\n`)] };
      const anchor = sourceCode.getCommentsBefore(first)[0] ?? first;
      return {
        name: local,
        fixes: [fixer.insertTextBeforeRange([anchor.range[0], anchor.range[0]], `${statement}\n\n`)],
      };
    };

    // -------------------------------------------------------------------------------------------
    // Checks

    const originText = (origin: Origin): string => {
      switch (origin.how) {
        case 'file':
          return `exported from \`${origin.file}\`, the controller file of that tag`;
        case 'router':
          return `passed to \`${origin.factory}\``;
        case 'app':
          return `passed to \`${origin.factory}\` as \`${origin.key}\``;
      }
    };

    const controllerName = (controller: Controller): { name: string; node: TSESTree.Node } => {
      if (controller.kind === 'class') {
        const { node } = controller;
        return node.id ? { name: node.id.name, node: node.id } : { name: 'the default export', node };
      }
      if (controller.declarator?.id.type === AST_NODE_TYPES.Identifier)
        return { name: controller.declarator.id.name, node: controller.declarator.id };
      return { name: 'the default export', node: controller.node };
    };

    const checkImplements = ({ controller, entry, origin }: Found): void => {
      if (controller.kind === 'object' && controller.inline) return;
      let wrong: TSESTree.Node | undefined;
      let other: string | undefined;
      const consider = (typeName: TSESTree.Node, replace: TSESTree.Node): boolean => {
        const result = checkTypeName(typeName, entry);
        if (result.match) return true;
        if (wrong === undefined && (result.other !== undefined || controller.kind === 'object')) {
          wrong = replace;
          other = result.other;
        }
        return false;
      };
      if (controller.kind === 'class') {
        if (controller.node.implements.some((clause) => consider(clause.expression, clause))) return;
      } else {
        const annotation = controller.declarator?.id.typeAnnotation?.typeAnnotation;
        if (annotation?.type === AST_NODE_TYPES.TSTypeReference && consider(annotation.typeName, annotation)) return;
        if (annotation && annotation.type !== AST_NODE_TYPES.TSTypeReference) wrong ??= annotation;
        const satisfied = controller.satisfies?.typeAnnotation;
        if (satisfied?.type === AST_NODE_TYPES.TSTypeReference && consider(satisfied.typeName, satisfied)) return;
        if (satisfied && satisfied.type !== AST_NODE_TYPES.TSTypeReference) wrong ??= satisfied;
      }
      const { name, node } = controllerName(controller);
      const specifier = importSpecifier(view, entry);
      const isClass = controller.kind === 'class';
      const fix = isClass
        ? `add \`implements ${entry.iface}\` (\`import type { ${entry.iface} } from '${specifier}'\`)`
        : `declare it \`const ${name === 'the default export' ? 'controller' : name}: ${entry.iface} = { … }\` or \`{ … } satisfies ${entry.iface}\` (\`import type { ${entry.iface} } from '${specifier}'\`)`;
      const loc =
        controller.kind === 'class' && !controller.node.id ? sourceCode.getFirstToken(controller.node)!.loc : node.loc;
      context.report({
        node,
        loc,
        messageId: 'missingImplements',
        data: {
          name: name === 'the default export' ? name : `\`${name}\``,
          tag: entry.tag.name,
          service: entry.service.name,
          origin: originText(origin),
          iface: entry.iface,
          module: entry.module,
          found: other === undefined ? '' : ` instead of \`${other}\``,
          fix,
        },
        suggest: [
          {
            messageId: isClass ? 'addImplements' : 'addType',
            data: { iface: entry.iface, specifier },
            fix: (fixer) => {
              const { name: local, fixes } = interfaceName(fixer, entry);
              if (wrong) return [...fixes, fixer.replaceText(wrong, local)];
              if (controller.kind === 'class') {
                const clauses = controller.node.implements;
                const last = clauses.at(-1);
                if (last) return [...fixes, fixer.insertTextAfter(last, `, ${local}`)];
                const body = controller.node.body;
                const space = /\s/.test(sourceCode.text.charAt(body.range[0] - 1)) ? '' : ' ';
                return [...fixes, fixer.insertTextBefore(body, `${space}implements ${local} `)];
              }
              if (
                controller.declarator?.id.type === AST_NODE_TYPES.Identifier &&
                !controller.declarator.id.typeAnnotation
              ) {
                return [...fixes, fixer.insertTextAfter(controller.declarator.id, `: ${local}`)];
              }
              return [...fixes, fixer.insertTextAfter(controller.node, ` satisfies ${local}`)];
            },
          },
        ],
      });
    };

    const reportUnknown = (
      entry: TagEntry,
      key: TSESTree.Node,
      name: string,
      member: TSESTree.Node,
      shorthand: boolean,
    ): void => {
      const hint = closeMatch(name, entry.methods, 'operation');
      const operation = hint === undefined ? undefined : /`([^`]+)`/.exec(hint)?.[1];
      const suggest: TSESLint.SuggestionReportDescriptor<MessageIds>[] = [];
      if (operation !== undefined) {
        suggest.push({
          messageId: 'renameMethod',
          data: { name, operation },
          fix: (fixer) => fixer.replaceText(key, shorthand ? `${operation}: ${name}` : operation),
        });
      }
      if (
        typescript &&
        (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition)
      ) {
        suggest.push({
          messageId: 'makePrivate',
          data: { name },
          fix: (fixer) => {
            if (member.accessibility === 'public') {
              const token = sourceCode.getFirstToken(member, { filter: (t) => t.value === 'public' });
              if (token) return fixer.replaceText(token, 'private');
            }
            const lastDecorator = member.decorators.at(-1);
            const first = lastDecorator ? sourceCode.getTokenAfter(lastDecorator) : sourceCode.getFirstToken(member);
            return fixer.insertTextBefore(first ?? member, 'private ');
          },
        });
      }
      context.report({
        node: key,
        messageId: 'unknownMethod',
        data: {
          name,
          tag: entry.tag.name,
          service: entry.service.name,
          hint: hint === undefined ? '' : ` (${hint})`,
          specFile: entry.specFile,
          operations: quoted(entry.methods),
        },
        suggest,
      });
    };

    const checkMembers = ({ controller, entry }: Found): void => {
      if (controller.kind === 'class') {
        for (const member of controller.node.body.body) {
          if (member.type !== AST_NODE_TYPES.MethodDefinition && member.type !== AST_NODE_TYPES.PropertyDefinition)
            continue;
          if (member.static || member.accessibility === 'private' || member.accessibility === 'protected') continue;
          if (member.key.type === AST_NODE_TYPES.PrivateIdentifier) continue;
          if (member.type === AST_NODE_TYPES.MethodDefinition) {
            if (member.kind !== 'method' || member.value.type === AST_NODE_TYPES.TSEmptyBodyFunctionExpression)
              continue;
          } else if (
            member.value?.type !== AST_NODE_TYPES.ArrowFunctionExpression &&
            member.value?.type !== AST_NODE_TYPES.FunctionExpression
          )
            continue;
          const name = propertyKeyName(member.key, member.computed);
          if (name !== undefined && !entry.methodSet.has(name)) reportUnknown(entry, member.key, name, member, false);
        }
        return;
      }
      for (const property of controller.node.properties) {
        // Only function members can be operations: data, getters and setters are not reported.
        if (property.type !== AST_NODE_TYPES.Property || property.kind !== 'init' || !functionValued(property))
          continue;
        const name = propertyKeyName(property.key, property.computed);
        if (name !== undefined && !entry.methodSet.has(name))
          reportUnknown(entry, property.key, name, property, property.shorthand);
      }
    };

    /** The names of a controller's public function members (what could be operations). */
    const memberNames = (controller: Controller): string[] => {
      if (controller.kind === 'class') {
        return controller.node.body.body.flatMap((member) =>
          (member.type === AST_NODE_TYPES.MethodDefinition || member.type === AST_NODE_TYPES.PropertyDefinition) &&
          !member.static &&
          member.key.type !== AST_NODE_TYPES.PrivateIdentifier
            ? [propertyKeyName(member.key, member.computed) ?? '']
            : [],
        );
      }
      return controller.node.properties.flatMap((p) =>
        p.type === AST_NODE_TYPES.Property && functionValued(p) ? [propertyKeyName(p.key, p.computed) ?? ''] : [],
      );
    };

    /** A function member, written in place or named (`{ createUser }` with `const createUser = async () => …`). */
    const functionValued = (property: TSESTree.Property): boolean => {
      if (isFunctionValue(property)) return true;
      if (property.value.type !== AST_NODE_TYPES.Identifier) return false;
      const def = variableOf(property.value)?.defs[0];
      if (def?.type === DefinitionType.FunctionName) return true;
      const init =
        def?.type === DefinitionType.Variable && def.node.type === AST_NODE_TYPES.VariableDeclarator
          ? def.node.init
          : null;
      return init?.type === AST_NODE_TYPES.ArrowFunctionExpression || init?.type === AST_NODE_TYPES.FunctionExpression;
    };

    // -------------------------------------------------------------------------------------------
    // Finding controllers

    /** Exported classes and objects of a controller file (objects only when they hold functions or are typed). */
    const exportedControllers = (): Controller[] => {
      const controllers: Controller[] = [];
      const push = (controller: Controller | undefined): void => {
        if (!controller || controllers.some((c) => c.node === controller.node)) return;
        if (controller.kind === 'class') {
          const superClass = controller.node.superClass;
          if (superClass?.type === AST_NODE_TYPES.Identifier && /Error$/.test(superClass.name)) return;
        } else {
          const typed = controller.satisfies !== undefined || controller.declarator?.id.typeAnnotation !== undefined;
          const functions = controller.node.properties.some(
            (p) =>
              p.type === AST_NODE_TYPES.Property &&
              (p.method ||
                p.value.type === AST_NODE_TYPES.ArrowFunctionExpression ||
                p.value.type === AST_NODE_TYPES.FunctionExpression),
          );
          if (!typed && !functions) return;
        }
        controllers.push(controller);
      };
      for (const statement of program.body) {
        if (statement.type === AST_NODE_TYPES.ExportNamedDeclaration) {
          if (statement.source) continue;
          const declaration = statement.declaration;
          if (declaration?.type === AST_NODE_TYPES.ClassDeclaration) push({ kind: 'class', node: declaration });
          else if (declaration?.type === AST_NODE_TYPES.VariableDeclaration) {
            for (const declarator of declaration.declarations) {
              if (declarator.id.type === AST_NODE_TYPES.Identifier) push(resolveController(declarator.id, false));
            }
          }
          for (const specifier of statement.specifiers) {
            if (specifier.local.type === AST_NODE_TYPES.Identifier) push(resolveController(specifier.local, false));
          }
        } else if (statement.type === AST_NODE_TYPES.ExportDefaultDeclaration) {
          const declaration = statement.declaration;
          if (declaration.type === AST_NODE_TYPES.ClassDeclaration) push({ kind: 'class', node: declaration });
          else push(resolveController(declaration, false));
        }
      }
      return controllers;
    };

    const fromFileConvention = (): void => {
      if (!conventional) return;
      const controllers = exportedControllers();
      const first = controllers[0];
      if (!first) return;
      const file = `${controllersDir}/${conventional.base}`;
      const service = specEntries.services.get(conventional.folder);
      const at = controllerName(first).node;
      if (!service) {
        const names = [...specEntries.services.values()]
          .filter((s) => s.service.tags.length > 0)
          .map((s) => s.service.name);
        const hint = closeMatch(conventional.folder, names, 'service');
        context.report({
          node: at,
          messageId: 'unknownService',
          data: {
            file,
            name: conventional.folder,
            specFile: specEntries.servicesFile,
            hint: hint === undefined ? '' : ` (${hint})`,
            services: quoted(names),
          },
        });
        return;
      }
      // Workers have no REST controllers: a `controllers/` folder there is not this rule's business.
      if (service.service.type !== 'http') return;
      const entry = service.byFile.get(conventional.name);
      if (!entry) {
        const files = [...service.byFile.keys()];
        const hint = closeMatch(conventional.name, files, 'tag');
        context.report({
          node: at,
          messageId: 'unknownTag',
          data: {
            file,
            name: conventional.name,
            service: service.service.name,
            specFile: service.service.rest?.file ?? specEntries.servicesFile,
            hint: hint === undefined ? '' : ` (${hint})`,
            tags: quoted(files.map((f) => `${f}.ts`)),
          },
        });
        return;
      }
      // A controller file may hold helpers too (a mapper class): the controllers are the exports
      // with at least one operation's name; only when there is none is every export taken for one.
      const likely = controllers.filter((controller) =>
        memberNames(controller).some((name) => entry.methodSet.has(name)),
      );
      for (const controller of likely.length > 0 ? likely : controllers) add(controller, entry, { how: 'file', file });
    };

    /** `createUsersRouter(x)` / `createUsersApp({ users: x })` imported from the generated routers. */
    const fromCall = (node: TSESTree.CallExpression): void => {
      const callee = node.callee;
      let local: TSESTree.Identifier;
      let member: string | undefined;
      if (callee.type === AST_NODE_TYPES.Identifier) local = callee;
      else if (
        callee.type === AST_NODE_TYPES.MemberExpression &&
        !callee.computed &&
        callee.object.type === AST_NODE_TYPES.Identifier &&
        callee.property.type === AST_NODE_TYPES.Identifier
      ) {
        local = callee.object;
        member = callee.property.name;
      } else return;
      const argument = node.arguments[0];
      if (!argument || argument.type === AST_NODE_TYPES.SpreadElement) return;
      const def = variableOf(local)?.defs[0];
      const imported = def && importedFrom(def, { types: true });
      if (!imported) return;
      // The name the generated module exports, whatever the import renamed it to.
      const exported = member === undefined ? imported.exported : imported.exported === '*' ? member : undefined;
      if (exported === undefined || (!ROUTER_FACTORY_PATTERN.test(exported) && !APP_FACTORY_PATTERN.test(exported)))
        return;
      const module = generatedModule(view, imported.source);
      if (exported === undefined || !module) return;
      const service = specEntries.services.get(module.service);
      if (!service) return;
      if (module.file !== undefined) {
        const entry = service.byFile.get(module.file);
        if (entry?.router === exported)
          add(resolveController(argument, true), entry, { how: 'router', factory: exported });
        return;
      }
      if (exported !== service.app) return;
      let controllers: TSESTree.Node = argument;
      if (controllers.type === AST_NODE_TYPES.Identifier) {
        const variable = variableOf(controllers)?.defs[0];
        if (
          variable?.type !== DefinitionType.Variable ||
          variable.node.type !== AST_NODE_TYPES.VariableDeclarator ||
          !variable.node.init
        )
          return;
        controllers = variable.node.init;
      }
      controllers = unwrap(controllers);
      if (controllers.type !== AST_NODE_TYPES.ObjectExpression) return;
      for (const property of controllers.properties) {
        if (property.type !== AST_NODE_TYPES.Property) continue;
        const key = propertyKeyName(property.key, property.computed);
        const entry = key === undefined ? undefined : service.byKey.get(key);
        if (key === undefined || !entry) continue; // an unknown key is tsc's excess-property error
        add(resolveController(property.value, true), entry, { how: 'app', factory: exported, key });
      }
    };

    return {
      // The file's own exports first, so that a message names the file convention when both apply.
      Program: fromFileConvention,
      CallExpression: fromCall,
      'Program:exit': () => {
        const checked = new Set<TSESTree.Node>();
        for (const item of found) {
          checkImplements(item);
          // Members are checked once per controller, against the first tag it was found for.
          if (checked.has(item.controller.node)) continue;
          checked.add(item.controller.node);
          checkMembers(item);
        }
      },
    };
  },
});

/** A property whose value is a function: a method, an arrow or function expression. */
function isFunctionValue(property: TSESTree.Property): boolean {
  return (
    property.method ||
    property.value.type === AST_NODE_TYPES.ArrowFunctionExpression ||
    property.value.type === AST_NODE_TYPES.FunctionExpression
  );
}
