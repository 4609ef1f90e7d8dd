import { shopFile } from './rule-tester.js';

/** The reports `no-adhoc-schema` makes, for RuleTester's `errors`, in the shop fixture. */

/** A hand-written service file: where the rule applies. */
export const service = shopFile('services/users/src/users.ts');

const common = { services: 'services', models: 'generated/models.ts' };

/** A schema built with `library` that points at no spec model. */
export function adhoc(
  library: string,
  position: { line?: number; column?: number; endLine?: number; endColumn?: number } = {},
) {
  return { messageId: 'adhocSchema' as const, data: { ...common, library }, ...position };
}

/** A schema named `name`, built with `library`, where the spec already defines `model`. */
export function forModel(
  library: string,
  name: string,
  model: string,
  position: { line?: number; column?: number } = {},
) {
  return {
    messageId: 'adhocSchemaForModel' as const,
    data: { ...common, library, name, model, type: model },
    ...position,
  };
}

/** A DTO class (named `name`, when it has one) decorated by `library`. */
export function dto(
  library: string,
  name?: string,
  position: { line?: number; column?: number; endLine?: number; endColumn?: number } = {},
) {
  return {
    messageId: 'decoratedDto' as const,
    data: { ...common, library, named: name === undefined ? '' : ` \`${name}\`` },
    ...position,
  };
}

/** A DTO class named `name`, decorated by `library`, where the spec already defines `model`. */
export function dtoForModel(library: string, name: string, model: string) {
  return { messageId: 'decoratedDtoForModel' as const, data: { ...common, library, name, model, type: model } };
}
