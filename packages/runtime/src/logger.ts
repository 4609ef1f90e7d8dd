/**
 * The logger SpecFirst writes to and hands to controllers. Its shape is pino's (`(fields, message)`),
 * so a pino or bunyan logger can be passed as it is; the default writes one JSON line per entry.
 */
export interface Logger {
  debug(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** JSON lines on stderr, from `level` upwards. */
export function jsonLogger(
  level: Level = 'info',
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const log = (at: Level) => (fields: Record<string, unknown>, message: string) => {
    if (ORDER[at] < ORDER[level]) return;
    write(`${JSON.stringify({ level: at, time: new Date().toISOString(), msg: message, ...fields })}\n`);
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Adds fields (the request id, the operation) to every entry of a logger. */
export function childLogger(parent: Logger, bound: Record<string, unknown>): Logger {
  return {
    debug: (fields, message) => parent.debug({ ...bound, ...fields }, message),
    info: (fields, message) => parent.info({ ...bound, ...fields }, message),
    warn: (fields, message) => parent.warn({ ...bound, ...fields }, message),
    error: (fields, message) => parent.error({ ...bound, ...fields }, message),
  };
}
