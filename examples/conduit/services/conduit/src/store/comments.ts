import type { Comment } from '#generated/models.js';
import { isRowId, onlyRow, type Queryable } from '../db/database.js';

interface CommentRow {
  id: number;
  author_id: number;
  body: string;
  created_at: Date;
  updated_at: Date;
  username: string;
  bio: string;
  image: string;
  following: boolean;
}

export interface ViewedComment {
  authorId: number;
  comment: Comment;
}

const SELECT_VIEWED = `
  SELECT c.id, c.author_id, c.body, c.created_at, c.updated_at, u.username, u.bio, u.image,
    EXISTS (SELECT 1 FROM follows fo WHERE fo.followed_id = u.id AND fo.follower_id = $1) AS following
  FROM comments c JOIN users u ON u.id = c.author_id`;

function toComment(row: CommentRow): ViewedComment {
  return {
    authorId: row.author_id,
    comment: {
      id: row.id,
      body: row.body,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      author: { username: row.username, bio: row.bio, image: row.image, following: row.following },
    },
  };
}

export class CommentStore {
  constructor(private readonly db: Queryable) {}

  /** An article's comments, oldest first, as `viewerId` sees their authors. */
  async forArticle(articleId: number, viewerId: number | undefined): Promise<ViewedComment[]> {
    const rows = await this.db.query<CommentRow>(
      `${SELECT_VIEWED} WHERE c.article_id = $2 ORDER BY c.created_at, c.id`,
      [viewerId ?? null, articleId],
    );
    return rows.map(toComment);
  }

  /** The comment `id` of the article; undefined when there is none, `id` past any row's included. */
  async byId(articleId: number, id: number, viewerId: number | undefined): Promise<ViewedComment | undefined> {
    if (!isRowId(id)) return undefined;
    const row = (
      await this.db.query<CommentRow>(`${SELECT_VIEWED} WHERE c.article_id = $2 AND c.id = $3`, [
        viewerId ?? null,
        articleId,
        id,
      ])
    )[0];
    return row && toComment(row);
  }

  async create(articleId: number, authorId: number, body: string): Promise<number> {
    const rows = await this.db.query<{ id: number }>(
      'INSERT INTO comments (article_id, author_id, body) VALUES ($1, $2, $3) RETURNING id',
      [articleId, authorId, body],
    );
    return onlyRow(rows, 'INSERT INTO comments').id;
  }

  async delete(id: number): Promise<void> {
    if (!isRowId(id)) return;
    await this.db.query('DELETE FROM comments WHERE id = $1', [id]);
  }
}
