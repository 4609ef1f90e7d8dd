import type { Article } from '#generated/models.js';
import { isUniqueViolation, type Queryable, type SqlValue } from '../db/database.js';

/** An article as the API shows it to one viewer (`favorited`, `author.following`). */
interface ArticleRow {
  id: number;
  slug: string;
  title: string;
  description: string;
  body: string;
  tag_list: string[];
  created_at: Date;
  updated_at: Date;
  author_id: number;
  favorites_count: number;
  favorited: boolean;
  username: string;
  bio: string;
  image: string;
  following: boolean;
}

export interface ArticleFilter {
  tag?: string | undefined;
  author?: string | undefined;
  favoritedBy?: string | undefined;
  /** Only articles by authors this user follows. */
  feedOf?: number | undefined;
}

export interface ViewedArticle {
  id: number;
  authorId: number;
  article: Article;
}

/** `$1` is always the viewer (NULL when anonymous); filters add their parameters after it. */
const SELECT_VIEWED = `
  SELECT a.id, a.slug, a.title, a.description, a.body, a.tag_list, a.created_at, a.updated_at, a.author_id,
    (SELECT count(*)::int FROM favorites f WHERE f.article_id = a.id) AS favorites_count,
    EXISTS (SELECT 1 FROM favorites f WHERE f.article_id = a.id AND f.user_id = $1) AS favorited,
    u.username, u.bio, u.image,
    EXISTS (SELECT 1 FROM follows fo WHERE fo.followed_id = u.id AND fo.follower_id = $1) AS following
  FROM articles a JOIN users u ON u.id = a.author_id`;

function toArticle(row: ArticleRow): ViewedArticle {
  return {
    id: row.id,
    authorId: row.author_id,
    article: {
      slug: row.slug,
      title: row.title,
      description: row.description,
      body: row.body,
      tagList: row.tag_list,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      favorited: row.favorited,
      favoritesCount: row.favorites_count,
      author: { username: row.username, bio: row.bio, image: row.image, following: row.following },
    },
  };
}

/** `Hello, World!` → `hello-world`; a random suffix keeps slugs unique when titles are not. */
export function slugify(title: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  const suffix = Math.random().toString(36).slice(2, 8);
  return base === '' ? suffix : `${base}-${suffix}`;
}

export class ArticleStore {
  constructor(private readonly db: Queryable) {}

  /** Newest first, with the total number that match for paging. */
  async list(
    filter: ArticleFilter,
    page: { limit: number; offset: number },
    viewerId: number | undefined,
  ): Promise<{ articles: ViewedArticle[]; count: number }> {
    const countParams: SqlValue[] = [];
    const [{ count } = { count: 0 }] = await this.db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM articles a JOIN users u ON u.id = a.author_id${whereClause(filter, countParams)}`,
      countParams,
    );
    const params: SqlValue[] = [viewerId ?? null];
    const clause = whereClause(filter, params);
    params.push(page.limit, page.offset);
    const rows = await this.db.query<ArticleRow>(
      `${SELECT_VIEWED}${clause} ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
    return { articles: rows.map(toArticle), count };
  }

  async bySlug(slug: string, viewerId: number | undefined): Promise<ViewedArticle | undefined> {
    const row = (await this.db.query<ArticleRow>(`${SELECT_VIEWED} WHERE a.slug = $2`, [viewerId ?? null, slug]))[0];
    return row && toArticle(row);
  }

  async create(
    authorId: number,
    article: { title: string; description: string; body: string; tagList: readonly string[] },
  ): Promise<string> {
    // The random suffix makes a clash unlikely, not impossible: a clash draws another one.
    for (let attempt = 1; ; attempt++) {
      const slug = slugify(article.title);
      try {
        await this.db.query(
          'INSERT INTO articles (slug, title, description, body, tag_list, author_id) VALUES ($1, $2, $3, $4, $5, $6)',
          [slug, article.title, article.description, article.body, normaliseTags(article.tagList), authorId],
        );
        return slug;
      } catch (error) {
        if (attempt >= 3 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  /** Applies the given fields; a title gives a new slug. The article's slug, or undefined when it is gone. */
  async update(
    id: number,
    changes: { title?: string | undefined; description?: string | undefined; body?: string | undefined },
  ): Promise<string | undefined> {
    const rows = await this.db.query<{ slug: string }>(
      `UPDATE articles SET slug = COALESCE($2, slug), title = COALESCE($3, title), description = COALESCE($4, description), body = COALESCE($5, body), updated_at = now()
       WHERE id = $1 RETURNING slug`,
      [
        id,
        changes.title === undefined ? null : slugify(changes.title),
        changes.title ?? null,
        changes.description ?? null,
        changes.body ?? null,
      ],
    );
    return rows[0]?.slug;
  }

  async delete(id: number): Promise<void> {
    await this.db.query('DELETE FROM articles WHERE id = $1', [id]);
  }

  async favorite(userId: number, articleId: number): Promise<void> {
    await this.db.query('INSERT INTO favorites (user_id, article_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
      userId,
      articleId,
    ]);
  }

  async unfavorite(userId: number, articleId: number): Promise<void> {
    await this.db.query('DELETE FROM favorites WHERE user_id = $1 AND article_id = $2', [userId, articleId]);
  }

  /** Every tag used by an article, alphabetically. */
  async tags(): Promise<string[]> {
    const rows = await this.db.query<{ tag: string }>(
      'SELECT DISTINCT unnest(tag_list) AS tag FROM articles ORDER BY tag',
    );
    return rows.map((row) => row.tag);
  }
}

/** The filter as SQL over `articles a JOIN users u`, its values appended to `params`. */
function whereClause(filter: ArticleFilter, params: SqlValue[]): string {
  const param = (value: SqlValue): string => `$${params.push(value)}`;
  const where: string[] = [];
  if (filter.tag !== undefined) where.push(`${param(filter.tag)} = ANY (a.tag_list)`);
  if (filter.author !== undefined) where.push(`u.username = ${param(filter.author)}`);
  if (filter.favoritedBy !== undefined) {
    where.push(
      `EXISTS (SELECT 1 FROM favorites f JOIN users fu ON fu.id = f.user_id WHERE f.article_id = a.id AND fu.username = ${param(filter.favoritedBy)})`,
    );
  }
  if (filter.feedOf !== undefined)
    where.push(`a.author_id IN (SELECT followed_id FROM follows WHERE follower_id = ${param(filter.feedOf)})`);
  return where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
}

/** Tags once each, alphabetically: RealWorld's test suite expects `["dragons", "training"]` for `["training", "dragons"]`. */
function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))].sort();
}
