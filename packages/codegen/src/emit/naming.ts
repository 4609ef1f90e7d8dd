import type { IRResponse } from '@specfirst/spec-core';

/** `201` → `201`, `4XX` → `4XX`, `default` → `Default`: a suffix that keeps identifiers valid. */
export function responseKey(status: IRResponse['status']): string {
  return status === 'default' ? 'Default' : String(status);
}

export function isJsonContentType(contentType: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json(?:;|$)/i.test(contentType);
}

export function isFormContentType(contentType: string): boolean {
  return /^application\/x-www-form-urlencoded(?:;|$)/i.test(contentType);
}

/**
 * How a request body arrives at a controller: parsed JSON, a form (an object of strings, coerced
 * and validated like query parameters), text, or raw bytes (anything else; not validated).
 */
export function bodyKind(contentType: string): 'json' | 'form' | 'text' | 'bytes' {
  if (isJsonContentType(contentType)) return 'json';
  if (isFormContentType(contentType)) return 'form';
  return /^text\//i.test(contentType) ? 'text' : 'bytes';
}
