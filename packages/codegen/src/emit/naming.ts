import { isFormMediaType, isJsonMediaType } from '@specfirst/runtime/media-types';

/** The runtime's reading of media types, under the names codegen uses. */
export { isJsonMediaType as isJsonContentType };

/**
 * How a request body arrives at a controller: parsed JSON, a form (an object of strings, coerced
 * and validated like query parameters), text, or raw bytes (anything else; not validated).
 */
export function bodyKind(contentType: string): 'json' | 'form' | 'text' | 'bytes' {
  if (isJsonMediaType(contentType)) return 'json';
  if (isFormMediaType(contentType)) return 'form';
  return /^text\//i.test(contentType) ? 'text' : 'bytes';
}
