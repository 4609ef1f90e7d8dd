import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import rule from '../src/rules/generated-in-sync.js';
import { ruleTester, SHOP } from './rule-tester.js';

/**
 * Real synced projects (the rule reads the manifest and the spec from disk): one current, one
 * whose spec changed after the sync. Set up before the cases are declared, as RuleTester needs.
 */
const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(HERE, '../../cli/bin/specfirst.js');

function synced(name: string): string {
  const root = path.join(HERE, '.out', name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  cpSync(SHOP, root, { recursive: true, filter: (source) => path.basename(source) !== 'generated' });
  execFileSync(process.execPath, [CLI, 'sync'], { cwd: root, stdio: 'pipe' });
  return root;
}

const current = synced('gen-current');
const stale = synced('gen-stale');
const models = path.join(stale, 'spec/models.yaml');
writeFileSync(
  models,
  readFileSync(models, 'utf8').replace('An amount in the smallest unit of a currency.', 'Money, in cents.'),
);

const file = (root: string, relative: string) => ({
  filename: path.join(root, 'generated', relative),
  code: readFileSync(path.join(root, 'generated', relative), 'utf8'),
});

ruleTester().run('generated-in-sync', rule, {
  valid: [
    file(current, 'models.ts'),
    file(current, 'routers/users/users.ts'),
    file(current, 'clients/orders.ts'),
    // Files outside the output folder are not this rule's business.
    { code: 'export const x = 1;', filename: path.join(current, 'services/users/src/x.ts') },
  ],
  invalid: [
    {
      ...file(current, 'models.ts'),
      code: file(current, 'models.ts').code.replace('export interface Address', 'export interface Adress'),
      errors: [{ messageId: 'editedByHand', line: 1 }],
    },
    {
      code: 'export const helper = 1;',
      filename: path.join(current, 'generated/helpers.ts'),
      errors: [{ messageId: 'notGenerated', data: { folder: 'generated' } }],
    },
    { ...file(stale, 'models.ts'), errors: [{ messageId: 'stale' }] },
    { ...file(stale, 'routers/orders/orders.ts'), errors: [{ messageId: 'stale' }] },
  ],
});
