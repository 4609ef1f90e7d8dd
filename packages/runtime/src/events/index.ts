export {
  createOutbox,
  pgOutboxDatabase,
  pgliteOutboxDatabase,
  type FailedOutboxRow,
  type Outbox,
  type OutboxDatabase,
  type OutboxOptions,
  type OutboxRelay,
  type PGliteLike,
  type PgPoolLike,
  type Queryable,
  type RelayOptions,
} from './outbox.js';
