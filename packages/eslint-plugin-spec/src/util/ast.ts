/**
 * The few runtime values the rules need from typescript-eslint, from its light entry points: the
 * whole `@typescript-eslint/utils` costs a lint run about 0.15 s to import, for nothing the rules use.
 */
import type { TSESLint } from '@typescript-eslint/utils';

export { AST_NODE_TYPES } from '@typescript-eslint/types';
export { findVariable } from '@typescript-eslint/utils/ast-utils';

/** The kinds of definition the rules tell apart (the string values of scope-manager's enum). */
export const DefinitionType = {
  ClassName: 'ClassName',
  FunctionName: 'FunctionName',
  ImportBinding: 'ImportBinding',
  Parameter: 'Parameter',
  Variable: 'Variable',
} as unknown as Pick<typeof TSESLint.Scope.DefinitionType, 'ClassName' | 'FunctionName' | 'ImportBinding' | 'Parameter' | 'Variable'>;
