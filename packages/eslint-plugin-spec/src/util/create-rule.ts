import type { TSESLint } from '@typescript-eslint/utils';

/** Extra metadata our rules carry: which shared configs turn them on. */
export interface SpecRuleDocs {
  description: string;
  /** In `recommended` (and therefore `strict`). */
  recommended?: boolean;
  /** In `strict` only, when not recommended. */
  strict?: boolean;
  /** The rule reads the IR (the spec's models, services and tags), not only file paths. */
  requiresSpec?: boolean;
}

type Meta<M extends string, O extends readonly unknown[]> = Omit<TSESLint.RuleMetaData<M, SpecRuleDocs, O>, 'docs'> & {
  docs: SpecRuleDocs;
};

interface RuleDefinition<O extends readonly unknown[], M extends string> {
  name: string;
  meta: Meta<M, O>;
  defaultOptions: O;
  create(context: Readonly<TSESLint.RuleContext<M, O>>, options: O): TSESLint.RuleListener;
}

/** Every rule's documentation lives next to the code: `packages/eslint-plugin-spec/docs/rules/<name>.md`. */
export function docsUrl(name: string): string {
  return `https://github.com/specfirst/specfirst/blob/main/packages/eslint-plugin-spec/docs/rules/${name}.md`;
}

/**
 * A rule with its docs URL, and the user's options laid over the defaults (objects merged one
 * level deep, as all our options are). typescript-eslint's RuleCreator does the same, but importing
 * it loads the whole of `@typescript-eslint/utils`.
 */
export function createRule<O extends readonly unknown[], M extends string>(
  rule: RuleDefinition<O, M>,
): TSESLint.RuleModule<M, O, SpecRuleDocs> & { name: string } {
  return {
    name: rule.name,
    meta: { ...rule.meta, docs: { ...rule.meta.docs, url: docsUrl(rule.name) } },
    defaultOptions: rule.defaultOptions,
    create(context) {
      const options = rule.defaultOptions.map((fallback, i) => {
        const given: unknown = context.options[i];
        if (given === undefined) return fallback;
        return isPlainObject(fallback) && isPlainObject(given) ? { ...fallback, ...given } : given;
      }) as unknown as O;
      return rule.create(context, options);
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The options schema of the services rules: `[{ allow?: string[] }]`, extra globs where the rule stands down. */
export function allowOptionSchema(
  what: string,
): TSESLint.RuleMetaData<string, SpecRuleDocs, readonly unknown[]>['schema'] {
  return [
    {
      type: 'object',
      properties: {
        allow: {
          type: 'array',
          items: { type: 'string' },
          uniqueItems: true,
          description: `Extra globs, relative to the project root, where ${what} are allowed.`,
        },
      },
      additionalProperties: false,
    },
  ];
}
