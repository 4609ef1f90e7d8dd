import { describe, expect, it } from 'vitest';
import { OrderingScheduler } from '../../src/events/ordering.js';

type Step = ['add', string, string?] | ['take', string[]] | ['park', string] | ['resume', string] | ['finish', string];

/** Runs `steps` on a scheduler; each `take` step says which ids may start at that point. */
function run(concurrency: number, steps: Step[]): OrderingScheduler<string> {
  const scheduler = new OrderingScheduler<string>(concurrency);
  for (const step of steps) {
    if (step[0] === 'add') scheduler.add(step[1], step[1], step[2]);
    else if (step[0] === 'take') expect(scheduler.take()).toEqual(step[1]);
    else if (step[0] === 'park') scheduler.park(step[1]);
    else if (step[0] === 'resume') scheduler.resume(step[1]);
    else scheduler.finish(step[1]);
  }
  return scheduler;
}

describe('OrderingScheduler', () => {
  it.each<[string, number, Step[]]>([
    [
      'without keys: up to `concurrency` at once, in the order received',
      2,
      [
        ['add', '1'],
        ['add', '2'],
        ['add', '3'],
        ['take', ['1', '2']],
        ['take', []],
        ['finish', '2'],
        ['take', ['3']],
      ],
    ],
    [
      'one key: one at a time, in order, even with free slots',
      4,
      [
        ['add', 'a1', 'a'],
        ['add', 'a2', 'a'],
        ['add', 'a3', 'a'],
        ['take', ['a1']],
        ['finish', 'a1'],
        ['take', ['a2']],
        ['finish', 'a2'],
        ['take', ['a3']],
      ],
    ],
    [
      'other keys go on beside a busy key',
      4,
      [
        ['add', 'a1', 'a'],
        ['add', 'a2', 'a'],
        ['add', 'b1', 'b'],
        ['add', 'x'],
        ['take', ['a1', 'b1', 'x']],
        ['add', 'b2', 'b'],
        ['finish', 'b1'],
        ['take', ['b2']],
      ],
    ],
    [
      'a parked (retrying) entry frees its slot but holds its key',
      1,
      [
        ['add', 'a1', 'a'],
        ['add', 'a2', 'a'],
        ['add', 'b1', 'b'],
        ['take', ['a1']],
        ['park', 'a1'],
        ['take', ['b1']],
        ['finish', 'b1'],
        ['take', []],
        ['resume', 'a1'],
        ['take', ['a1']],
        ['finish', 'a1'],
        ['take', ['a2']],
      ],
    ],
    [
      'a resumed entry runs before later entries of its key and waits for a slot like the others',
      1,
      [
        ['add', 'a1', 'a'],
        ['add', 'x'],
        ['take', ['a1']],
        ['park', 'a1'],
        ['add', 'a2', 'a'],
        ['take', ['x']],
        ['resume', 'a1'],
        ['take', []],
        ['finish', 'x'],
        ['take', ['a1']],
      ],
    ],
    [
      'an entry finished while it waits for an earlier one of its key (stop, a lease lost) holds nothing back',
      4,
      [
        ['add', 'a1', 'a'],
        ['add', 'a2', 'a'],
        ['add', 'a3', 'a'],
        ['take', ['a1']],
        ['finish', 'a2'],
        ['take', []],
        ['finish', 'a1'],
        ['take', ['a3']],
      ],
    ],
    [
      'a parked entry finished (dead-lettered, given up) frees its key',
      1,
      [
        ['add', 'a1', 'a'],
        ['add', 'a2', 'a'],
        ['take', ['a1']],
        ['park', 'a1'],
        ['finish', 'a1'],
        ['take', ['a2']],
      ],
    ],
    [
      'finishing an unknown id changes nothing',
      1,
      [
        ['add', '1'],
        ['finish', 'nope'],
        ['take', ['1']],
        ['take', []],
      ],
    ],
  ])('%s', (_, concurrency, steps) => {
    run(concurrency, steps);
  });

  it('counts what it holds and what runs', () => {
    const scheduler = run(2, [
      ['add', '1', 'k'],
      ['add', '2', 'k'],
      ['add', '3'],
      ['take', ['1', '3']],
      ['park', '1'],
    ]);
    expect(scheduler.size).toBe(3);
    expect(scheduler.running).toBe(1);
    expect(scheduler.has('2')).toBe(true);
    expect([scheduler.state('1'), scheduler.state('2'), scheduler.state('3'), scheduler.state('4')]).toEqual([
      'parked',
      'ready',
      'running',
      undefined,
    ]);
    expect(scheduler.entries().map((e) => `${e.id}:${e.state}`)).toEqual(['1:parked', '2:ready', '3:running']);
  });

  it.each<[string, Step[], { running: number; parked: number; size: number }]>([
    ['a parked entry counts as parked, not running', [['park', '1']], { running: 1, parked: 1, size: 3 }],
    [
      'a resumed entry is no longer parked',
      [
        ['park', '1'],
        ['resume', '1'],
      ],
      { running: 1, parked: 0, size: 3 },
    ],
    [
      'a resumed entry runs again',
      [
        ['park', '1'],
        ['resume', '1'],
        ['take', ['1']],
      ],
      { running: 2, parked: 0, size: 3 },
    ],
    [
      'a finished parked entry is neither parked nor running',
      [
        ['park', '1'],
        ['finish', '1'],
      ],
      { running: 1, parked: 0, size: 2 },
    ],
    ['a finished running entry frees its slot', [['finish', '3']], { running: 1, parked: 0, size: 2 }],
    ['a finished ready entry changes no count but the size', [['finish', '2']], { running: 2, parked: 0, size: 2 }],
  ])('counts: %s', (_, steps, expected) => {
    const scheduler = run(2, [['add', '1', 'k'], ['add', '2', 'k'], ['add', '3'], ['take', ['1', '3']], ...steps]);
    expect({ running: scheduler.running, parked: scheduler.parked, size: scheduler.size }).toEqual(expected);
  });

  it('gives the item of a held entry, and nothing for one it does not hold', () => {
    const scheduler = new OrderingScheduler<{ n: number }>(1);
    scheduler.add('1', { n: 1 });
    expect(scheduler.item('1')).toEqual({ n: 1 });
    expect(scheduler.item('2')).toBeUndefined();
  });

  it('refuses an id it holds already, and moves only entries in the state a move needs', () => {
    const scheduler = run(1, [
      ['add', '1'],
      ['add', '2'],
    ]);
    expect(() => scheduler.add('1', '1')).toThrow(/held already/);
    expect(() => scheduler.park('1')).toThrow(/not running/);
    expect(() => scheduler.resume('2')).toThrow(/not parked/);
    scheduler.take();
    scheduler.park('1');
    scheduler.resume('1');
    expect(scheduler.state('1')).toBe('ready');
    expect(() => scheduler.resume('9')).toThrow('entry 9 is not parked');
    expect(() => scheduler.park('9')).toThrow('entry 9 is not running');
  });
});

describe('OrderingScheduler counts', () => {
  it.each<[string, Step[], { size: number; running: number; parked: number; blocked: number }]>([
    ['nothing held', [], { size: 0, running: 0, parked: 0, blocked: 0 }],
    [
      'later entries of a key are blocked behind the first, running or parked',
      [
        ['add', 'a1', 'a'],
        ['add', 'a2', 'a'],
        ['add', 'a3', 'a'],
        ['add', 'b1', 'b'],
        ['take', ['a1', 'b1']],
        ['park', 'a1'],
      ],
      { size: 4, running: 1, parked: 1, blocked: 2 },
    ],
    [
      'finishing the first unblocks the next',
      [
        ['add', 'a1', 'a'],
        ['add', 'a2', 'a'],
        ['take', ['a1']],
        ['finish', 'a1'],
      ],
      { size: 1, running: 0, parked: 0, blocked: 0 },
    ],
    [
      'finishing a blocked entry (given up) frees its place in the count',
      [
        ['add', 'a1', 'a'],
        ['add', 'a2', 'a'],
        ['add', 'a3', 'a'],
        ['finish', 'a2'],
      ],
      { size: 2, running: 0, parked: 0, blocked: 1 },
    ],
    [
      'a resumed entry is no longer parked and runs before the rest of its key',
      [
        ['add', 'a1', 'a'],
        ['add', 'a2', 'a'],
        ['take', ['a1']],
        ['park', 'a1'],
        ['resume', 'a1'],
        ['take', ['a1']],
      ],
      { size: 2, running: 1, parked: 0, blocked: 1 },
    ],
  ])('%s', (_, steps, counts) => {
    const scheduler = run(4, steps);
    expect({
      size: scheduler.size,
      running: scheduler.running,
      parked: scheduler.parked,
      blocked: scheduler.blocked,
    }).toEqual(counts);
  });
});
