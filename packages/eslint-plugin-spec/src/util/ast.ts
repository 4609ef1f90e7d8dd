/**
 * The few runtime values the rules need from typescript-eslint, from its light entry points: the
 * whole `@typescript-eslint/utils` costs a lint run about 0.15 s to import, for nothing the rules use.
 */
import { AST_NODE_TYPES as T } from '@typescript-eslint/types';
import type { TSESLint, TSESTree } from '@typescript-eslint/utils';
import { findVariable } from '@typescript-eslint/utils/ast-utils';

export { AST_NODE_TYPES } from '@typescript-eslint/types';
export { findVariable };

/** The kinds of definition the rules tell apart (the string values of scope-manager's enum). */
export const DefinitionType = {
  ClassName: 'ClassName',
  FunctionName: 'FunctionName',
  ImportBinding: 'ImportBinding',
  Parameter: 'Parameter',
  Variable: 'Variable',
} as unknown as Pick<
  typeof TSESLint.Scope.DefinitionType,
  'ClassName' | 'FunctionName' | 'ImportBinding' | 'Parameter' | 'Variable'
>;

// ---------------------------------------------------------------------------------------------
// Helpers the rules share: one copy each.

/**
 * The expression a wrapper stands for, one level: `x as T`, `<T>x`, `x satisfies T`, `x!`, `f<T>`
 * (an instantiation expression), `await x` and the chain around `a?.b`. Undefined for any other node.
 */
export function unwrapOnce(node: TSESTree.Node): TSESTree.Node | undefined {
  switch (node.type) {
    case T.TSAsExpression:
    case T.TSSatisfiesExpression:
    case T.TSNonNullExpression:
    case T.TSTypeAssertion:
    case T.TSInstantiationExpression:
    case T.ChainExpression:
      return node.expression;
    case T.AwaitExpression:
      return node.argument;
    default:
      return undefined;
  }
}

/** What the rules take an expression for: {@link unwrapOnce} until no wrapper is left (`(x as T)!` is `x`). */
export function unwrap(node: TSESTree.Node): TSESTree.Node {
  let current = node;
  for (let inner = unwrapOnce(current); inner !== undefined; inner = unwrapOnce(current)) current = inner;
  return current;
}

/** A string known without running the code: `'x'`, `"x"` or `` `x` `` (a template without substitutions). */
export function stringLiteral(node: TSESTree.Node | null | undefined): string | undefined {
  if (node?.type === T.Literal && typeof node.value === 'string') return node.value;
  if (node?.type === T.TemplateLiteral && node.expressions.length === 0)
    return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/**
 * The name of a property key when it is known statically: `name` (not computed), `#name` (a
 * private name, with its `#`, so it never equals the public `name`), `'name'` or `['name']` or
 * `` [`name`] ``. Undefined for computed keys of other kinds (`[key]`) and for numbers.
 */
export function propertyKeyName(key: TSESTree.Node, computed: boolean): string | undefined {
  if (!computed && key.type === T.Identifier) return key.name;
  if (key.type === T.PrivateIdentifier) return `#${key.name}`;
  return stringLiteral(key);
}

/** `x.name`, `x['name']`, `` x[`name`] ``, `this.#name`: the member a member expression reads. */
export function memberName(node: TSESTree.MemberExpression): string | undefined {
  return propertyKeyName(node.property, node.computed);
}

/**
 * The module and the export an import binding stands for: `exported` is `default`, `*` (a
 * namespace import, or `import x = require('m')`) or the imported name. Type-only imports
 * (`import type`, `import { type X }`, `import type x = require()`) count only when `types` is set.
 */
export function importedFrom(
  def: TSESLint.Scope.Definition,
  options: { types: boolean },
): { source: string; exported: string } | undefined {
  if (def.type !== DefinitionType.ImportBinding) return undefined;
  const node = def.node;
  if (node.type === T.TSImportEqualsDeclaration) {
    if (node.importKind === 'type' && !options.types) return undefined;
    const ref = node.moduleReference;
    if (ref.type !== T.TSExternalModuleReference || typeof ref.expression.value !== 'string') return undefined;
    return { source: ref.expression.value, exported: '*' };
  }
  const declaration = node.parent;
  if (declaration.type !== T.ImportDeclaration) return undefined;
  if (
    !options.types &&
    (declaration.importKind === 'type' || (node.type === T.ImportSpecifier && node.importKind === 'type'))
  )
    return undefined;
  const source = declaration.source.value;
  switch (node.type) {
    case T.ImportDefaultSpecifier:
      return { source, exported: 'default' };
    case T.ImportNamespaceSpecifier:
      return { source, exported: '*' };
    case T.ImportSpecifier:
      return { source, exported: node.imported.type === T.Identifier ? node.imported.name : node.imported.value };
    default:
      return undefined;
  }
}

/** `require` as Node.js gives it: the identifier `require` bound nowhere in the file (no local function or import of that name). */
export function isGlobalRequire(node: TSESTree.Node, sourceCode: Readonly<TSESLint.SourceCode>): boolean {
  if (node.type !== T.Identifier || node.name !== 'require') return false;
  const variable = findVariable(sourceCode.getScope(node), node);
  return variable === null || variable.defs.length === 0;
}
