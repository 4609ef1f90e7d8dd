/** A logger for people watching the demo: one short line per entry, the service's name first. */
import type { Logger } from '@specfirst/runtime';

type Level = keyof Logger;

/**
 * Fields that say which replica, message or job, not what happened: left out to keep lines short.
 * The request id stays: it is how one reads a call from service to service (orders' `order placed`
 * and billing's `invoice created` share one).
 */
const HIDDEN = new Set(['group', 'consumer', 'messageId', 'operationId', 'worker', 'jobId']);

export function textLogger(
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const log = (level: Level) => (fields: Record<string, unknown>, message: string) => {
    const time = new Date().toISOString().slice(11, 19);
    const details = Object.entries(fields)
      .filter(([key, value]) => value !== undefined && !HIDDEN.has(key))
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    const tag = level === 'info' ? '' : ` ${level.toUpperCase()}`;
    write(`${time} ${service.padEnd(7)}${tag} ${message}${details ? `  ${details}` : ''}\n`);
  };
  return { debug: () => undefined, info: log('info'), warn: log('warn'), error: log('error') };
}
