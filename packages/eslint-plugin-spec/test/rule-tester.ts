import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuleTester } from '@typescript-eslint/rule-tester';
import { afterAll, describe, it } from 'vitest';

// typescript-eslint's RuleTester runs on Vitest's hooks.
RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** The shop fixture: services/ and generated/ under it are what the rules watch. */
export const SHOP = fileURLToPath(new URL('../../../fixtures/shop/', import.meta.url));

/** An absolute file name inside the shop project (it need not exist: rules read only the spec). */
export function shopFile(relative: string): string {
  return path.join(SHOP, relative);
}

export function ruleTester(): RuleTester {
  return new RuleTester();
}
