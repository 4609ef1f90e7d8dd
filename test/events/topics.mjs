/**
 * The topic the events proofs publish and consume (fan-out.test.ts, chaos.test.ts and the chaos
 * worker process, which runs on plain `node`, hence JavaScript). It is what generated code declares
 * for a topic (`TopicDefinition`), written by hand so that these tests depend on the runtime alone.
 */

/** A `Tick`: `{ n, body }`, nothing else; `n` a non-negative integer, `body` a string. */
export function validateTick(data) {
  const ok =
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    Object.keys(data).every((key) => key === 'n' || key === 'body') &&
    Number.isInteger(data.n) &&
    data.n >= 0 &&
    typeof data.body === 'string';
  validateTick.errors = ok
    ? null
    : [{ instancePath: '', schemaPath: '#', keyword: 'type', params: {}, message: 'must be a Tick { n, body }' }];
  return ok;
}

/** A topic of `Tick` messages, with the given delivery settings over sensible defaults. */
export function tickTopic(name, overrides = {}) {
  return {
    name,
    messageType: 'Tick',
    version: 1,
    retry: { attempts: 5, backoff: 'fixed', delayMs: 10 },
    claimAfterMs: 30_000,
    startFrom: 'beginning',
    concurrency: 1,
    validate: validateTick,
    ...overrides,
  };
}

/** The chaos run's delivery cap (`retry.attempts`). */
export const CHAOS_ATTEMPTS = 5;

/** The chaos run's topic: a small claim delay and short retries, so that SIGKILLed work comes back fast. */
export function chaosTopic(name) {
  return tickTopic(name, {
    retry: { attempts: CHAOS_ATTEMPTS, backoff: 'exponential', delayMs: 20, maxDelayMs: 200 },
    claimAfterMs: 1000,
    concurrency: 8,
  });
}

/**
 * FNV-1a of a string with murmur3's finaliser, as a number in [0, 1). The finaliser matters: plain
 * FNV-1a of texts that differ in their last character (`…:1`, `…:2`) gives correlated values, and the
 * same messages would fail on every delivery.
 */
function unitHash(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/**
 * Whether the chaos handler throws for this delivery of this message: 10 % of (message, delivery)
 * pairs, drawn from the run's seed, and never on the delivery the cap allows last, so that the
 * random failures alone never dead-letter a good message (only SIGKILLs could add deliveries).
 */
export function chaosFails(seed, messageId, deliveries) {
  return deliveries < CHAOS_ATTEMPTS && unitHash(`${seed}:${messageId}:${deliveries}`) < 0.1;
}

/** Redis keys the chaos handler writes to, under the run's prefix. */
export function chaosKeys(prefix) {
  return {
    /** message id → times the handler succeeded for it. */
    handled: `${prefix}handled`,
    /** message id → times the handler threw on purpose. */
    failed: `${prefix}failed`,
    /** delivery count → successful handler runs at that count. */
    deliveries: `${prefix}deliveries`,
  };
}
