/**
 * Where the operators' commands (`specfirst events`, `specfirst tasks`) find the services' Redis:
 * `--redis`, else `REDIS_URL`, else {@link DEFAULT_REDIS_URL}; and how a URL is shown in messages
 * (never with its password).
 */

/** Where the services' Redis is when neither `--redis` nor `REDIS_URL` says. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Why the URL to use is not a Redis URL: the message and hint a command prints. */
export interface RedisUrlProblem {
  message: string;
  hint: string;
}

/** The URL to connect to (`--redis`, else `REDIS_URL`, else the default), or why it is not one; the problem says where it came from. */
export function resolveRedisUrl(option: string | undefined): URL | RedisUrlProblem {
  const given = option ?? process.env.REDIS_URL;
  const text = given === undefined || given === '' ? DEFAULT_REDIS_URL : given;
  const from = option !== undefined ? '--redis' : given ? 'REDIS_URL' : 'the default';
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:'))
    return {
      message: `\`${shownUrl(text)}\` (${from}) is not a Redis URL`,
      hint: 'write it as redis://[user:password@]host:port[/db] (rediss:// for TLS)',
    };
  return url;
}

/** The URL without its password, for messages. */
export function shownUrl(url: string | URL): string {
  try {
    const copy = new URL(String(url));
    if (copy.password !== '') copy.password = '***';
    return copy.toString();
  } catch {
    return String(url).replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  }
}
