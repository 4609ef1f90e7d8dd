import type { Profile } from '#generated/models.js';
import { isRowId, onlyRow, type Queryable } from '../db/database.js';

export interface UserRow {
  id: number;
  username: string;
  email: string;
  password_hash: string;
  token_key: string;
  bio: string;
  image: string;
}

const COLUMNS = 'id, username, email, password_hash, token_key, bio, image';

/** E-mail addresses are compared without regard to case: `Jake@Example.com` is `jake@example.com`. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class UserStore {
  constructor(private readonly db: Queryable) {}

  async byId(id: number): Promise<UserRow | undefined> {
    if (!isRowId(id)) return undefined;
    return (await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]))[0];
  }

  async byEmail(email: string): Promise<UserRow | undefined> {
    return (await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE email = $1`, [normaliseEmail(email)]))[0];
  }

  async byUsername(username: string): Promise<UserRow | undefined> {
    return (await this.db.query<UserRow>(`SELECT ${COLUMNS} FROM users WHERE username = $1`, [username]))[0];
  }

  /** Which of the given identity fields another user already has; empty when they are free. */
  async taken(
    fields: { email?: string | undefined; username?: string | undefined },
    exceptId?: number,
  ): Promise<('email' | 'username')[]> {
    const clashes: ('email' | 'username')[] = [];
    if (fields.email !== undefined) {
      const rows = await this.db.query(`SELECT 1 FROM users WHERE email = $1 AND id <> $2`, [
        normaliseEmail(fields.email),
        exceptId ?? -1,
      ]);
      if (rows.length > 0) clashes.push('email');
    }
    if (fields.username !== undefined) {
      const rows = await this.db.query(`SELECT 1 FROM users WHERE username = $1 AND id <> $2`, [
        fields.username,
        exceptId ?? -1,
      ]);
      if (rows.length > 0) clashes.push('username');
    }
    return clashes;
  }

  async create(user: { username: string; email: string; passwordHash: string; tokenKey: string }): Promise<UserRow> {
    const rows = await this.db.query<UserRow>(
      `INSERT INTO users (username, email, password_hash, token_key) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [user.username, normaliseEmail(user.email), user.passwordHash, user.tokenKey],
    );
    return onlyRow(rows, 'INSERT INTO users');
  }

  /** A new password comes with a new `tokenKey`, so that it ends the sessions of the old one. */
  async update(
    id: number,
    changes: {
      username?: string | undefined;
      email?: string | undefined;
      password?: { hash: string; tokenKey: string } | undefined;
      bio?: string | undefined;
      image?: string | undefined;
    },
  ): Promise<UserRow | undefined> {
    // COALESCE keeps a column when its parameter is NULL, i.e. when the field was not sent.
    const rows = await this.db.query<UserRow>(
      `UPDATE users SET username = COALESCE($2, username), email = COALESCE($3, email), password_hash = COALESCE($4, password_hash),
         token_key = COALESCE($5, token_key), bio = COALESCE($6, bio), image = COALESCE($7, image)
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        changes.username ?? null,
        changes.email === undefined ? null : normaliseEmail(changes.email),
        changes.password?.hash ?? null,
        changes.password?.tokenKey ?? null,
        changes.bio ?? null,
        changes.image ?? null,
      ],
    );
    return rows[0];
  }

  /** `username`'s profile as `viewerId` sees it (`following`); undefined when there is no such user. */
  async profile(username: string, viewerId: number | undefined): Promise<Profile | undefined> {
    const rows = await this.db.query<{ username: string; bio: string; image: string; following: boolean }>(
      `SELECT u.username, u.bio, u.image,
         EXISTS (SELECT 1 FROM follows f WHERE f.followed_id = u.id AND f.follower_id = $2) AS following
       FROM users u WHERE u.username = $1`,
      [username, viewerId ?? null],
    );
    const row = rows[0];
    return row && { username: row.username, bio: row.bio, image: row.image, following: row.following };
  }

  async follow(followerId: number, followedId: number): Promise<void> {
    await this.db.query('INSERT INTO follows (follower_id, followed_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      followerId,
      followedId,
    ]);
  }

  async unfollow(followerId: number, followedId: number): Promise<void> {
    await this.db.query('DELETE FROM follows WHERE follower_id = $1 AND followed_id = $2', [followerId, followedId]);
  }
}
