/** Real HTTP to the running services, and bounded waits for what events do in the background. */
export interface Reply {
  status: number;
  headers: Headers;
  // The tests look into the response bodies; each asserts the parts it cares about.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function call(
  method: string,
  url: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** Asks `probe` until it gives something other than undefined, every 50 ms, for at most `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One line a service logged. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

/** A logger per service that keeps what each logs, for the tests to look at. */
export function recordingLoggers(): {
  logger: (service: string) => Record<LogEntry['level'], (fields: Record<string, unknown>, message: string) => void>;
  entries: (service: string) => LogEntry[];
} {
  const kept = new Map<string, LogEntry[]>();
  const entries = (service: string): LogEntry[] => {
    let list = kept.get(service);
    if (!list) kept.set(service, (list = []));
    return list;
  };
  const logger = (service: string) => {
    const log = (level: LogEntry['level']) => (fields: Record<string, unknown>, message: string) => {
      entries(service).push({ level, message, fields });
    };
    return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  };
  return { logger, entries };
}
