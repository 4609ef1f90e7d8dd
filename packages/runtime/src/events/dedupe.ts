/**
 * Handler-side deduplication on a message's idempotency key: delivery is at least once, so a
 * handler whose effect must happen once wraps it in {@link deduplicate}.
 *
 *     SET key pending:<token> NX PX lease → taken and 'done': skip; taken and 'pending:…': another delivery runs it
 *     run fn                              → success: 'done' PX ttl; failure: delete the key, rethrow
 *
 * Both last steps change the key only while it still holds this delivery's token (compare-and-set,
 * compare-and-delete): a delivery whose lease expired while it ran, and which then fails, never
 * deletes the mark of the delivery that took over and finished.
 *
 * Use a key per consuming service and message (`billing:${context.idempotencyKey}`): two services
 * handling the same message must not skip each other.
 */
import { randomUUID } from 'node:crypto';
import { SpecFirstRuntimeError } from '../errors.js';
import type { EventBroker } from './broker.js';

export interface DeduplicateOptions {
  /** How long a finished key is remembered (default 24 h): a redelivery within it is skipped. */
  ttlMs?: number;
  /** How long a running delivery holds the key (default 30 s): longer than the handler takes, about the topic's claimAfterMs. */
  leaseMs?: number;
  /** Prefix of the key (tests use their own). Default ''. */
  prefix?: string;
}

export const DEDUPE_DEFAULTS = { ttlMs: 24 * 60 * 60 * 1000, leaseMs: 30_000 } as const;

export const DEDUPE_PENDING = 'pending';
export const DEDUPE_DONE = 'done';

/** Another delivery of the same message holds the key: throw it from the handler and the consumer retries later. */
export class DeliveryInProgressError extends SpecFirstRuntimeError {
  readonly key: string;

  constructor(key: string) {
    super(
      'SFR4005',
      `another delivery of the message with key \`${key}\` is running`,
      'the entry is retried with the topic backoff; if this repeats, raise leaseMs above the time the handler takes',
    );
    this.name = 'DeliveryInProgressError';
    this.key = key;
  }
}

export type Deduplicated<T> = { ran: true; value: T } | { ran: false };

/** Runs `fn` unless a delivery with the same `key` already did (`{ ran: false }`); see the top of this file. */
export async function deduplicate<T>(
  broker: EventBroker,
  key: string,
  fn: () => Promise<T> | T,
  options: DeduplicateOptions = {},
): Promise<Deduplicated<T>> {
  const fullKey = `${options.prefix ?? ''}${key}`;
  const ttlMs = options.ttlMs ?? DEDUPE_DEFAULTS.ttlMs;
  const leaseMs = options.leaseMs ?? DEDUPE_DEFAULTS.leaseMs;
  const token = `${DEDUPE_PENDING}:${randomUUID()}`;
  if (!(await broker.setIfAbsent(fullKey, token, leaseMs))) {
    const value = await broker.get(fullKey);
    if (value === DEDUPE_DONE) return { ran: false };
    // The lease may have expired between SET and GET: then nobody holds it, and a retry takes it.
    throw new DeliveryInProgressError(fullKey);
  }
  let value: T;
  try {
    value = await fn();
  } catch (error) {
    await broker.compareAndDelete(fullKey, token);
    throw error;
  }
  // Our lease expired meanwhile: keep another delivery's mark; an empty key gets ours.
  if (!(await broker.compareAndSet(fullKey, token, DEDUPE_DONE, ttlMs)))
    await broker.setIfAbsent(fullKey, DEDUPE_DONE, ttlMs);
  return { ran: true, value };
}
