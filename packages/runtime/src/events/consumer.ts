/**
 * Consumers: one consumer group per (service, topic), at-least-once delivery, nothing dropped.
 *
 * Per topic, one loop ({@link TopicConsumer}):
 *
 * 1. create the group (`XGROUP CREATE … MKSTREAM`, from the stream's start or only new entries);
 * 2. drain this consumer's own pending entries (`XREADGROUP … 0`): what it held when it stopped or crashed;
 * 3. then, until stopped: claim entries of dead consumers idle longer than `claimAfterMs`
 *    (`XAUTOCLAIM`, every `claimAfterMs / 2`), and read new entries (`XREADGROUP … >`, blocking, on a
 *    connection of its own), never more than the free slots allow (`concurrency + batchSize` entries held).
 *
 * Each entry goes through the stages of ./consume-stages.ts, then its handler; success acknowledges
 * it, failure keeps it pending and retries it after the topic's backoff (a local timer, then
 * `XCLAIM … 0` so the delivery count goes up), and at the delivery cap it is dead-lettered
 * (`XADD` to the dead-letter stream and `XACK` in one atomic step). `NOGROUP` recreates the group; other
 * broker failures are logged and retried with backoff. `stop()` ends the reads, waits for running
 * handlers up to `shutdownTimeoutMs`, then aborts their signals and leaves their entries pending.
 */
import { hostname } from 'node:os';
import { consumerGroup, deadLetterStreamKey, streamKey } from '@specfirst/spec-core/streams';
import { SpecFirstRuntimeError } from '../errors.js';
import { callContextFrom, runInCallContext } from '../internal/call-context.js';
import { childLogger, jsonLogger, type Logger } from '../logger.js';
import { MAX_TIMER_MS, reconnectDelay } from './backoff.js';
import { NoGroupError, type DeliveredEntry, type EventBroker } from './broker.js';
import {
  afterFailure,
  deadLetterFields,
  errorText,
  prepareStage,
  type Prepared,
  type Settle,
} from './consume-stages.js';
import { OrderingScheduler } from './ordering.js';
import type { ConsumerOptions, Consumers, EventContext, EventHandler, TopicDefinition } from './types.js';

/** A topic a service consumes, and its handler. */
export interface ConsumerBinding {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each binding has its own message type
  topic: TopicDefinition<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  handler: EventHandler<any>;
}

export const CONSUMER_DEFAULTS = { blockMs: 2000, batchSize: 64, shutdownTimeoutMs: 10000 } as const;

interface Settings {
  service: string;
  group: string;
  consumer: string;
  prefix: string;
  broker: EventBroker;
  logger: Logger;
  blockMs: number;
  batchSize: number;
  shutdownTimeoutMs: number;
}

/**
 * The consumers of `service`: one per binding's topic, started and stopped together. Checks the
 * options at once (SFR1201–SFR1206), so a misconfigured service does not start.
 */
export function createConsumers(
  service: string,
  bindings: readonly ConsumerBinding[],
  options: ConsumerOptions,
): Consumers {
  const settings = checkOptions(service, bindings, options);
  const topics = bindings.map((binding) => new TopicConsumer(binding.topic, binding.handler, settings));
  let state: 'new' | 'started' | 'stopped' = 'new';
  let starting: Promise<void> | undefined;
  return {
    start() {
      if (state === 'stopped')
        return Promise.reject(
          new SpecFirstRuntimeError(
            'SFR4010',
            `the consumers of \`${service}\` were stopped`,
            'create new consumers (create<Service>Consumers) to consume again',
          ),
        );
      if (starting === undefined) {
        state = 'started';
        starting = Promise.all(topics.map((topic) => topic.start())).then(() => undefined);
      }
      return starting;
    },
    async stop() {
      if (state === 'stopped') return;
      const wasStarted = state === 'started';
      state = 'stopped';
      // Bounded like the rest of stop(): a start() stuck on an unreachable broker must not hold it.
      if (wasStarted && starting !== undefined) await within(starting, settings.shutdownTimeoutMs);
      await Promise.all(topics.map((topic) => topic.stop()));
    },
  };
}

function checkOptions(service: string, bindings: readonly ConsumerBinding[], options: ConsumerOptions): Settings {
  if (typeof service !== 'string' || service.trim() === '')
    throw new SpecFirstRuntimeError(
      'SFR1201',
      `createConsumers needs the name of the consuming service; got ${JSON.stringify(service)}`,
      'pass the service name of spec/services.yaml: it names the consumer group (generated create<Service>Consumers do)',
    );
  const broker = (options as Partial<ConsumerOptions> | undefined)?.broker;
  if (broker === undefined || typeof broker.read !== 'function' || typeof broker.duplicate !== 'function')
    throw new SpecFirstRuntimeError(
      'SFR1202',
      `the consumers of \`${service}\` have no broker (options.broker)`,
      'pass memoryBroker() from @specfirst/runtime/events, or redisBroker(url) from @specfirst/runtime/events/redis',
    );
  const seen = new Set<string>();
  for (const binding of bindings) {
    const name = binding.topic.name;
    if (typeof binding.handler !== 'function')
      throw new SpecFirstRuntimeError(
        'SFR1203',
        `the consumers of \`${service}\` have no handler function for topic \`${name}\``,
        `pass a handler (message, context) => … for \`${name}\``,
      );
    if (seen.has(name))
      throw new SpecFirstRuntimeError(
        'SFR1204',
        `topic \`${name}\` is bound twice in the consumers of \`${service}\``,
        "give each topic one handler: two would share the service's consumer group and each see only part of the messages",
      );
    seen.add(name);
    checkTopic(binding.topic);
  }
  const integer = (key: keyof typeof CONSUMER_DEFAULTS): number => {
    const value = options[key] ?? CONSUMER_DEFAULTS[key];
    if (!Number.isSafeInteger(value) || value < 1)
      throw new SpecFirstRuntimeError(
        'SFR1205',
        `options.${key} of the consumers of \`${service}\` must be a positive integer; got ${String(value)}`,
        `leave it unset for the default (${CONSUMER_DEFAULTS[key]}), or give a whole number of 1 or more`,
      );
    return value;
  };
  return {
    service,
    group: consumerGroup(service),
    consumer: options.consumer ?? `${hostname()}:${process.pid}`,
    prefix: options.prefix ?? '',
    broker,
    logger: options.logger ?? jsonLogger(),
    blockMs: integer('blockMs'),
    batchSize: integer('batchSize'),
    shutdownTimeoutMs: integer('shutdownTimeoutMs'),
  };
}

function checkTopic(topic: TopicDefinition): void {
  const problems: string[] = [];
  const { retry } = topic;
  if (!Number.isSafeInteger(retry.attempts) || retry.attempts < 1) problems.push('retry.attempts must be at least 1');
  if (!Number.isFinite(retry.delayMs) || retry.delayMs < 0) problems.push('retry.delayMs must be 0 or more');
  if (!Number.isSafeInteger(topic.claimAfterMs) || topic.claimAfterMs < 100)
    problems.push('claimAfterMs must be an integer of 100 or more');
  if (!Number.isSafeInteger(topic.concurrency) || topic.concurrency < 1 || topic.concurrency > 1000)
    problems.push('concurrency must be an integer from 1 to 1000');
  if (typeof topic.validate !== 'function') problems.push('validate must be the precompiled validator');
  if (problems.length > 0)
    throw new SpecFirstRuntimeError(
      'SFR1206',
      `the definition of topic \`${topic.name}\` is out of range: ${problems.join(', ')}`,
      'topic tables are generated from spec/events.yaml: run `specfirst sync` again rather than editing them',
    );
}

/** Entries waiting for their retry that one topic consumer keeps at most (at ~4 KB each), unless 8 × its capacity is more. */
const PARKED_LIMIT = 1000;

/** An entry this consumer holds. */
interface Held {
  entry: DeliveredEntry;
  prepared?: Prepared;
  settle?: Settle;
  readonly logger: Logger;
  controller?: AbortController;
  /** stop() gave up on it: whatever its handler does later changes nothing. */
  abandoned?: boolean;
  /** Its handler (or the step that settles it) ran here at least once. */
  started?: boolean;
  timer?: NodeJS.Timeout | undefined;
}

/** A promise that `notify()` or a timeout resolves; for waits that stop() must be able to end. */
class Wake {
  private waiters: (() => void)[] = [];

  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, MAX_TIMER_MS)));
      this.waiters.push(done);
    });
  }

  notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

/** Waits for `promise`, or `ms` at most; the timer is cleared either way (it never holds the process open). */
export async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms)))),
  ]);
  clearTimeout(timer);
}

/** The loop of one topic in one consumer (see the top of this file). */
export class TopicConsumer {
  private readonly stream: string;
  private readonly deadStream: string;
  private readonly held: OrderingScheduler<Held>;
  private readonly capacity: number;
  private readonly parkedLimit: number;
  private readonly claimEveryMs: number;
  private readonly prepare: ReturnType<typeof prepareStage>;
  private readonly logger: Logger;
  private readonly wake = new Wake();
  private readonly running = new Set<Promise<void>>();
  private readonly acking = new Set<Promise<void>>();
  private ackBatch: string[] = [];
  private ackScheduled = false;
  private readonly readThreshold: number;
  private reader: EventBroker | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private failures = 0;
  private claimCursor = '0-0';
  private nextClaimAt = 0;
  private readonly touchEveryMs: number;
  private leaseTimer: NodeJS.Timeout | undefined;
  private renewing = false;

  constructor(
    private readonly topic: TopicDefinition,
    private readonly handler: EventHandler<unknown>,
    private readonly settings: Settings,
  ) {
    this.stream = streamKey(topic, settings.prefix);
    this.deadStream = deadLetterStreamKey(topic, settings.prefix);
    this.held = new OrderingScheduler(topic.concurrency);
    this.capacity = topic.concurrency + settings.batchSize;
    this.parkedLimit = Math.max(PARKED_LIMIT, 8 * this.capacity);
    this.readThreshold = Math.ceil(settings.batchSize / 2);
    this.claimEveryMs = Math.max(50, Math.floor(topic.claimAfterMs / 2));
    this.touchEveryMs = Math.max(30, Math.floor(topic.claimAfterMs / 3));
    this.prepare = prepareStage(topic, settings.group);
    this.logger = childLogger(settings.logger, {
      topic: topic.name,
      group: settings.group,
      consumer: settings.consumer,
    });
  }

  /** Creates the group (a failure here rejects: the service should not start), then runs the loop. */
  async start(): Promise<void> {
    await this.settings.broker.createGroup(
      this.stream,
      this.settings.group,
      this.topic.startFrom === 'new' ? '$' : '0',
    );
    if (this.stopping) return;
    this.reader = this.settings.broker.duplicate();
    // On a timer of its own: a blocked read (Redis times BLOCK out at its own pace) must not delay it.
    this.leaseTimer = setInterval(() => void this.renewLeases(), this.touchEveryMs);
    this.leaseTimer.unref();
    this.loop = this.run().catch((error: unknown) => {
      // Every failure is handled inside run(); this is a bug, logged rather than an unhandled rejection.
      this.logger.error({ code: 'SFR4008', error: errorText(error) }, 'the consumer loop ended unexpectedly');
    });
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.leaseTimer);
    this.wake.notify();
    for (const { item } of this.held.entries()) clearTimeout(item.timer);
    const closing = this.reader?.close().catch(() => undefined);
    const deadline = Date.now() + this.settings.shutdownTimeoutMs;
    // The loop's own calls end quickly once the reader is closed; bounded anyway, like the handlers.
    await within(Promise.all([this.loop, closing]), this.settings.shutdownTimeoutMs);
    await within(this.releaseUnstarted(), Math.max(0, deadline - Date.now()));
    const left = deadline - Date.now();
    if (this.running.size > 0 && left > 0) await within(Promise.allSettled([...this.running]), left);
    for (const { item, state } of this.held.entries()) {
      if (state !== 'running') continue;
      item.abandoned = true;
      item.controller?.abort(new Error('the consumer stopped'));
      item.logger.warn(
        { code: 'SFR4009', shutdownTimeoutMs: this.settings.shutdownTimeoutMs },
        'SFR4009 the handler did not finish before the shutdown timeout; its signal is aborted and the entry stays pending',
      );
    }
    // Acknowledgements of handlers that finished are sent before stop() returns (the caller may close the broker next).
    if (this.acking.size > 0 || this.ackBatch.length > 0) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await within(Promise.allSettled([...this.acking]), Math.max(200, deadline - Date.now()));
    }
  }

  private async run(): Promise<void> {
    await this.drain();
    while (!this.stopping) {
      try {
        if (Date.now() >= this.nextClaimAt) await this.claimStale();
        if (this.stopping) break;
        const free = this.free();
        // Read in batches: wait until half a batch is free, unless nothing runs (all held entries wait for retries).
        if (free <= 0 || (free < this.readThreshold && this.held.running > 0)) {
          await this.wake.wait(this.nextClaimAt - Date.now());
          continue;
        }
        const blockMs = Math.max(1, Math.min(this.settings.blockMs, this.nextClaimAt - Date.now()));
        const entries = await this.reader!.read(this.stream, this.settings.group, this.settings.consumer, {
          from: '>',
          count: Math.min(free, this.settings.batchSize),
          blockMs,
        });
        // Read while stopping: they stay pending under this consumer, drained on its next start.
        if (this.stopping) break;
        this.failures = 0;
        this.receive(entries);
      } catch (error) {
        await this.brokerFailed(error, 'read');
      }
    }
  }

  /**
   * This consumer's own pending entries first (`XREADGROUP … <id>`), page by page: what it held when
   * it stopped or crashed. Each history read counts as a delivery, so no entry is read twice.
   */
  private async drain(): Promise<void> {
    let after = '0';
    for (;;) {
      if (this.stopping) return;
      try {
        const free = this.free();
        if (free <= 0) {
          await this.wake.wait(this.settings.blockMs);
          continue;
        }
        const entries = await this.settings.broker.read(this.stream, this.settings.group, this.settings.consumer, {
          from: after,
          count: free,
        });
        if (this.stopping) return;
        this.failures = 0;
        if (entries.length === 0) return;
        after = entries.at(-1)!.id;
        this.logger.info({ entries: entries.length }, 'draining entries left pending by this consumer');
        this.receive(entries);
      } catch (error) {
        await this.brokerFailed(error, 'drain');
      }
    }
  }

  /**
   * Hands back the entries this consumer read but never began (read ahead, or behind their key):
   * their delivery counts go back to what they were before this consumer's read, and their idle
   * time to `claimAfterMs`, so another replica claims them at once. Without this, every restart
   * with a backlog counted a delivery for up to `concurrency + batchSize` messages no handler saw,
   * and a few deploys in a row dead-lettered healthy messages. (A crash cannot do this: there the
   * read-ahead entries keep the delivery, which is why a replica reads no more than it can start.)
   */
  private async releaseUnstarted(): Promise<void> {
    const unstarted = this.held
      .entries()
      .filter(({ state, item }) => state === 'ready' && item.started !== true)
      .map(({ id, item }) => ({ id, deliveries: Math.max(0, item.entry.deliveries - 1) }));
    if (unstarted.length === 0) return;
    const { broker, group, consumer } = this.settings;
    try {
      const released = await broker.release(this.stream, group, consumer, unstarted, this.topic.claimAfterMs);
      for (const { id } of unstarted) this.held.finish(id);
      this.logger.info(
        { entries: released },
        'entries read but not begun were handed back, their deliveries uncounted',
      );
    } catch (error) {
      this.logger.warn(
        { code: 'SFR4008', during: 'release', error: errorText(error) },
        'entries read but not begun stay pending, their delivery counted',
      );
    }
  }

  /**
   * Renews the lease of every entry this consumer holds (running, waiting for its retry or its turn),
   * every `claimAfterMs / 3`: their idle time never reaches `claimAfterMs` while this consumer is
   * alive, so another replica's claim takes only the entries of a consumer that died. A handler may
   * run longer than `claimAfterMs`, and a retry's backoff may be longer, without a second delivery.
   */
  private async renewLeases(): Promise<void> {
    const ids = this.held.entries().map((entry) => entry.id);
    if (ids.length === 0 || this.renewing || this.stopping) return;
    this.renewing = true;
    try {
      await this.settings.broker.touch(this.stream, this.settings.group, this.settings.consumer, ids);
    } catch (error) {
      // The next renewal tries again; the read loop reports lost connections and heals NOGROUP.
      this.logger.debug({ during: 'renew leases', error: errorText(error) }, 'renewing the leases failed');
    } finally {
      this.renewing = false;
    }
  }

  /** `XAUTOCLAIM` of entries idle longer than `claimAfterMs` (their consumer died), a page per call. */
  private async claimStale(): Promise<void> {
    const free = this.free();
    if (free <= 0) {
      this.nextClaimAt = Date.now() + this.claimEveryMs;
      return;
    }
    const result = await this.settings.broker.autoClaim(
      this.stream,
      this.settings.group,
      this.settings.consumer,
      this.topic.claimAfterMs,
      this.claimCursor,
      free,
    );
    this.claimCursor = result.next;
    // A cursor other than 0-0: more of the PEL to scan, go on after this read.
    this.nextClaimAt = result.next === '0-0' ? Date.now() + this.claimEveryMs : Date.now();
    if (result.deleted.length > 0)
      this.logger.warn(
        { ids: result.deleted },
        'pending entries no longer in the stream (trimmed or deleted) were dropped',
      );
    // A held entry waiting for a retry longer than claimAfterMs was claimed back by this consumer, its
    // delivery counted: that is its retry, now (rather than a second claim, a second count, later).
    for (const entry of result.entries) {
      if (this.held.state(entry.id) !== 'parked') continue;
      const held = this.held.item(entry.id)!;
      clearTimeout(held.timer);
      held.timer = undefined;
      held.entry = { ...held.entry, deliveries: entry.deliveries };
      this.held.resume(entry.id);
    }
    const fresh = result.entries.filter((entry) => !this.held.has(entry.id));
    if (fresh.length > 0) this.logger.info({ entries: fresh.length }, 'claimed entries idle longer than claimAfterMs');
    this.receive(fresh);
  }

  private async brokerFailed(error: unknown, during: string): Promise<void> {
    if (error instanceof NoGroupError) {
      await this.heal(during);
      return;
    }
    if (this.stopping) return;
    this.failures += 1;
    const waitMs = reconnectDelay(this.failures);
    this.logger.error(
      { code: 'SFR4008', during, error: errorText(error), retryInMs: waitMs },
      'SFR4008 the broker failed; the consumer retries',
    );
    await this.wake.wait(waitMs);
  }

  /** `NOGROUP` (a flush, a restart without persistence): the group is created again, from the stream's start. */
  private async heal(during: string): Promise<void> {
    try {
      await this.settings.broker.createGroup(this.stream, this.settings.group, '0');
      this.claimCursor = '0-0';
      this.logger.warn(
        { code: 'SFR4007', during },
        'SFR4007 the consumer group was gone (NOGROUP) and was created again; entries still in the stream are delivered again',
      );
    } catch (error) {
      await this.brokerFailed(error instanceof NoGroupError ? new Error(error.message) : error, 'recreate group');
    }
  }

  /**
   * How many more entries this consumer may take: `concurrency + batchSize` minus those ready or
   * running. Entries waiting for a retry, or behind an earlier entry of their ordering key, do not
   * count, so a burst of failures with a long backoff, or one busy key, does not stop the other
   * messages; they have a budget of their own ({@link PARKED_LIMIT}, or 8 × the capacity), past
   * which nothing more is read until they move.
   */
  private free(): number {
    const waiting = this.held.parked + this.held.blocked;
    if (waiting >= this.parkedLimit) return 0;
    return this.capacity - (this.held.size - waiting);
  }

  /** Entries read or claimed: through the stages before the handler, then held until they may run. */
  private receive(entries: readonly DeliveredEntry[]): void {
    for (const entry of entries) {
      if (this.held.has(entry.id)) continue;
      const prepared = this.prepare(entry);
      const messageId = prepared.ok ? prepared.value.meta.id : undefined;
      const parent = this.logger;
      let logger: Logger | undefined;
      const held: Held = {
        entry,
        // Made on first use: most entries are handled without a log line of their own.
        get logger() {
          return (logger ??= childLogger(parent, {
            entryId: entry.id,
            ...(messageId === undefined ? {} : { messageId }),
          }));
        },
      };
      if (prepared.ok) held.prepared = prepared.value;
      else held.settle = prepared.settle;
      this.held.add(entry.id, held, prepared.ok ? prepared.value.key : undefined);
    }
    this.pump();
  }

  /** Starts what may run now. */
  private pump(): void {
    if (this.stopping) return;
    for (const held of this.held.take()) {
      const job = this.process(held).finally(() => {
        this.running.delete(job);
        // The read loop waits for half a batch of free slots (or for nothing to run): wake it only then,
        // not once per finished entry, which cost a timer and a turn of the loop per message.
        if (this.free() >= this.readThreshold || this.held.running === 0) this.wake.notify();
        this.pump();
      });
      this.running.add(job);
    }
  }

  private async process(held: Held): Promise<void> {
    const { entry } = held;
    held.started = true;
    if (held.settle !== undefined) {
      await this.carryOut(held, held.settle);
      return;
    }
    const prepared = held.prepared!;
    const context: EventContext = {
      topic: this.topic.name,
      entryId: entry.id,
      messageId: prepared.meta.id,
      deliveries: entry.deliveries,
      get logger() {
        return held.logger;
      },
      // Made when the handler first asks for it; already aborted if stop() gave up on the handler before.
      get signal() {
        if (held.controller === undefined) {
          held.controller = new AbortController();
          if (held.abandoned) held.controller.abort(new Error('the consumer stopped'));
        }
        return held.controller.signal;
      },
    };
    if (prepared.meta.idempotencyKey !== undefined) context.idempotencyKey = prepared.meta.idempotencyKey;
    if (prepared.meta.requestId !== undefined) context.requestId = prepared.meta.requestId;
    if (prepared.meta.traceparent !== undefined) context.traceparent = prepared.meta.traceparent;
    let outcome: Settle;
    try {
      // Inside the message's call context: internal calls the handler makes pass its trace on.
      await runInCallContext(callContextFrom(prepared.meta), () => this.handler(prepared.message, context));
      outcome = { action: 'ack', why: 'handled' };
    } catch (error) {
      outcome = afterFailure(this.topic, entry.deliveries, error);
    }
    if (held.abandoned) return;
    await this.carryOut(held, outcome);
  }

  /** Acknowledges, dead-letters or parks the entry for its retry. A broker failure leaves it pending (claimed later). */
  private async carryOut(held: Held, outcome: Settle): Promise<void> {
    const { entry } = held;
    const { group } = this.settings;
    try {
      if (outcome.action === 'retry') {
        if (this.stopping) {
          // No timer now: it would keep the process alive for the backoff. The entry stays pending,
          // delivered again on this consumer's next start or to another replica.
          held.logger.warn(
            { deliveries: entry.deliveries, error: outcome.error },
            'the handler failed while the consumer stops; the entry stays pending',
          );
          this.held.finish(entry.id);
          return;
        }
        held.logger.warn(
          { deliveries: entry.deliveries, error: outcome.error, retryInMs: outcome.delayMs },
          'the handler failed; the entry stays pending and is retried',
        );
        this.held.park(entry.id);
        this.scheduleRetry(held, outcome.delayMs, 0, outcome.counted ?? true);
        return;
      }
      if (outcome.action === 'ack') {
        this.acknowledge(entry.id);
        if (outcome.why !== 'handled')
          (outcome.why.startsWith('no longer') ? held.logger.warn : held.logger.debug)(
            { why: outcome.why },
            'acknowledged without handling',
          );
      } else {
        const fields = deadLetterFields(entry, this.topic, group, outcome, new Date());
        const deadId = await this.settings.broker.deadLetter(this.stream, group, entry.id, this.deadStream, fields);
        if (deadId === undefined) {
          held.logger.info({}, 'the entry to dead-letter was settled meanwhile by another consumer; nothing to do');
          this.held.finish(entry.id);
          return;
        }
        const log = outcome.reason === 'poison' ? held.logger.error : held.logger.warn;
        log(
          {
            code: outcome.code,
            reason: outcome.reason,
            deliveries: entry.deliveries,
            error: outcome.error,
            deadLetterStream: this.deadStream,
            deadLetterId: deadId,
          },
          outcome.reason === 'poison'
            ? 'a poison entry was dead-lettered'
            : `${outcome.code} the entry reached the delivery cap and was dead-lettered`,
        );
      }
    } catch (error) {
      held.logger.error(
        { code: 'SFR4008', during: outcome.action, error: errorText(error) },
        'SFR4008 the broker failed; the entry stays pending and is delivered again',
      );
    }
    this.held.finish(entry.id);
  }

  /**
   * Acknowledgements are sent together: every entry finished in the same turn of the event loop goes
   * in one `XACK`. The entry's slot is free at once; if the `XACK` fails the entries stay pending and
   * are delivered again (at least once).
   */
  private acknowledge(id: string): void {
    this.ackBatch.push(id);
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    const flush = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => {
        const ids = this.ackBatch;
        this.ackBatch = [];
        this.ackScheduled = false;
        return this.settings.broker.ack(this.stream, this.settings.group, ids).then(
          () => undefined,
          (error: unknown) =>
            this.logger.error(
              { code: 'SFR4008', during: 'ack', ids, error: errorText(error) },
              'SFR4008 the broker failed; the entries stay pending and are delivered again',
            ),
        );
      })
      .finally(() => this.acking.delete(flush));
    this.acking.add(flush);
  }

  /**
   * The retry is due: `XCLAIM … 0` takes the entry again with its delivery count up by one, or, for a
   * retry that does not count (`counted: false`), `touch` checks it is still this consumer's.
   */
  private scheduleRetry(held: Held, delayMs: number, failures: number, counted: boolean): void {
    held.timer = setTimeout(() => {
      held.timer = undefined;
      if (this.stopping) return;
      void this.retryNow(held, failures, counted);
    }, delayMs);
    // Never what keeps a process alive: the consumer's reads do that while it runs.
    held.timer.unref();
  }

  private async retryNow(held: Held, failures: number, counted: boolean): Promise<void> {
    const { entry } = held;
    const { broker, group, consumer } = this.settings;
    try {
      const [claimed] = counted
        ? await broker.claim(this.stream, group, consumer, 0, [entry.id])
        : (await broker.touch(this.stream, group, consumer, [entry.id])) === 1
          ? [entry]
          : [];
      if (this.stopping) return;
      // Taken back meanwhile by this consumer's own claim of stale entries (a lapsed lease): that was the retry.
      if (this.held.state(entry.id) !== 'parked') return;
      if (claimed === undefined) {
        held.logger.info({}, 'the entry to retry is no longer pending here (claimed by another consumer, or deleted)');
        this.held.finish(entry.id);
        this.wake.notify();
        this.pump();
        return;
      }
      held.entry = { ...entry, deliveries: claimed.deliveries };
      this.held.resume(entry.id);
      this.pump();
    } catch (error) {
      if (this.stopping) return;
      if (error instanceof NoGroupError) {
        await this.heal('retry');
        this.held.finish(entry.id);
        this.wake.notify();
        this.pump();
        return;
      }
      const waitMs = reconnectDelay(failures + 1);
      held.logger.error(
        { code: 'SFR4008', during: 'retry', error: errorText(error), retryInMs: waitMs },
        'SFR4008 the broker failed; the consumer retries',
      );
      this.scheduleRetry(held, waitMs, failures + 1, counted);
    }
  }
}
