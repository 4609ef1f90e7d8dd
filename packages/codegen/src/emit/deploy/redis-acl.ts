/**
 * The Redis ACL of a deployment: one user per service that needs Redis, allowed only the commands
 * and keys of its declared topics, queues and groups. The compose file passes the same rules to
 * `redis-server --user`, with each service's password from the environment.
 *
 * Skeleton (issue #15): the signature the compose emitter builds on; the rules are written next.
 */
import type { SpecIR } from '@specfirst/spec-core';

export interface RedisAclOptions {
  /** Prefix of the stream keys (the runtime's `prefix` option): default `''`. */
  streamPrefix?: string;
  /** BullMQ's key prefix: default `bull`. */
  bullPrefix?: string;
}

/** One ACL user: its name (the service's) and its rules, without a password (`on ~… %R~… +…`). */
export interface RedisAclUser {
  user: string;
  rules: string;
}

export function redisAclUsers(_ir: SpecIR, _options: RedisAclOptions = {}): RedisAclUser[] {
  return [];
}
