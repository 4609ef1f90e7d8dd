/**
 * How a body's media type is read: one definition for the server, the client and the code
 * generator, so they never disagree about which bodies are JSON or forms.
 */

/** `application/json`, `application/problem+json`, with or without parameters. */
export function isJsonMediaType(contentType: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json(?:;|$)/i.test(contentType);
}

/** `application/x-www-form-urlencoded`, with or without parameters. */
export function isFormMediaType(contentType: string): boolean {
  return /^application\/x-www-form-urlencoded(?:;|$)/i.test(contentType);
}
