/** What init tells a person to run after a failed step: what is left, in an order that works by hand. */
import { describe, expect, it } from 'vitest';
import { commandsLeft } from '../src/commands/init.js';

const ALL = [
  { step: 'sync', command: 'pnpm sync' },
  { step: 'git init', command: 'git init' },
  { step: 'install', command: 'pnpm install --prefer-offline' },
  { step: 'verify', command: 'pnpm exec specfirst sync --check' },
  { step: 'commit', command: 'git add -A && git commit -m "..."' },
] as const;

describe('the commands left after a failed step', () => {
  it.each([
    // By hand, `pnpm sync` runs the project's own specfirst: the install comes before it.
    [
      'sync fails: the install first',
      'sync',
      ALL,
      [
        'git init',
        'pnpm install --prefer-offline',
        'pnpm sync',
        'pnpm exec specfirst sync --check',
        'git add -A && git commit -m "..."',
      ],
    ],
    [
      'git init fails',
      'git init',
      ALL,
      [
        'git init',
        'pnpm install --prefer-offline',
        'pnpm exec specfirst sync --check',
        'git add -A && git commit -m "..."',
      ],
    ],
    [
      'the install fails',
      'install',
      ALL,
      ['pnpm install --prefer-offline', 'pnpm exec specfirst sync --check', 'git add -A && git commit -m "..."'],
    ],
    ['the commit fails', 'commit', ALL, ['git add -A && git commit -m "..."']],
    // --no-install --no-git: the sync is all there is.
    ['sync fails with --no-install --no-git', 'sync', ALL.slice(0, 1), ['pnpm sync']],
    // --no-git: no repository, no commit.
    [
      'the install fails with --no-git',
      'install',
      ALL.filter((s) => s.step !== 'git init' && s.step !== 'commit'),
      ['pnpm install --prefer-offline', 'pnpm exec specfirst sync --check'],
    ],
  ] as const)('%s', (_case, failed, planned, expected) => {
    expect(commandsLeft(planned, failed)).toEqual(expected);
  });
});
