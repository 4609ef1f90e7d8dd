/**
 * What a service notices of its consumers, publish → handler → ack, as one suite run against the
 * memory broker (consumer.memory.test.ts) and a real Redis (consumer.redis.test.ts). Time is real:
 * waits are bounded polls with generous limits, and nothing asserts how long something took except
 * that stop() returns within its timeout.
 */
import {
  DEAD_LETTER_WIRE,
  deadLetterStreamKey,
  MESSAGE_CONTENT_TYPE,
  streamKey,
  WIRE,
} from '@specfirst/spec-core/streams';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerError, type EventBroker } from '../../src/events/broker.js';
import { createConsumers, type ConsumerBinding } from '../../src/events/consumer.js';
import { listDeadLetters, replayDeadLetters } from '../../src/events/dead-letters.js';
import { deduplicate, DeliveryInProgressError } from '../../src/events/dedupe.js';
import { brokerSink, publish } from '../../src/events/publish.js';
import type { ConsumerOptions, Consumers, EventContext, EventSink, TopicDefinition } from '../../src/events/types.js';
import { recordingLogger } from '../support.js';
import { order, orderCreatedTopic, type OrderCreated } from './support.js';

export interface ConsumerHarness {
  /** The broker the test publishes and inspects with; consumers get it too (and duplicate it). */
  broker: EventBroker;
  /** A key prefix unique to this test. */
  prefix: string;
  /** Deletes every key under the prefix and closes what the harness opened. */
  dispose(): Promise<void>;
}

/** Polls `check` every 10 ms until it holds; fails after `ms` (generous: these are not timing tests). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 8000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A broker whose calls named in `failing` throw a retryable BrokerError while `failing` has them (a lost connection). */
function flakyBroker(inner: EventBroker, failing: Map<string, number>): EventBroker {
  const wrap = (target: EventBroker): EventBroker =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver) as unknown;
        if (property === 'duplicate') return () => wrap(object.duplicate());
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const left = failing.get(String(property)) ?? 0;
          if (left > 0) {
            failing.set(String(property), left - 1);
            return Promise.reject(
              new BrokerError('SFR4201', 'the event broker cannot reach Redis', 'check REDIS_URL', { retryable: true }),
            );
          }
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  return wrap(inner);
}

export function consumerBehaviour(name: string, setup: () => Promise<ConsumerHarness>): void {
  // Bounded waits (waitFor) give up after 8 s; a test as a whole after 20 s, on a busy machine too.
  describe(`consumers on ${name}`, { timeout: 20_000 }, () => {
    let h: ConsumerHarness;
    let sink: EventSink;
    let logger: ReturnType<typeof recordingLogger>;
    const running: Consumers[] = [];

    beforeEach(async () => {
      h = await setup();
      sink = brokerSink(h.broker, { prefix: h.prefix });
      logger = recordingLogger();
    });

    afterEach(async () => {
      await Promise.all(running.splice(0).map((consumers) => consumers.stop()));
      await h.dispose();
    });

    /** Starts consumers of `service` with the test's broker, prefix and logger; stopped after the test. */
    async function consume(
      service: string,
      bindings: ConsumerBinding[],
      options: Partial<ConsumerOptions> = {},
    ): Promise<Consumers> {
      const consumers = createConsumers(service, bindings, {
        broker: h.broker,
        prefix: h.prefix,
        logger,
        blockMs: 50,
        shutdownTimeoutMs: 2000,
        consumer: `${service}-1`,
        ...options,
      });
      running.push(consumers);
      await consumers.start();
      return consumers;
    }

    const stream = (topic: TopicDefinition) => streamKey(topic, h.prefix);
    const pendingCount = async (topic: TopicDefinition, group: string) =>
      (await h.broker.pending(stream(topic), group)).count;
    const logged = (code: string) => logger.entries.filter((entry) => entry.fields.code === code);

    it('hands the handler the typed message and its context, then acknowledges it', async () => {
      const topic = orderCreatedTopic({ idempotencyKey: 'orderId' });
      const seen: { message: OrderCreated; context: EventContext }[] = [];
      await consume('billing', [
        { topic, handler: (message: OrderCreated, context) => void seen.push({ message, context }) },
      ]);
      const entryId = await publish(sink, topic, order(1), { id: 'm1', requestId: 'r1', traceparent: '00-t-p-01' });
      await waitFor(() => seen.length === 1, 'the handler');
      expect(seen[0]!.message).toEqual(order(1));
      expect(seen[0]!.context).toMatchObject({
        topic: 'order.created',
        entryId,
        messageId: 'm1',
        deliveries: 1,
        idempotencyKey: 'o1',
        requestId: 'r1',
        traceparent: '00-t-p-01',
      });
      expect(seen[0]!.context.signal.aborted).toBe(false);
      seen[0]!.context.logger.info({ step: 'x' }, 'from the handler');
      expect(logger.entries.find((entry) => entry.message === 'from the handler')?.fields).toMatchObject({
        topic: 'order.created',
        group: 'billing',
        entryId,
        messageId: 'm1',
        step: 'x',
      });
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgement');
    });

    it('a handler that fails twice then succeeds sees deliveries 1, 2, 3 and the entry is acknowledged', async () => {
      const topic = orderCreatedTopic({ retry: { attempts: 5, backoff: 'exponential', delayMs: 20 } });
      const deliveries: number[] = [];
      await consume('billing', [
        {
          topic,
          handler: (_: OrderCreated, context) => {
            deliveries.push(context.deliveries);
            if (context.deliveries < 3) throw new Error(`failure ${context.deliveries}`);
          },
        },
      ]);
      await publish(sink, topic, order(1));
      await waitFor(() => deliveries.length === 3, 'three deliveries');
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgement');
      expect(deliveries).toEqual([1, 2, 3]);
      expect(await h.broker.length(deadLetterStreamKey(topic, h.prefix))).toBe(0);
    });

    it('a retry whose backoff is longer than claimAfterMs waits for its backoff on its own consumer, counted once', async () => {
      const topic = orderCreatedTopic({ claimAfterMs: 100, retry: { attempts: 5, backoff: 'fixed', delayMs: 1500 } });
      const seen: { consumer: string; deliveries: number; at: number }[] = [];
      const binding = (consumer: string): ConsumerBinding => ({
        topic,
        handler: (_: OrderCreated, context) => {
          seen.push({ consumer, deliveries: context.deliveries, at: Date.now() });
          if (context.deliveries === 1) throw new Error('once');
        },
      });
      await consume('billing', [binding('billing-1')]);
      await publish(sink, topic, order(1));
      await waitFor(() => seen.length === 1, 'the first delivery');
      // A second replica, whose claims would take the waiting entry if its lease were not renewed.
      await consume('billing', [binding('billing-2')], { consumer: 'billing-2' });
      await waitFor(() => seen.length === 2, 'the retry');
      expect(seen.map(({ consumer, deliveries }) => [consumer, deliveries])).toEqual([
        ['billing-1', 1],
        ['billing-1', 2],
      ]);
      expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(1400);
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgement');
    });

    it('a handler running longer than claimAfterMs keeps its entry: no other replica gets it', async () => {
      const topic = orderCreatedTopic({ claimAfterMs: 100 });
      const seen: [string, number][] = [];
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      await consume('billing', [
        {
          topic,
          handler: async (_: OrderCreated, context) => {
            seen.push(['billing-1', context.deliveries]);
            await released;
          },
        },
      ]);
      await consume(
        'billing',
        [{ topic, handler: (_: OrderCreated, context) => void seen.push(['billing-2', context.deliveries]) }],
        { consumer: 'billing-2' },
      );
      await publish(sink, topic, order(1));
      await waitFor(() => seen.length === 1, 'the first delivery');
      // Six times claimAfterMs: both replicas claim stale entries every 50 ms meanwhile.
      await sleep(600);
      release();
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgement');
      expect(seen).toEqual([['billing-1', 1]]);
    });

    it('a handler that always fails: dead-lettered at the cap with error, deliveries and origin; no longer pending', async () => {
      const topic = orderCreatedTopic({ retry: { attempts: 3, backoff: 'fixed', delayMs: 10 } });
      const deliveries: number[] = [];
      await consume('billing', [
        {
          topic,
          handler: (_: OrderCreated, context) => {
            deliveries.push(context.deliveries);
            throw new Error('the invoice service is down');
          },
        },
      ]);
      const entryId = await publish(sink, topic, order(1), { id: 'm1' });
      const dead = deadLetterStreamKey(topic, h.prefix);
      await waitFor(async () => (await h.broker.length(dead)) === 1, 'the dead-letter entry');
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgement');
      expect(deliveries).toEqual([1, 2, 3]);
      const [letter] = await h.broker.range(dead, '-', '+', 10);
      expect(letter!.fields).toMatchObject({
        [WIRE.id]: 'm1',
        [WIRE.payload]: JSON.stringify(order(1)),
        [DEAD_LETTER_WIRE.error]: 'the invoice service is down',
        [DEAD_LETTER_WIRE.reason]: 'handler',
        [DEAD_LETTER_WIRE.deliveries]: '3',
        [DEAD_LETTER_WIRE.topic]: 'order.created',
        [DEAD_LETTER_WIRE.entryId]: entryId,
        [DEAD_LETTER_WIRE.group]: 'billing',
      });
      expect(Date.parse(letter!.fields[DEAD_LETTER_WIRE.at]!)).not.toBeNaN();
      expect(logged('SFR4004')).toHaveLength(1);
      // The entry stays in the topic's stream (other groups may still need it); only this group gave up.
      expect(await h.broker.length(stream(topic))).toBe(1);
      await sleep(50);
      expect(deliveries).toHaveLength(3);
    });

    it('poison entries written raw are dead-lettered at once, and the consumer goes on', async () => {
      const topic = orderCreatedTopic();
      const handled: string[] = [];
      await consume('billing', [{ topic, handler: (message: OrderCreated) => void handled.push(message.orderId) }]);
      const raw = [
        { [WIRE.payload]: '{}' },
        { [WIRE.contentType]: MESSAGE_CONTENT_TYPE, [WIRE.payload]: '{"orderId":' },
        { [WIRE.contentType]: 'text/plain', [WIRE.payload]: 'hello' },
        { [WIRE.contentType]: MESSAGE_CONTENT_TYPE, [WIRE.type]: 'OrderCreated', [WIRE.payload]: '{"orderId":"x"}' },
      ];
      const poisonIds: string[] = [];
      for (const fields of raw) poisonIds.push(await h.broker.add(stream(topic), fields));
      await publish(sink, topic, order(2));
      const dead = deadLetterStreamKey(topic, h.prefix);
      await waitFor(() => handled.length === 1, 'the good message');
      await waitFor(async () => (await h.broker.length(dead)) === raw.length, 'the poison in the dead-letter stream');
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgements');
      expect(handled).toEqual(['o2']);
      const letters = await listDeadLetters(h.broker, topic, { prefix: h.prefix });
      expect(letters.map((letter) => [letter.entryId, letter.reason, letter.deliveries])).toEqual(
        poisonIds.map((id) => [id, 'poison', 1]),
      );
      expect(letters.map((letter) => letter.error!.slice(0, 7))).toEqual(['SFR4002', 'SFR4002', 'SFR4002', 'SFR4003']);
    });

    it('a consumer that died holding entries: another replica claims them after claimAfterMs', async () => {
      const topic = orderCreatedTopic({ claimAfterMs: 100 });
      await h.broker.createGroup(stream(topic), 'billing', '0');
      await publish(sink, topic, order(1));
      await publish(sink, topic, order(2));
      // Replica A reads both and dies without acknowledging.
      expect(await h.broker.read(stream(topic), 'billing', 'billing-a', { from: '>', count: 10 })).toHaveLength(2);
      const seen: [string, number][] = [];
      await consume(
        'billing',
        [{ topic, handler: (m: OrderCreated, c) => void seen.push([m.orderId, c.deliveries]) }],
        {
          consumer: 'billing-b',
        },
      );
      await waitFor(() => seen.length === 2, 'the claimed entries');
      expect(seen).toEqual([
        ['o1', 2],
        ['o2', 2],
      ]);
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgements');
    });

    it('an entry whose consumers crashed on every delivery is dead-lettered past the cap, not handled again', async () => {
      const topic = orderCreatedTopic({ claimAfterMs: 100, retry: { attempts: 2, backoff: 'fixed', delayMs: 10 } });
      await h.broker.createGroup(stream(topic), 'billing', '0');
      await publish(sink, topic, order(1));
      await h.broker.read(stream(topic), 'billing', 'crashed-1', { from: '>', count: 1 });
      await sleep(5);
      await h.broker.claim(
        stream(topic),
        'billing',
        'crashed-2',
        0,
        (await h.broker.range(stream(topic), '-', '+', 1)).map((e) => e.id),
      );
      let calls = 0;
      await consume('billing', [{ topic, handler: () => void (calls += 1) }]);
      const dead = deadLetterStreamKey(topic, h.prefix);
      await waitFor(async () => (await h.broker.length(dead)) === 1, 'the dead-letter entry');
      const [letter] = await listDeadLetters(h.broker, topic, { prefix: h.prefix });
      expect(letter).toMatchObject({ reason: 'handler', deliveries: 3 });
      expect(letter!.error).toMatch(/^SFR4004 .* delivered 3 times \(the cap is 2\) without being acknowledged/);
      expect(calls).toBe(0);
    });

    it('restarted under the same consumer name, a replica drains its own pending entries first', async () => {
      const topic = orderCreatedTopic();
      await h.broker.createGroup(stream(topic), 'billing', '0');
      await publish(sink, topic, order(1));
      await publish(sink, topic, order(2));
      // The replica read two entries, then crashed; two more came meanwhile.
      await h.broker.read(stream(topic), 'billing', 'billing-1', { from: '>', count: 2 });
      await publish(sink, topic, order(3));
      await publish(sink, topic, order(4));
      const seen: [string, number][] = [];
      await consume('billing', [{ topic, handler: (m: OrderCreated, c) => void seen.push([m.orderId, c.deliveries]) }]);
      await waitFor(() => seen.length === 4, 'every entry');
      expect(seen).toEqual([
        ['o1', 2],
        ['o2', 2],
        ['o3', 1],
        ['o4', 1],
      ]);
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgements');
    });

    it('a consumer group deleted while running (NOGROUP) is created again and logged; consuming goes on', async () => {
      const topic = orderCreatedTopic();
      const handled: string[] = [];
      await consume('billing', [{ topic, handler: (m: OrderCreated) => void handled.push(m.orderId) }]);
      await publish(sink, topic, order(1));
      await waitFor(() => handled.length === 1, 'the first message');
      await h.broker.del(stream(topic));
      await publish(sink, topic, order(2));
      await waitFor(() => handled.includes('o2'), 'a message after the group was deleted');
      expect(logged('SFR4007').length).toBeGreaterThanOrEqual(1);
      expect(logged('SFR4007')[0]!.level).toBe('warn');
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgement');
    });

    it('broker failures are logged and retried with backoff; consuming goes on', async () => {
      const topic = orderCreatedTopic();
      const failing = new Map([['read', 3]]);
      const handled: string[] = [];
      await consume('billing', [{ topic, handler: (m: OrderCreated) => void handled.push(m.orderId) }], {
        broker: flakyBroker(h.broker, failing),
      });
      await publish(sink, topic, order(1));
      await waitFor(() => handled.length === 1, 'the message after the failures');
      expect(logged('SFR4008').map((entry) => entry.fields.retryInMs)).toEqual([100, 200, 400]);
    });

    it('stop() with a hung handler returns within shutdownTimeoutMs, aborts its signal, and leaves the entry pending', async () => {
      const topic = orderCreatedTopic();
      let signal: AbortSignal | undefined;
      const consumers = await consume(
        'billing',
        [
          {
            topic,
            handler: (_: OrderCreated, context) => {
              signal = context.signal;
              return new Promise<void>(() => undefined);
            },
          },
        ],
        { shutdownTimeoutMs: 300 },
      );
      await publish(sink, topic, order(1));
      await waitFor(() => signal !== undefined, 'the handler');
      const started = Date.now();
      await consumers.stop();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(signal!.aborted).toBe(true);
      expect(logged('SFR4009')).toHaveLength(1);
      expect(await h.broker.pending(stream(topic), 'billing')).toEqual({ count: 1, consumers: { 'billing-1': 1 } });
    });

    it('stop() waits for a handler that finishes in time, and acknowledges it', async () => {
      const topic = orderCreatedTopic();
      let started = false;
      const consumers = await consume('billing', [
        {
          topic,
          handler: async () => {
            started = true;
            await sleep(100);
          },
        },
      ]);
      await publish(sink, topic, order(1));
      await waitFor(() => started, 'the handler');
      await consumers.stop();
      expect(await pendingCount(topic, 'billing')).toBe(0);
      expect(logged('SFR4009')).toHaveLength(0);
    });

    it('runs up to `concurrency` handlers at once, never more', async () => {
      const topic = orderCreatedTopic({ concurrency: 3 });
      let now = 0;
      let most = 0;
      let done = 0;
      // Published before the start, so the first read takes them all and the limit is what holds them back.
      for (let n = 0; n < 12; n++) await publish(sink, topic, order(n));
      await consume('billing', [
        {
          topic,
          handler: async () => {
            now += 1;
            most = Math.max(most, now);
            await sleep(30);
            now -= 1;
            done += 1;
          },
        },
      ]);
      await waitFor(() => done === 12, 'every message');
      expect(most).toBe(3);
    });

    it('same ordering key: in order and one at a time, with concurrency 4; a retry holds back its key', async () => {
      const topic = orderCreatedTopic({
        concurrency: 4,
        orderingKey: 'customer',
        retry: { attempts: 5, backoff: 'fixed', delayMs: 50 },
      });
      const customers = ['ada', 'bob', 'cy'];
      const order_: Record<string, number[]> = { ada: [], bob: [], cy: [] };
      const busy = new Set<string>();
      let overlap = 0;
      let now = 0;
      let most = 0;
      let failedOnce = false;
      await consume('billing', [
        {
          topic,
          handler: async (m: OrderCreated) => {
            if (busy.has(m.customer)) overlap += 1;
            busy.add(m.customer);
            now += 1;
            most = Math.max(most, now);
            await sleep(5 + (m.total % 3) * 5);
            now -= 1;
            busy.delete(m.customer);
            // The first message of ada fails once: her later messages must wait for its retry.
            if (m.total === 0 && !failedOnce) {
              failedOnce = true;
              throw new Error('once');
            }
            order_[m.customer]!.push(m.total);
          },
        },
      ]);
      const published: Record<string, number[]> = { ada: [], bob: [], cy: [] };
      for (let n = 0; n < 30; n++) {
        const customer = customers[n % 3]!;
        published[customer]!.push(n);
        await publish(sink, topic, order(n, customer));
      }
      await waitFor(() => Object.values(order_).flat().length === 30, 'every message');
      expect(order_).toEqual(published);
      expect(overlap).toBe(0);
      expect(failedOnce).toBe(true);
      expect(most).toBeGreaterThan(1);
      expect(most).toBeLessThanOrEqual(3);
    });

    it('entries waiting for a long backoff do not stop new messages from being read', async () => {
      const topic = orderCreatedTopic({ concurrency: 4, retry: { attempts: 3, backoff: 'fixed', delayMs: 60_000 } });
      const handled: string[] = [];
      await consume(
        'billing',
        [
          {
            topic,
            handler: (m: OrderCreated) => {
              if (Number(m.orderId.slice(1)) < 8) throw new Error('fails until its retry, a minute later');
              handled.push(m.orderId);
            },
          },
        ],
        { batchSize: 4 },
      );
      for (let n = 0; n < 20; n++) await publish(sink, topic, order(n));
      // Eight entries wait for their retry: more than concurrency + batchSize, which held them all before.
      await waitFor(() => handled.length === 12, 'the 12 messages that succeed');
      expect(handled.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `o${i + 8}`).sort());
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 8, 'the acknowledgements of the 12');
    });

    it('reads no more than the free slots and a batch: a stuck handler does not pull the whole stream', async () => {
      const topic = orderCreatedTopic();
      let release: (() => void) | undefined;
      await consume('billing', [{ topic, handler: () => new Promise<void>((resolve) => (release = resolve)) }], {
        batchSize: 2,
        shutdownTimeoutMs: 100,
      });
      for (let n = 0; n < 20; n++) await publish(sink, topic, order(n));
      await waitFor(() => release !== undefined, 'the first handler');
      // concurrency 1 + batchSize 2: three entries delivered, and no more however long the handler hangs.
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 3, 'three entries delivered');
      await sleep(200);
      expect(await pendingCount(topic, 'billing')).toBe(3);
    });

    it('startFrom new: a new group skips what was published before it; beginning: it gets everything', async () => {
      const fromNew = orderCreatedTopic({ startFrom: 'new' });
      await publish(sink, fromNew, order(1));
      const seenNew: string[] = [];
      const seenAll: string[] = [];
      await consume('mailer', [{ topic: fromNew, handler: (m: OrderCreated) => void seenNew.push(m.orderId) }]);
      await consume('billing', [
        { topic: orderCreatedTopic(), handler: (m: OrderCreated) => void seenAll.push(m.orderId) },
      ]);
      await publish(sink, fromNew, order(2));
      await waitFor(() => seenNew.length === 1 && seenAll.length === 2, 'both groups');
      expect(seenNew).toEqual(['o2']);
      expect(seenAll).toEqual(['o1', 'o2']);
    });

    it('every group gets every message; replicas of one group share them', async () => {
      const topic = orderCreatedTopic({ concurrency: 2 });
      const billing: string[] = [];
      const mailer: string[] = [];
      const handler = (into: string[]) => async (m: OrderCreated) => {
        await sleep(2);
        into.push(m.orderId);
      };
      await consume('billing', [{ topic, handler: handler(billing) }], { consumer: 'billing-1' });
      await consume('billing', [{ topic, handler: handler(billing) }], { consumer: 'billing-2' });
      await consume('mailer', [{ topic, handler: handler(mailer) }]);
      for (let n = 0; n < 40; n++) await publish(sink, topic, order(n));
      await waitFor(() => billing.length === 40 && mailer.length === 40, 'both services');
      expect(new Set(billing).size).toBe(40);
      expect(new Set(mailer).size).toBe(40);
    });

    it('replays dead letters to one group after a fix; the other group acknowledges them unseen', async () => {
      const topic = orderCreatedTopic({ retry: { attempts: 1, backoff: 'fixed', delayMs: 1 } });
      let fixed = false;
      const billing: [string, number][] = [];
      const mailer: string[] = [];
      await consume('billing', [
        {
          topic,
          handler: (m: OrderCreated, c) => {
            if (!fixed) throw new Error('bug');
            billing.push([m.orderId, c.deliveries]);
          },
        },
      ]);
      await consume('mailer', [{ topic, handler: (m: OrderCreated) => void mailer.push(m.orderId) }]);
      await publish(sink, topic, order(1), { id: 'm1' });
      await publish(sink, topic, order(2), { id: 'm2' });
      const dead = deadLetterStreamKey(topic, h.prefix);
      await waitFor(async () => (await h.broker.length(dead)) === 2 && mailer.length === 2, 'two dead letters');
      const letters = await listDeadLetters(h.broker, topic, { prefix: h.prefix });
      expect(letters.map((l) => [l.messageId, l.group, l.error])).toEqual([
        ['m1', 'billing', 'bug'],
        ['m2', 'billing', 'bug'],
      ]);
      await expect(replayDeadLetters(h.broker, topic, { prefix: h.prefix, ids: ['1-1'] })).rejects.toMatchObject({
        code: 'SFR4006',
      });
      fixed = true;
      const replayed = await replayDeadLetters(h.broker, topic, { prefix: h.prefix, group: 'billing' });
      expect(replayed.map((r) => r.from)).toEqual(letters.map((l) => l.id));
      await waitFor(() => billing.length === 2, 'the replayed messages');
      expect(billing).toEqual([
        ['o1', 1],
        ['o2', 1],
      ]);
      expect(await h.broker.length(dead)).toBe(0);
      await waitFor(
        async () => (await pendingCount(topic, 'mailer')) === 0 && (await pendingCount(topic, 'billing')) === 0,
        'the acknowledgements',
      );
      expect(mailer).toEqual(['o1', 'o2']);
      const [replayedEntry] = await h.broker.range(stream(topic), replayed[0]!.to, replayed[0]!.to, 1);
      expect(replayedEntry!.fields[WIRE.replayFor]).toBe('billing');
      expect(replayedEntry!.fields[DEAD_LETTER_WIRE.error]).toBeUndefined();
      // Replaying again finds nothing: nothing doubles.
      expect(await replayDeadLetters(h.broker, topic, { prefix: h.prefix })).toEqual([]);
    });

    it('one key waiting for its retry does not hold back the other keys, however many entries it has', async () => {
      const topic = orderCreatedTopic({
        concurrency: 4,
        orderingKey: 'customer',
        retry: { attempts: 3, backoff: 'fixed', delayMs: 60_000 },
      });
      const seen: string[] = [];
      await consume(
        'billing',
        [
          {
            topic,
            handler: (m: OrderCreated, c) => {
              seen.push(`${m.orderId}#${c.deliveries}`);
              if (m.orderId === 'o0') throw new Error('fails until its retry, a minute later');
            },
          },
        ],
        { batchSize: 4 },
      );
      // 21 entries of customer `kay` behind the failing o0: more than concurrency + batchSize (8).
      for (let n = 0; n <= 20; n++) await publish(sink, topic, order(n, 'kay'));
      await publish(sink, topic, order(99, 'zed'));
      await waitFor(() => seen.includes('o99#1'), "zed's message, while kay's key waits");
      // kay's later entries still wait for o0, in order: none ran.
      expect(seen).toEqual(['o0#1', 'o99#1']);
    });

    it('a delivery that waits for another one of the same message (SFR4005) never burns the delivery cap', async () => {
      const topic = orderCreatedTopic({
        idempotencyKey: 'orderId',
        retry: { attempts: 2, backoff: 'fixed', delayMs: 50 },
      });
      const options = { prefix: h.prefix, leaseMs: 1000 };
      // A delivery that crashed while running the work left its lease on the key.
      expect(await h.broker.setIfAbsent(`${h.prefix}billing:o1`, 'pending', 1000)).toBe(true);
      const calls: number[] = [];
      const effects: string[] = [];
      await consume('billing', [
        {
          topic,
          handler: async (m: OrderCreated, c) => {
            calls.push(c.deliveries);
            await deduplicate(h.broker, `billing:${c.idempotencyKey}`, () => void effects.push(m.orderId), options);
          },
        },
      ]);
      await publish(sink, topic, order(1));
      await waitFor(() => effects.length === 1, 'the work, once the crashed lease expired');
      // Many waits (every 50 ms for a second), all on the first delivery: none counted.
      expect(calls.length).toBeGreaterThan(2);
      expect(new Set(calls)).toEqual(new Set([1]));
      expect(await listDeadLetters(h.broker, topic, { prefix: h.prefix })).toEqual([]);
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0, 'the acknowledgement');
    });

    it('graceful restarts with a backlog never count a delivery for messages no handler began', async () => {
      const topic = orderCreatedTopic({ retry: { attempts: 3, backoff: 'fixed', delayMs: 10 } });
      for (let n = 0; n < 20; n++) await publish(sink, topic, order(n));
      const ran: string[] = [];
      // Five deploys in a row, each handling a message or two of a backlog it read ahead (20 > 5 × 2).
      for (let restart = 0; restart < 5; restart++) {
        const consumers = await consume('billing', [
          {
            topic,
            handler: async (m: OrderCreated) => {
              ran.push(m.orderId);
              await sleep(60);
            },
          },
        ]);
        await waitFor(() => ran.length > restart, 'a message of this run');
        await consumers.stop();
      }
      expect(await listDeadLetters(h.broker, topic, { prefix: h.prefix })).toEqual([]);
      // The last run takes all that is left, each on a first or second delivery at most.
      const seen: number[] = [];
      await consume('billing', [{ topic, handler: (_: OrderCreated, c) => void seen.push(c.deliveries) }]);
      await waitFor(async () => (await pendingCount(topic, 'billing')) === 0 && seen.length > 0, 'the rest');
      expect(Math.max(...seen)).toBeLessThanOrEqual(2);
      expect(await listDeadLetters(h.broker, topic, { prefix: h.prefix })).toEqual([]);
    });

    it('a message two groups dead-lettered, replayed without `group`: each group handles it once again', async () => {
      const topic = orderCreatedTopic({ retry: { attempts: 1, backoff: 'fixed', delayMs: 1 } });
      let fixed = false;
      const handled: Record<string, string[]> = { billing: [], mailer: [] };
      for (const service of ['billing', 'mailer'])
        await consume(service, [
          {
            topic,
            handler: (m: OrderCreated) => {
              if (!fixed) throw new Error(`bug in ${service}`);
              handled[service]!.push(m.orderId);
            },
          },
        ]);
      await publish(sink, topic, order(1), { id: 'm1' });
      const dead = deadLetterStreamKey(topic, h.prefix);
      await waitFor(async () => (await h.broker.length(dead)) === 2, 'a dead letter of each group');
      expect((await listDeadLetters(h.broker, topic, { prefix: h.prefix })).map((l) => l.group).sort()).toEqual([
        'billing',
        'mailer',
      ]);
      fixed = true;
      const replayed = await replayDeadLetters(h.broker, topic, { prefix: h.prefix });
      expect(replayed.map((r) => r.group).sort()).toEqual(['billing', 'mailer']);
      // A message after the replays: once each group handled it, it has read both replays before it.
      await publish(sink, topic, order(2), { id: 'm2' });
      await waitFor(
        async () =>
          handled.billing!.includes('o2') &&
          handled.mailer!.includes('o2') &&
          (await pendingCount(topic, 'billing')) === 0 &&
          (await pendingCount(topic, 'mailer')) === 0,
        'the replays and the next message handled and acknowledged',
      );
      expect({ billing: handled.billing!.sort(), mailer: handled.mailer!.sort() }).toEqual({
        billing: ['o1', 'o2'],
        mailer: ['o1', 'o2'],
      });
    });

    it('deduplicate: a delivery whose lease expired and then failed leaves the mark of the one that finished', async () => {
      const options = { prefix: `${h.prefix}dedupe:`, ttlMs: 60_000, leaseMs: 200 };
      let runs = 0;
      let fail: () => void = () => undefined;
      const late = deduplicate(
        h.broker,
        'o9',
        () => {
          runs++;
          return new Promise<void>((_, reject) => (fail = () => reject(new Error('failed late'))));
        },
        options,
      );
      await waitFor(async () => (await h.broker.get(`${h.prefix}dedupe:o9`)) === undefined, 'the lease to expire');
      expect(await deduplicate(h.broker, 'o9', () => ++runs, options)).toEqual({ ran: true, value: 2 });
      fail();
      await expect(late).rejects.toThrow('failed late');
      expect(await h.broker.get(`${h.prefix}dedupe:o9`)).toBe('done');
      expect(await deduplicate(h.broker, 'o9', () => ++runs, options)).toEqual({ ran: false });
      expect(runs).toBe(2);
    });

    it('deduplicate runs once per key, refuses a concurrent delivery, and forgets a failure', async () => {
      const options = { prefix: `${h.prefix}dedupe:`, ttlMs: 60_000, leaseMs: 60_000 };
      let runs = 0;
      expect(await deduplicate(h.broker, 'o1', () => ++runs, options)).toEqual({ ran: true, value: 1 });
      expect(await deduplicate(h.broker, 'o1', () => ++runs, options)).toEqual({ ran: false });
      let release: () => void = () => undefined;
      const slow = deduplicate(h.broker, 'o2', () => new Promise<void>((resolve) => (release = resolve)), options);
      await waitFor(
        async () => (await h.broker.get(`${h.prefix}dedupe:o2`))?.startsWith('pending:') === true,
        'the lease',
      );
      const concurrent = await deduplicate(h.broker, 'o2', () => ++runs, options).catch((e: unknown) => e);
      expect(concurrent).toBeInstanceOf(DeliveryInProgressError);
      expect(concurrent).toMatchObject({ code: 'SFR4005' });
      release();
      expect(await slow).toEqual({ ran: true, value: undefined });
      await expect(deduplicate(h.broker, 'o3', () => Promise.reject(new Error('no')), options)).rejects.toThrow('no');
      expect(await h.broker.get(`${h.prefix}dedupe:o3`)).toBeUndefined();
      expect(await deduplicate(h.broker, 'o3', () => ++runs, options)).toEqual({ ran: true, value: 2 });
      expect(runs).toBe(2);
    });

    it('a handler using deduplicate on the idempotency key has its effect once when an entry is delivered twice', async () => {
      const topic = orderCreatedTopic({ idempotencyKey: 'orderId', claimAfterMs: 100 });
      const effects: string[] = [];
      const calls: number[] = [];
      await consume('billing', [
        {
          topic,
          handler: async (m: OrderCreated, c) => {
            calls.push(c.deliveries);
            await deduplicate(h.broker, `billing:${c.idempotencyKey}`, () => void effects.push(m.orderId), {
              prefix: h.prefix,
            });
          },
        },
      ]);
      // The same message published twice (an outbox relay that crashed after XADD, before COMMIT).
      await publish(sink, topic, order(1), { id: 'm1' });
      await publish(sink, topic, order(1), { id: 'm1' });
      await waitFor(() => calls.length === 2, 'both deliveries');
      expect(effects).toEqual(['o1']);
    });
  });
}
