import type { IRResponse } from '@specfirst/spec-core';

/** `201` → `201`, `4XX` → `4XX`, `default` → `Default`: a suffix that keeps identifiers valid. */
export function responseKey(status: IRResponse['status']): string {
  return status === 'default' ? 'Default' : String(status);
}

export function isJsonContentType(contentType: string): boolean {
  return /^application\/(?:[\w.+-]+\+)?json(?:;|$)/i.test(contentType);
}
