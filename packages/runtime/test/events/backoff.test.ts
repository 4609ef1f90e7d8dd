import type { IRRetryPolicy } from '@specfirst/spec-core';
import { describe, expect, it } from 'vitest';
import { MAX_TIMER_MS, reconnectDelay, retryDelay } from '../../src/events/backoff.js';

describe('retryDelay', () => {
  const fixed: IRRetryPolicy = { attempts: 5, backoff: 'fixed', delayMs: 250 };
  const exponential: IRRetryPolicy = { attempts: 10, backoff: 'exponential', delayMs: 100 };
  const capped: IRRetryPolicy = { ...exponential, maxDelayMs: 1000 };
  it.each<[string, IRRetryPolicy, number, number]>([
    ['fixed, first failure', fixed, 1, 250],
    ['fixed, fourth failure', fixed, 4, 250],
    ['exponential, first failure', exponential, 1, 100],
    ['exponential, second failure', exponential, 2, 200],
    ['exponential, fifth failure', exponential, 5, 1600],
    ['exponential under its cap', capped, 4, 800],
    ['exponential at its cap', capped, 5, 1000],
    ['exponential far past its cap', capped, 60, 1000],
    ['fixed, with a cap below delayMs', { ...fixed, maxDelayMs: 100 }, 1, 100],
    ['no wait at all', { attempts: 3, backoff: 'fixed', delayMs: 0 }, 2, 0],
    ['exponential without a cap, never past what a timer keeps', exponential, 1000, MAX_TIMER_MS],
  ])('%s', (_, policy, deliveries, expected) => {
    expect(retryDelay(policy, deliveries)).toBe(expected);
  });
});

describe('MAX_TIMER_MS', () => {
  it('is the longest delay a Node timer keeps: one more and it fires at once', () => {
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
  });
});

describe('reconnectDelay', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [6, 3200],
    [7, 5000],
    [100, 5000],
  ])('after %i failures in a row: %i ms', (failures, expected) => {
    expect(reconnectDelay(failures)).toBe(expected);
  });
});
