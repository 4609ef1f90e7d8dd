/**
 * deduplicate() on the memory broker, time moved on by its clock: how long a finished key and a
 * running delivery's lease last, with the defaults and with options.
 */
import { describe, expect, it } from 'vitest';
import { DEDUPE_DEFAULTS, deduplicate, DeliveryInProgressError } from '../../src/events/dedupe.js';
import { memoryBroker } from '../../src/events/memory-broker.js';
import { SpecFirstRuntimeError } from '../../src/errors.js';

function setup() {
  let now = 1_700_000_000_000;
  const broker = memoryBroker({ clock: () => now });
  let runs = 0;
  return {
    broker,
    elapse: (ms: number) => void (now += ms),
    run: (key: string, options?: Parameters<typeof deduplicate>[3]) => deduplicate(broker, key, () => ++runs, options),
  };
}

describe('deduplicate', () => {
  it('has 24 h and 30 s as its defaults', () => {
    expect(DEDUPE_DEFAULTS).toEqual({ ttlMs: 86_400_000, leaseMs: 30_000 });
  });

  it.each<[string, { ttlMs?: number }, number]>([
    ['by default, for 24 h', {}, 86_400_000],
    ['for ttlMs', { ttlMs: 5000 }, 5000],
  ])('remembers a finished key %s: a redelivery within it is skipped, one after it runs', async (_, options, ttl) => {
    const t = setup();
    expect(await t.run('o1', options)).toEqual({ ran: true, value: 1 });
    t.elapse(ttl - 1);
    expect(await t.run('o1', options)).toEqual({ ran: false });
    t.elapse(2);
    expect(await t.run('o1', options)).toEqual({ ran: true, value: 2 });
  });

  it.each<[string, { leaseMs?: number }, number]>([
    ['by default, for 30 s', {}, 30_000],
    ['for leaseMs', { leaseMs: 500 }, 500],
  ])(
    'a running delivery holds its key %s; after that (its consumer crashed) another delivery runs',
    async (_, options, lease) => {
      const t = setup();
      void deduplicate(t.broker, 'o1', () => new Promise<never>(() => undefined), options);
      await expect.poll(() => t.broker.get('o1')).toMatch(/^pending:/);
      t.elapse(lease - 1);
      await expect(t.run('o1', options)).rejects.toBeInstanceOf(DeliveryInProgressError);
      t.elapse(2);
      expect(await t.run('o1', options)).toEqual({ ran: true, value: 1 });
    },
  );

  it('keeps its key under the prefix: other prefixes do not see it', async () => {
    const t = setup();
    expect(await t.run('o1', { prefix: 'billing:' })).toEqual({ ran: true, value: 1 });
    expect(await t.broker.get('billing:o1')).toBe('done');
    expect(await t.broker.get('o1')).toBeUndefined();
    expect(await t.run('o1', { prefix: 'mailer:' })).toEqual({ ran: true, value: 2 });
  });

  it('refuses a concurrent delivery with SFR4005, naming the key and how to fix a repeat', async () => {
    const t = setup();
    void deduplicate(t.broker, 'o1', () => new Promise<never>(() => undefined), { prefix: 'billing:' });
    await expect.poll(() => t.broker.get('billing:o1')).toMatch(/^pending:/);
    const error = await t.run('o1', { prefix: 'billing:' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecFirstRuntimeError);
    expect(error).toMatchObject({ name: 'DeliveryInProgressError', code: 'SFR4005', key: 'billing:o1' });
    expect((error as Error).message).toMatch(/^SFR4005 .*`billing:o1` is running; .*raise leaseMs/);
  });
});
