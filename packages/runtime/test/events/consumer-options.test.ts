import { describe, expect, it } from 'vitest';
import { createConsumers, type ConsumerBinding } from '../../src/events/consumer.js';
import { memoryBroker } from '../../src/events/memory-broker.js';
import type { ConsumerOptions } from '../../src/events/types.js';
import { SpecFirstRuntimeError } from '../../src/errors.js';
import { recordingLogger } from '../support.js';
import { orderCreatedTopic } from './support.js';

const broker = memoryBroker();
const handler = () => undefined;
const binding: ConsumerBinding = { topic: orderCreatedTopic(), handler };
const options: ConsumerOptions = { broker, logger: recordingLogger() };

/** Every start-up error of createConsumers, caused as a user would, with its code, message and hint. */
const cases: [string, () => unknown, RegExp][] = [
  [
    'SFR1201',
    () => createConsumers('', [binding], options),
    /^SFR1201 createConsumers needs the name of the consuming service; got ""; /,
  ],
  [
    'SFR1202',
    () => createConsumers('billing', [binding], {} as ConsumerOptions),
    /^SFR1202 the consumers of `billing` have no broker \(options.broker\); pass memoryBroker\(\)/,
  ],
  [
    'SFR1203',
    () =>
      createConsumers(
        'billing',
        [{ topic: orderCreatedTopic(), handler: undefined as unknown as () => void }],
        options,
      ),
    /^SFR1203 the consumers of `billing` have no handler function for topic `order.created`; /,
  ],
  [
    'SFR1204',
    () => createConsumers('billing', [binding, binding], options),
    /^SFR1204 topic `order.created` is bound twice in the consumers of `billing`; /,
  ],
  [
    'SFR1205',
    () => createConsumers('billing', [binding], { ...options, batchSize: 0 }),
    /^SFR1205 options.batchSize of the consumers of `billing` must be a positive integer; got 0; leave it unset for the default \(64\)/,
  ],
  [
    'SFR1205',
    () => createConsumers('billing', [binding], { ...options, shutdownTimeoutMs: 1.5 }),
    /^SFR1205 options.shutdownTimeoutMs .* got 1.5/,
  ],
  [
    'SFR1205',
    () => createConsumers('billing', [binding], { ...options, blockMs: -1 }),
    /^SFR1205 options.blockMs .* got -1/,
  ],
  [
    'SFR1206',
    () =>
      createConsumers(
        'billing',
        [{ topic: orderCreatedTopic({ concurrency: 0, claimAfterMs: 10 }), handler }],
        options,
      ),
    /^SFR1206 the definition of topic `order.created` is out of range: claimAfterMs must be an integer of 100 or more, concurrency must be an integer from 1 to 1000; topic tables are generated from spec\/events.yaml: run `specfirst sync`/,
  ],
  [
    'SFR1206',
    () =>
      createConsumers(
        'billing',
        [{ topic: orderCreatedTopic({ retry: { attempts: 0, backoff: 'fixed', delayMs: 1 } }), handler }],
        options,
      ),
    /retry.attempts must be at least 1/,
  ],
  [
    'SFR1206',
    () =>
      createConsumers(
        'billing',
        [{ topic: orderCreatedTopic({ retry: { attempts: 3, backoff: 'fixed', delayMs: -1 } }), handler }],
        options,
      ),
    /out of range: retry.delayMs must be 0 or more; /,
  ],
  [
    'SFR1206',
    () => createConsumers('billing', [{ topic: orderCreatedTopic({ concurrency: 1001 }), handler }], options),
    /out of range: concurrency must be an integer from 1 to 1000; /,
  ],
  [
    'SFR1206',
    () =>
      createConsumers(
        'billing',
        [
          {
            topic: orderCreatedTopic({ validate: undefined as unknown as ConsumerBinding['topic']['validate'] }),
            handler,
          },
        ],
        options,
      ),
    /out of range: validate must be the precompiled validator; /,
  ],
];

describe('createConsumers start-up errors', () => {
  it.each(cases)('%s', (code, make, message) => {
    let thrown: unknown;
    try {
      make();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SpecFirstRuntimeError);
    expect(thrown).toMatchObject({ code });
    expect((thrown as Error).message).toMatch(message);
  });

  it.each([
    [
      'the smallest',
      { retry: { attempts: 1, backoff: 'fixed' as const, delayMs: 0 }, claimAfterMs: 100, concurrency: 1 },
    ],
    ['the largest concurrency', { concurrency: 1000 }],
  ])('accepts %s values a topic may have', (_, overrides) => {
    expect(() => createConsumers('billing', [{ topic: orderCreatedTopic(overrides), handler }], options)).not.toThrow();
  });

  it('valid options make consumers that start and stop, and stopped ones refuse to start again (SFR4010)', async () => {
    const consumers = createConsumers('billing', [binding], { ...options, blockMs: 10 });
    await consumers.start();
    await consumers.stop();
    await consumers.stop();
    await expect(consumers.start()).rejects.toMatchObject({ code: 'SFR4010' });
  });

  it('consumers stopped before they started never start', async () => {
    const consumers = createConsumers('billing', [binding], options);
    await consumers.stop();
    await expect(consumers.start()).rejects.toMatchObject({ code: 'SFR4010' });
  });
});

describe('stop()', () => {
  it('returns within shutdownTimeoutMs while start() hangs on a broker that never answers', async () => {
    const stuck = memoryBroker();
    const hanging = new Proxy(stuck, {
      get: (target, property, receiver) =>
        property === 'createGroup' ? () => new Promise(() => undefined) : Reflect.get(target, property, receiver),
    });
    const consumers = createConsumers('billing', [binding], {
      broker: hanging,
      logger: recordingLogger(),
      shutdownTimeoutMs: 200,
    });
    void consumers.start();
    const stopped = consumers.stop().then(() => 'stopped');
    const gaveUp = new Promise((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5000).unref());
    expect(await Promise.race([stopped, gaveUp])).toBe('stopped');
  });
});
