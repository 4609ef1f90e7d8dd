import path from 'node:path';
import { MODELS_MODULE } from '@specfirst/codegen/names';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import {
  AST_NODE_TYPES,
  findVariable,
  isGlobalRequire,
  propertyKeyName,
  stringLiteral,
  unwrap,
  unwrapOnce,
} from '../util/ast.js';
import { allowOptionSchema, createRule } from '../util/create-rule.js';
import { ALWAYS_EXEMPT, projectView } from '../util/project.js';
import { reportSpecProblems, SPEC_PROBLEM_MESSAGES, type SpecProblemMessageId } from '../util/spec-problems.js';

/**
 * `no-adhoc-schema`: in the services folder, validation comes from the spec (the generated router
 * validates requests and responses against it), so building a runtime schema by hand is a second,
 * drifting copy of the spec.
 *
 * Detection is by binding, not by name: identifiers bound to a schema library (imports, `require`,
 * `import()`, aliases and destructuring of those) are tracked through scope analysis, so a local
 * object called `z` or a shadowing parameter is never mistaken for zod. A call whose callee
 * resolves to a builder of such a library is reported once, at the outermost expression of its
 * chain; calls nested inside an already reported schema are not reported again.
 */

interface Library {
  /** Named in the message. */
  name: string;
  /** Does a module specifier belong to the library? */
  module(source: string): boolean;
  /** Members that are the library itself again (`import * as zod` then `zod.z.object`). */
  aliases?: readonly string[];
  /** Does a call of this top-level member build a schema? */
  builds(member: string): boolean;
  /** Members whose call returns a customised library (`Joi.extend(...)`). */
  derives?: readonly string[];
  /** DTO classes: a property decorated with one of its exports is a schema. */
  decorators?: true;
}

function except(...names: string[]): (member: string) => boolean {
  const set = new Set(names);
  return (member) => !set.has(member);
}

const exactly =
  (...names: string[]) =>
  (source: string) =>
    names.includes(source);

/** Helpers of each library that read, run or configure schemas without building one. */
const LIBRARIES: readonly Library[] = [
  {
    name: 'zod',
    module: (source) =>
      source === 'zod' || source.startsWith('zod/') || source === '@zod/mini' || source === '@zod/core',
    aliases: ['z'],
    builds: except(
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
    ),
  },
  {
    name: 'yup',
    module: exactly('yup'),
    builds: except('reach', 'addMethod', 'setLocale', 'isSchema', 'ref', 'getIn', 'printValue', 'defaultLocale'),
  },
  {
    name: 'joi',
    module: exactly('joi', '@hapi/joi'),
    aliases: ['Joi'],
    builds: except(
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
      'extend',
      'defaults',
      'cache',
      'checkPreferences',
      'override',
      'version',
    ),
    derives: ['extend', 'defaults'],
  },
  {
    name: 'valibot',
    module: exactly('valibot'),
    builds: except(
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
    ),
  },
  {
    name: '@sinclair/typebox',
    module: exactly('@sinclair/typebox', '@sinclair/typebox/type', 'typebox', 'typebox/type'),
    aliases: ['Type'],
    builds: except(
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
    ),
  },
  {
    name: 'arktype',
    module: exactly('arktype'),
    builds: except('define', 'configure', 'regex', 'keywords', 'ark'),
  },
  {
    name: 'superstruct',
    module: exactly('superstruct'),
    builds: except('assert', 'is', 'validate', 'create', 'mask'),
  },
  {
    name: 'io-ts',
    module: (source) =>
      source === 'io-ts' ||
      (source.startsWith('io-ts/') &&
        !/^io-ts\/(lib\/|es6\/)?(PathReporter|ThrowReporter|Reporter)(\.js)?$/.test(source)),
    builds: except(
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
    ),
  },
  {
    name: 'runtypes',
    module: exactly('runtypes'),
    builds: except('Contract', 'AsyncContract', 'checked', 'check', 'Failcode'),
  },
  {
    name: 'class-validator',
    module: exactly('class-validator'),
    builds: (member) => member === 'registerSchema',
    decorators: true,
  },
  {
    name: 'class-transformer',
    module: exactly('class-transformer'),
    builds: () => false,
    decorators: true,
  },
];

const MENTIONS_A_LIBRARY =
  /zod|yup|joi|valibot|typebox|arktype|superstruct|io-ts|runtypes|class-validator|class-transformer/;

function libraryOf(source: string): Library | undefined {
  return LIBRARIES.find((library) => library.module(source));
}

/**
 * What an expression is, seen from a schema library: the library itself (path `[]`), one of its
 * members (`['object']`), or a value derived from calling one (`['object', CALL, 'strict']`).
 */
interface LibraryRef {
  library: Library;
  path: readonly string[];
}

const CALL = '()';
const ANY = '[]';

/** The path with re-exports of the library itself (`zod.z`, `default`) taken off. */
function membersOf(ref: LibraryRef): readonly string[] {
  let members = ref.path;
  while (members[0] === 'default' || (members[0] !== undefined && ref.library.aliases?.includes(members[0]))) {
    members = members.slice(1);
  }
  return members;
}

/** A call of `ref` builds a schema: its first member is a builder of the library. */
function buildsSchema(ref: LibraryRef): boolean {
  const first = membersOf(ref)[0];
  return first !== undefined && first !== CALL && first !== ANY && !/Errors?$/.test(first) && ref.library.builds(first);
}

type Expression = TSESTree.Node;

function propertyName(
  node: TSESTree.MemberExpression | TSESTree.Property | TSESTree.PropertyDefinition,
): string | undefined {
  return propertyKeyName(node.type === AST_NODE_TYPES.MemberExpression ? node.property : node.key, node.computed);
}

// ---------------------------------------------------------------------------------------------
// Names and the spec's models

/** `userSchema`, `UserCreateDto`, `USER_SCHEMA`, `CreateUserValidator` → the model names they may mean. */
function modelCandidates(name: string): string[] {
  let base = name.replace(/^#/, '');
  for (;;) {
    const stripped = base.replace(/[_-]?(?:schema|validator|dto)$/i, '');
    if (stripped === base || stripped === '') break;
    base = stripped;
  }
  const pascal = base
    .split(/[_\-\s]+/)
    .filter((part) => part !== '')
    .map((part) =>
      part.length > 1 && part === part.toUpperCase() ? part.charAt(0) + part.slice(1).toLowerCase() : part,
    )
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  if (pascal === '') return [];
  const candidates = [pascal];
  const verb = /^(Create|Update)([A-Z].*)$/.exec(pascal);
  if (verb) candidates.push(`${verb[2]}${verb[1]}`);
  return candidates;
}

const lowerCased = new WeakMap<ReadonlyMap<string, string>, Map<string, string>>();

/** The spec model a schema or class name stands for, matched exactly first, then ignoring case. */
function modelFor(name: string | undefined, modelTypes: ReadonlyMap<string, string>): string | undefined {
  if (name === undefined) return undefined;
  const candidates = modelCandidates(name);
  const exact = candidates.find((candidate) => modelTypes.has(candidate));
  if (exact !== undefined) return exact;
  let lower = lowerCased.get(modelTypes);
  if (!lower) {
    lower = new Map([...modelTypes.keys()].map((model) => [model.toLowerCase(), model]));
    lowerCased.set(modelTypes, lower);
  }
  for (const candidate of candidates) {
    const model = lower.get(candidate.toLowerCase());
    if (model !== undefined) return model;
  }
  return undefined;
}

/** The name a schema expression is given: `const UserSchema = …`, `{ User: … }`, `this.schema = …`. */
function nameOf(expression: TSESTree.Node): string | undefined {
  let node = expression;
  let parent = node.parent;
  while (
    parent &&
    (unwrapOnce(parent) === node ||
      (parent.type === AST_NODE_TYPES.MemberExpression && parent.object === node) ||
      (parent.type === AST_NODE_TYPES.CallExpression && parent.callee === node))
  ) {
    node = parent;
    parent = node.parent;
  }
  if (!parent) return undefined;
  switch (parent.type) {
    case AST_NODE_TYPES.VariableDeclarator:
      return parent.init === node && parent.id.type === AST_NODE_TYPES.Identifier ? parent.id.name : undefined;
    case AST_NODE_TYPES.AssignmentExpression:
      if (parent.right !== node) return undefined;
      if (parent.left.type === AST_NODE_TYPES.Identifier) return parent.left.name;
      return parent.left.type === AST_NODE_TYPES.MemberExpression ? propertyName(parent.left) : undefined;
    case AST_NODE_TYPES.Property:
    case AST_NODE_TYPES.PropertyDefinition:
      return parent.value === node ? propertyName(parent) : undefined;
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------

type Options = [{ allow?: string[] }];
type MessageIds =
  'adhocSchema' | 'adhocSchemaForModel' | 'decoratedDto' | 'decoratedDtoForModel' | SpecProblemMessageId;

export default createRule<Options, MessageIds>({
  name: 'no-adhoc-schema',
  meta: {
    type: 'problem',
    docs: {
      description:
        'Disallow building runtime validation schemas (zod, yup, joi, class-validator DTOs, ...) in the services folder: validation comes from the spec',
      recommended: true,
      requiresSpec: true,
    },
    messages: {
      ...SPEC_PROBLEM_MESSAGES,
      adhocSchema:
        'Ad-hoc {{library}} schema in {{services}}/: validation comes from the spec. Declare this shape in the spec and use the generated types ({{models}}) and router, which validates requests for you.',
      adhocSchemaForModel:
        'Ad-hoc {{library}} schema `{{name}}` in {{services}}/: the spec already defines `{{model}}`. Import `{{type}}` from the generated models ({{models}}) and let the generated router validate.',
      decoratedDto:
        '{{library}} DTO class{{named}} in {{services}}/: validation comes from the spec. Declare this shape in the spec and use the generated types ({{models}}) and router, which validates requests for you.',
      decoratedDtoForModel:
        '{{library}} DTO class `{{name}}` in {{services}}/: the spec already defines `{{model}}`. Import `{{type}}` from the generated models ({{models}}) and let the generated router validate.',
    },
    schema: allowOptionSchema('ad-hoc schemas'),
  },
  defaultOptions: [{ allow: [] }],
  create(context, [options]) {
    const view = projectView(context.filename);
    if (!view || view.area !== 'services') return {};
    if (view.matches([...ALWAYS_EXEMPT, ...view.ir.project.lint.allowAdhocSchemas, ...(options.allow ?? [])]))
      return {};
    reportSpecProblems(context, view);
    // Every library this rule knows is imported by a module name containing one of these words; a
    // file that mentions none of them cannot build a schema, and skips the AST work entirely.
    if (!MENTIONS_A_LIBRARY.test(context.sourceCode.text)) return {};

    const { sourceCode } = context;
    const modelTypes = view.index.modelTypes;
    const common = {
      services: view.ir.project.servicesDir,
      models: path.posix.join(view.ir.project.outputDir, `${MODELS_MODULE}.ts`),
    };

    /** Variables bound to a library (or to one of its members), by scope analysis. */
    const bound = new Map<TSESLint.Scope.Variable, LibraryRef>();
    const imports: (TSESTree.ImportDeclaration | TSESTree.TSImportEqualsDeclaration)[] = [];
    const declarators: TSESTree.VariableDeclarator[] = [];
    const calls: (TSESTree.CallExpression | TSESTree.NewExpression)[] = [];
    const classes: (TSESTree.ClassDeclaration | TSESTree.ClassExpression)[] = [];
    /** Whether the file mentions a library at all; when not, nothing else is looked at. */
    let mentionsLibrary = false;

    function resolve(expression: Expression): LibraryRef | undefined {
      const node = unwrap(expression);
      switch (node.type) {
        case AST_NODE_TYPES.Identifier: {
          const variable = findVariable(sourceCode.getScope(node), node);
          return variable ? bound.get(variable) : undefined;
        }
        case AST_NODE_TYPES.MemberExpression: {
          const object = resolve(node.object);
          return object && { library: object.library, path: [...object.path, propertyName(node) ?? ANY] };
        }
        case AST_NODE_TYPES.ImportExpression: {
          const library = libraryOf(stringLiteral(node.source) ?? '');
          return library && { library, path: [] };
        }
        case AST_NODE_TYPES.CallExpression: {
          if (isGlobalRequire(node.callee, sourceCode)) {
            const library = libraryOf(stringLiteral(node.arguments[0]) ?? '');
            return library && { library, path: [] };
          }
          const callee = resolve(node.callee);
          if (!callee) return undefined;
          const members = membersOf(callee);
          if (members.length === 1 && callee.library.derives?.includes(members[0]!))
            return { library: callee.library, path: [] };
          return { library: callee.library, path: [...callee.path, CALL] };
        }
        default:
          return undefined;
      }
    }

    function bindPattern(
      pattern: TSESTree.Node,
      ref: LibraryRef,
      declared: readonly TSESLint.Scope.Variable[],
    ): boolean {
      switch (pattern.type) {
        case AST_NODE_TYPES.Identifier: {
          const variable = declared.find((candidate) => candidate.identifiers.includes(pattern));
          if (!variable || bound.has(variable)) return false;
          bound.set(variable, ref);
          return true;
        }
        case AST_NODE_TYPES.AssignmentPattern:
          return bindPattern(pattern.left, ref, declared);
        case AST_NODE_TYPES.ObjectPattern: {
          let changed = false;
          for (const property of pattern.properties) {
            if (property.type !== AST_NODE_TYPES.Property) continue;
            const key = propertyName(property);
            if (key === undefined) continue;
            changed =
              bindPattern(property.value, { library: ref.library, path: [...ref.path, key] }, declared) || changed;
          }
          return changed;
        }
        default:
          return false;
      }
    }

    function bindImports(): void {
      for (const node of imports) {
        if (node.importKind === 'type') continue;
        if (node.type === AST_NODE_TYPES.TSImportEqualsDeclaration) {
          if (node.moduleReference.type !== AST_NODE_TYPES.TSExternalModuleReference) continue;
          const library = libraryOf(stringLiteral(node.moduleReference.expression) ?? '');
          const variable = library && sourceCode.getDeclaredVariables(node)[0];
          if (library && variable) bound.set(variable, { library, path: [] });
          continue;
        }
        const library = libraryOf(node.source.value);
        if (!library) continue;
        for (const specifier of node.specifiers) {
          if (specifier.type === AST_NODE_TYPES.ImportSpecifier && specifier.importKind === 'type') continue;
          const variable = sourceCode.getDeclaredVariables(specifier)[0];
          if (!variable) continue;
          const path =
            specifier.type === AST_NODE_TYPES.ImportSpecifier
              ? [
                  specifier.imported.type === AST_NODE_TYPES.Identifier
                    ? specifier.imported.name
                    : specifier.imported.value,
                ]
              : [];
          bound.set(variable, { library, path });
        }
      }
    }

    /** `const z = require('zod')`, `const { object } = z`, `const J = Joi.extend(...)`, to a fixed point. */
    function bindDeclarators(): void {
      let pending = declarators;
      for (let changed = true; changed && pending.length > 0;) {
        changed = false;
        const next: TSESTree.VariableDeclarator[] = [];
        for (const declarator of pending) {
          const ref = declarator.init ? resolve(declarator.init) : undefined;
          // Only the library and its members: a schema stored in a variable is a value, not a builder.
          if (ref && !ref.path.includes(CALL)) {
            changed = bindPattern(declarator.id, ref, sourceCode.getDeclaredVariables(declarator)) || changed;
          } else {
            next.push(declarator);
          }
        }
        pending = next;
      }
    }

    /** The callee of the first builder call of a chain (`z.object` in `z.object({}).strict()`), for the report's range. */
    function builderCallee(node: TSESTree.CallExpression | TSESTree.NewExpression): TSESTree.Node {
      let found: TSESTree.Node = node.callee;
      let current: TSESTree.Node = node;
      while (current.type === AST_NODE_TYPES.CallExpression || current.type === AST_NODE_TYPES.NewExpression) {
        const ref = resolve(current.callee);
        if (ref && !ref.path.includes(CALL) && buildsSchema(ref)) found = current.callee;
        const callee = unwrap(current.callee);
        if (callee.type !== AST_NODE_TYPES.MemberExpression) break;
        current = unwrap(callee.object);
      }
      return found;
    }

    function reportCalls(): void {
      let last: TSESTree.Node | undefined;
      for (const call of calls) {
        if (last && call.range[0] >= last.range[0] && call.range[1] <= last.range[1]) continue;
        const ref = resolve(call.callee);
        if (!ref || !buildsSchema(ref)) continue;
        last = call;
        const name = nameOf(call);
        const model = modelFor(name, modelTypes);
        const loc = { start: call.loc.start, end: builderCallee(call).loc.end };
        if (name !== undefined && model !== undefined) {
          context.report({
            node: call,
            loc,
            messageId: 'adhocSchemaForModel',
            data: { ...common, library: ref.library.name, name, model, type: modelTypes.get(model) ?? model },
          });
        } else {
          context.report({ node: call, loc, messageId: 'adhocSchema', data: { ...common, library: ref.library.name } });
        }
      }
    }

    function decoratorLibrary(decorator: TSESTree.Decorator): Library | undefined {
      const expression = unwrap(decorator.expression);
      const ref = resolve(expression.type === AST_NODE_TYPES.CallExpression ? expression.callee : expression);
      return ref?.library.decorators ? ref.library : undefined;
    }

    function reportClasses(): void {
      for (const node of classes) {
        const found = new Set<Library>();
        for (const member of node.body.body) {
          const decorated =
            member.type === AST_NODE_TYPES.PropertyDefinition ||
            member.type === AST_NODE_TYPES.AccessorProperty ||
            member.type === AST_NODE_TYPES.TSAbstractPropertyDefinition ||
            member.type === AST_NODE_TYPES.TSAbstractAccessorProperty ||
            (member.type === AST_NODE_TYPES.MethodDefinition && (member.kind === 'get' || member.kind === 'set'));
          if (!decorated) continue;
          for (const decorator of member.decorators) {
            const library = decoratorLibrary(decorator);
            if (library) found.add(library);
          }
        }
        if (found.size === 0) continue;
        const library = LIBRARIES.filter((candidate) => found.has(candidate))
          .map((candidate) => candidate.name)
          .join(' / ');
        const name = node.id?.name ?? (node.type === AST_NODE_TYPES.ClassExpression ? nameOf(node) : undefined);
        const model = modelFor(name, modelTypes);
        const reported = node.id ?? sourceCode.getFirstToken(node, (token) => token.value === 'class') ?? node;
        if (name !== undefined && model !== undefined) {
          context.report({
            node,
            loc: reported.loc,
            messageId: 'decoratedDtoForModel',
            data: { ...common, library, name, model, type: modelTypes.get(model) ?? model },
          });
        } else {
          context.report({
            node,
            loc: reported.loc,
            messageId: 'decoratedDto',
            data: { ...common, library, named: name === undefined ? '' : ` \`${name}\`` },
          });
        }
      }
    }

    return {
      ImportDeclaration(node) {
        imports.push(node);
        if (libraryOf(node.source.value)) mentionsLibrary = true;
      },
      TSImportEqualsDeclaration(node) {
        imports.push(node);
        if (
          node.moduleReference.type === AST_NODE_TYPES.TSExternalModuleReference &&
          libraryOf(stringLiteral(node.moduleReference.expression) ?? '')
        ) {
          mentionsLibrary = true;
        }
      },
      ImportExpression(node) {
        if (libraryOf(stringLiteral(node.source) ?? '')) mentionsLibrary = true;
      },
      VariableDeclarator(node) {
        if (node.init) declarators.push(node);
      },
      CallExpression(node) {
        calls.push(node);
        if (
          node.callee.type === AST_NODE_TYPES.Identifier &&
          node.callee.name === 'require' &&
          libraryOf(stringLiteral(node.arguments[0]) ?? '')
        ) {
          mentionsLibrary = true;
        }
      },
      NewExpression(node) {
        calls.push(node);
      },
      'ClassDeclaration, ClassExpression'(node: TSESTree.ClassDeclaration | TSESTree.ClassExpression) {
        classes.push(node);
      },
      'Program:exit'() {
        if (!mentionsLibrary) return;
        bindImports();
        bindDeclarators();
        reportCalls();
        reportClasses();
      },
    };
  },
});
