/** RFC 9457 problem details, the body of every error response SpecFirst produces. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

/**
 * Thrown by controllers (or the framework) to answer with a problem response.
 * `toJSON()` gives the body; nothing else of the error (no stack) is ever serialised.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(
    status: number,
    title: string,
    options: { detail?: string; type?: string; extensions?: Record<string, unknown> } = {},
  ) {
    super(options.detail ?? title);
    if (!Number.isInteger(status) || status < 400 || status > 599)
      throw new RangeError(`HttpProblem status must be 400–599, got ${status}`);
    this.name = 'HttpProblem';
    this.status = status;
    this.title = title;
    this.type = options.type ?? 'about:blank';
    this.detail = options.detail;
    this.extensions = { ...options.extensions };
  }

  toJSON(): ProblemDetails {
    // Extensions first, so they can never overwrite the standard members.
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail !== undefined ? { detail: this.detail } : {}),
    };
  }
}

export function isHttpProblem(value: unknown): value is HttpProblem {
  return value instanceof HttpProblem;
}
