/**
 * How long the consumer waits: before a handler's next attempt (the topic's `retry` policy), and
 * after the broker failed (a lost connection: 100 ms doubling to 5 s).
 */
import type { IRRetryPolicy } from '@specfirst/spec-core';

/**
 * The wait before the delivery after delivery number `deliveries` failed: `delayMs` (fixed), or
 * `delayMs * 2^(deliveries-1)` (exponential), never above `maxDelayMs`.
 */
export function retryDelay(policy: IRRetryPolicy, deliveries: number): number {
  const delay =
    policy.backoff === 'exponential' ? policy.delayMs * 2 ** Math.max(0, Math.min(deliveries - 1, 52)) : policy.delayMs;
  const capped = policy.maxDelayMs === undefined ? delay : Math.min(delay, policy.maxDelayMs);
  return Math.max(0, Math.min(capped, MAX_TIMER_MS));
}

/** The longest wait a Node timer keeps (about 24.8 days); longer ones fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const RECONNECT_FIRST_MS = 100;
export const RECONNECT_MAX_MS = 5000;

/** The wait after the `failures`-th broker failure in a row: 100, 200, 400 … 5000 ms. */
export function reconnectDelay(failures: number): number {
  return Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** Math.max(0, Math.min(failures - 1, 16)));
}
