import type { TSESTree } from '@typescript-eslint/utils';
import { allowOptionSchema, createRule } from '../util/create-rule.js';
import { ALWAYS_EXEMPT, projectView } from '../util/project.js';
import { reportSpecProblems, SPEC_PROBLEM_MESSAGES, type SpecProblemMessageId } from '../util/spec-problems.js';

type Options = [{ allow?: string[] }];
type MessageIds = 'shadowsModel' | SpecProblemMessageId;

/**
 * A type, interface or class in services/ named like a spec model or variant is a second source
 * of truth that drifts: the generated type is the one the router validates against.
 */
export default createRule<Options, MessageIds>({
  name: 'no-shadow-model',
  meta: {
    type: 'problem',
    docs: {
      description: 'Forbid declaring types named like spec models instead of importing the generated ones',
      recommended: true,
      requiresSpec: true,
    },
    messages: {
      ...SPEC_PROBLEM_MESSAGES,
      shadowsModel:
        '`{{name}}` is a model of the spec: import the generated type (`import type { {{type}} } from` the generated models.ts) instead of declaring another one that can drift from it',
    },
    schema: allowOptionSchema('such declarations'),
  },
  defaultOptions: [{}],
  create(context, [options]) {
    const view = projectView(context.filename);
    if (view?.area !== 'services' || view.matches([...ALWAYS_EXEMPT, ...(options.allow ?? [])])) return {};
    reportSpecProblems(context, view);
    const types = view.index.modelTypes;
    const check = (id: TSESTree.Identifier | null | undefined): void => {
      if (!id) return;
      const type = types.get(id.name);
      if (type !== undefined) context.report({ node: id, messageId: 'shadowsModel', data: { name: id.name, type } });
    };
    return {
      TSTypeAliasDeclaration: (node) => check(node.id),
      TSInterfaceDeclaration: (node) => check(node.id),
      ClassDeclaration: (node) => check(node.id),
      TSEnumDeclaration: (node) => check(node.id),
    };
  },
});
