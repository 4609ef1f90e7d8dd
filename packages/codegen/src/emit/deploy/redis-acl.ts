/**
 * The Redis ACL of a deployment: one user per service that needs Redis, allowed only the commands
 * and keys of its declared topics, queues and groups. The compose file passes the same rules to
 * `redis-server --user`, with each service's password from the environment; `deploy/redis/users.conf`
 * (a redis.conf fragment of `user` directives: an ACL file cannot hold the generated header) holds them
 * without a password, so nobody logs in until one is set (`ACL SETUSER orders >…`).
 *
 * Keys, from the runtime's own names (`@specfirst/spec-core/streams`, `@specfirst/spec-core/tasks`):
 * - a topic it produces: `%W~<stream>` in the `XADD` selector only, so it can append and nothing else;
 * - a topic it consumes: `~<stream>` without `XADD` (read, ack, claim, create its group: a consumer
 *   cannot forge the topic's messages), and `~<dead-letter stream>` (the dead-letter script checks the
 *   dead stream's TYPE before it appends, which is a read);
 * - a task it enqueues: `~<bull>:<worker>:*`, and `%R~<bull>:<worker>-dead-letter:*` (enqueue checks
 *   that a job id is not taken by a dead letter);
 * - a worker: `~<bull>:<worker>:*` and `~<bull>:<worker>-dead-letter:*`;
 * - every user: `~<prefix><service>:*`, keys of its own (dedupe leases, `access: redis` data).
 * `XADD` is taken out of the root rule and given back by a selector (Redis 7.0,
 * `(%W~<key> … +xadd)`) on the keys it may append to: its own keys, the streams it produces, its
 * consumed topics' dead-letter streams and its queues (BullMQ appends their events). Replaying dead
 * letters back to a topic is an operator's job, with a user of its own.
 * Commands: reads and writes, Lua scripts (EVAL/EVALSHA: Redis checks each command of a script
 * against the same user), connection commands and INFO; nothing `@dangerous` (FLUSHALL, CONFIG,
 * KEYS, ACL, DEBUG, …), no functions, no Pub/Sub channels. A consumer group is not an ACL object:
 * a user that may read a stream may use any group on it.
 */
import type { SpecIR } from '@specfirst/spec-core';
import { needsRedis } from '@specfirst/spec-core/connectivity';
import { deadLetterStreamKey, streamKey } from '@specfirst/spec-core/streams';
import { deadLetterQueueName, taskQueueName } from '@specfirst/spec-core/tasks';
import { REDIS_ACL_FILE } from '../../names.js';

export interface RedisAclOptions {
  /** Prefix of the stream keys (the runtime's `prefix` option): default `''`. */
  streamPrefix?: string;
  /** BullMQ's key prefix: default `bull`. */
  bullPrefix?: string;
}

/** One ACL user: its name (the service's) and its rules, without a password (`on resetkeys … ~… %R~… +… (%W~… +xadd)`). */
export interface RedisAclUser {
  user: string;
  rules: string;
}

/** The commands of every service's root rule; order matters (a later rule wins). No `XADD`: see {@link REDIS_ACL_APPEND}. */
export const REDIS_ACL_COMMANDS =
  '-@all +@read +@write +@connection +eval +evalsha +script|load +script|exists -@dangerous -function +info -xadd';

/** The only command of the selector that lists the keys a service may append to. */
export const REDIS_ACL_APPEND = '+xadd';

/** A Redis glob matching `text` literally. */
function literal(text: string): string {
  return text.replace(/[\\*?[\]]/g, (c) => `\\${c}`);
}

interface Access {
  read: boolean;
  /** Any write but `XADD`. */
  write: boolean;
  /** `XADD`. */
  append: boolean;
}

export function redisAclUsers(ir: SpecIR, options: RedisAclOptions = {}): RedisAclUser[] {
  const streamPrefix = options.streamPrefix ?? '';
  const bull = options.bullPrefix ?? 'bull';
  const users: RedisAclUser[] = [];
  for (const service of [...ir.services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!needsRedis(ir, service)) continue;
    const name = service.name;
    const keys = new Map<string, Access>();
    const grant = (pattern: string, read: boolean, write: boolean, append: boolean): void => {
      const was = keys.get(pattern) ?? { read: false, write: false, append: false };
      keys.set(pattern, { read: was.read || read, write: was.write || write, append: was.append || append });
    };
    grant(`${literal(streamPrefix + name)}:*`, true, true, true);
    for (const topic of ir.topics) {
      if (topic.producers.includes(name)) grant(literal(streamKey(topic, streamPrefix)), false, false, true);
      if (topic.consumers.includes(name)) {
        grant(literal(streamKey(topic, streamPrefix)), true, true, false);
        grant(literal(deadLetterStreamKey(topic, streamPrefix)), true, true, true);
      }
    }
    for (const task of ir.tasks) {
      const runs = task.worker === name;
      if (!runs && !task.enqueuers.includes(name)) continue;
      grant(`${literal(`${bull}:${taskQueueName(task)}`)}:*`, true, true, true);
      grant(`${literal(`${bull}:${deadLetterQueueName(task)}`)}:*`, true, runs, runs);
    }
    const sorted = [...keys].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const patterns = sorted
      .filter(([, access]) => access.read || access.write)
      .map(([pattern, access]) =>
        access.read && access.write ? `~${pattern}` : `%${access.read ? 'R' : 'W'}~${pattern}`,
      );
    const appends = sorted.filter(([, access]) => access.append).map(([pattern]) => `%W~${pattern}`);
    const selector = `(${[...appends, REDIS_ACL_APPEND].join(' ')})`;
    users.push({
      user: name,
      rules: ['on', 'resetkeys', 'resetchannels', 'clearselectors', ...patterns, REDIS_ACL_COMMANDS, selector].join(
        ' ',
      ),
    });
  }
  return users;
}

/** `deploy/redis/users.conf` (none when no service needs Redis): `user default off`, then one line per service. */
export function redisAclFiles(ir: SpecIR, options: RedisAclOptions = {}): { path: string; body: string }[] {
  const users = redisAclUsers(ir, options);
  if (users.length === 0) return [];
  const lines = ['user default off', ...users.map((u) => `user ${u.user} ${u.rules}`)];
  return [{ path: REDIS_ACL_FILE, body: `${lines.join('\n')}\n` }];
}
