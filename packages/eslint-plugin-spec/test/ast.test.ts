import { parse } from '@typescript-eslint/parser';
import type { TSESTree } from '@typescript-eslint/utils';
import { describe, expect, it } from 'vitest';
import { memberName, propertyKeyName, stringLiteral, unwrap } from '../src/util/ast.js';

/** The expression of `const x = <code>;` (inside an async function, so `await` parses), and the source to read ranges from. */
function expression(code: string): { node: TSESTree.Node; text: (node: TSESTree.Node) => string } {
  const source = `async function f() { const x = ${code}; }`;
  const program = parse(source, { range: true });
  const fn = program.body[0] as TSESTree.FunctionDeclaration;
  const declaration = fn.body.body[0] as TSESTree.VariableDeclaration;
  return { node: declaration.declarations[0]!.init!, text: (node) => source.slice(node.range[0], node.range[1]) };
}

describe('unwrap', () => {
  it.each([
    // Each wrapper that one of the two old copies knew, alone.
    ['router as Router', 'router'],
    ['<Router>router', 'router'],
    ['router satisfies Router', 'router'],
    ['router!', 'router'],
    ['factory<Router>', 'factory'],
    ['await load()', 'load()'],
    ['a?.b', 'a?.b'],
    // Nested, in any order.
    ['(await (router as unknown))!', 'router'],
    ['(router! as Router) satisfies Router', 'router'],
    ['(a?.b)! as T', 'a?.b'],
    // Not wrappers: the node itself.
    ['router', 'router'],
    ['express.Router()', 'express.Router()'],
    ['(router)', 'router'],
    ['[router as Router]', '[router as Router]'],
    ['!router', '!router'],
  ])('%s is %s', (code, expected) => {
    const { node, text } = expression(code);
    expect(text(unwrap(node))).toBe(expected);
  });

  it('keeps the chain when it unwraps `a?.b`', () => {
    expect(unwrap(expression('a?.b').node).type).toBe('MemberExpression');
    expect(unwrap(expression('a?.()').node).type).toBe('CallExpression');
  });
});

describe('stringLiteral', () => {
  it.each([
    ["'express'", 'express'],
    ['"express"', 'express'],
    ['`express`', 'express'],
    ['`/users/${id}`', undefined],
    ['42', undefined],
    ['name', undefined],
  ])('%s is %s', (code, expected) => {
    expect(stringLiteral(expression(code).node)).toBe(expected);
  });
});

describe('propertyKeyName and memberName', () => {
  it.each([
    ['{ name: 1 }', 'name'],
    ["{ 'name': 1 }", 'name'],
    ["{ ['name']: 1 }", 'name'],
    ['{ [`name`]: 1 }', 'name'],
    ['{ [name]: 1 }', undefined],
    ['{ 42: 1 }', undefined],
  ])('the key of %s is %s', (code, expected) => {
    const property = (expression(code).node as TSESTree.ObjectExpression).properties[0] as TSESTree.Property;
    expect(propertyKeyName(property.key, property.computed)).toBe(expected);
  });

  it.each([
    ['a.name', 'name'],
    ["a['name']", 'name'],
    ['a[`name`]', 'name'],
    ['a[name]', undefined],
    ['a[0]', undefined],
  ])('%s reads %s', (code, expected) => {
    expect(memberName(expression(code).node as TSESTree.MemberExpression)).toBe(expected);
  });

  it('names a private member with its #, so it is never taken for the public one', () => {
    const source = 'class C { #router = 1; router = 2; m() { return this.#router; } }';
    const program = parse(source, { range: true });
    const body = (program.body[0] as TSESTree.ClassDeclaration).body.body;
    const [privateField, publicField, method] = body as [
      TSESTree.PropertyDefinition,
      TSESTree.PropertyDefinition,
      TSESTree.MethodDefinition,
    ];
    expect(propertyKeyName(privateField.key, privateField.computed)).toBe('#router');
    expect(propertyKeyName(publicField.key, publicField.computed)).toBe('router');
    const read = (method.value.body!.body[0] as TSESTree.ReturnStatement).argument as TSESTree.MemberExpression;
    expect(memberName(read)).toBe('#router');
  });
});
