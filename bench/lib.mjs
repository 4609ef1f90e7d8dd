/** What every benchmark script under bench/ shares: reading its settings, and failing plainly. */

/** Prints `bench: <message>` and exits (1: the run failed; 2: bad usage). */
export function fail(message, code = 1) {
  console.error(`\nbench: ${message}`);
  process.exit(code);
}

/** A positive integer from the environment, or `fallback` when unset. */
export function positiveInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) fail(`${name} must be a positive integer, got \`${raw}\``, 2);
  return value;
}

export const log = (message) => console.log(message);
