import type { Problem } from '#generated/models.js';

/** An RFC 9457 problem body, as the spec's `Problem` model describes it. */
export function problem(status: number, title: string, detail?: string): Problem {
  return { type: 'about:blank', title, status, ...(detail === undefined ? {} : { detail }) };
}
