/**
 * Reading parsed YAML/JSON values, whose shape nothing guarantees yet: the checks every stage makes
 * before it looks inside a value.
 */

/** A mapping (a plain object), not an array and not null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The strings of a list (anything else is a schema error, reported elsewhere). */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
