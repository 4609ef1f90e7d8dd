/**
 * Argument checks both brokers make before they touch a stream, so that a bad id or count is the same
 * `BrokerError` (`SFR4203`) on either, and an atomic step is refused before any of it happens.
 */
import { BrokerError } from './broker.js';
import type { EntryFields, Trim } from './broker.js';

const ID = /^\d{1,16}(?:-\d{1,16})?$/;

/** An entry id as Redis takes it: `<ms>-<seq>` or `<ms>`. */
export function checkId(text: string): void {
  if (!ID.test(text))
    throw new BrokerError(
      'SFR4203',
      `\`${text}\` is not a stream entry id`,
      'pass an id as `<ms>-<seq>` (or `<ms>`), `-`/`+` as range ends, `(` before an id to exclude it',
    );
}

/** A range end: `-`, `+`, an id, or `(` and an id. */
export function checkBound(text: string): void {
  if (text !== '-' && text !== '+') checkId(text.startsWith('(') ? text.slice(1) : text);
}

export function checkCount(count: number, what = 'count'): void {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new BrokerError('SFR4203', `${what} ${String(count)} is not a positive integer`, 'pass 1 or more');
}

/** A delivery count to set (`release`): 0 or more. */
export function checkDeliveries(deliveries: number): void {
  if (!Number.isSafeInteger(deliveries) || deliveries < 0)
    throw new BrokerError(
      'SFR4203',
      `deliveries ${String(deliveries)} is not an integer of 0 or more`,
      'pass 0 or more',
    );
}

/** An idle time to set (`release`): 0 ms or more. */
export function checkIdle(idleMs: number): void {
  if (!Number.isSafeInteger(idleMs) || idleMs < 0)
    throw new BrokerError('SFR4203', `idleMs ${String(idleMs)} is not an integer of 0 or more`, 'pass 0 or more');
}

/** Redis keeps no entry without fields. */
export function checkFields(fields: EntryFields): void {
  if (Object.keys(fields).length === 0)
    throw new BrokerError(
      'SFR4203',
      'an entry without fields',
      'give every entry at least one field (Redis needs one)',
    );
}

export function checkTrim(trim: Trim | undefined): void {
  if (trim === undefined) return;
  if ('maxLength' in trim) checkCount(trim.maxLength, 'retention maxLength');
  else checkCount(trim.maxAgeMs, 'retention maxAgeMs');
}

export function wrongType(key: string, cause?: unknown): BrokerError {
  return new BrokerError(
    'SFR4204',
    `the key \`${key}\` holds another type of value (WRONGTYPE)`,
    'give events a key prefix of their own, so that stream keys and dedup keys never meet other data',
    { cause },
  );
}
