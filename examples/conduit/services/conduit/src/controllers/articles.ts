/** Articles: lists, the feed, and an author's own articles. */
import type { OperationContext } from '@specfirst/runtime';
import {
  createArticleReply,
  deleteArticleReply,
  getArticleReply,
  getArticlesFeedReply,
  getArticlesReply,
  updateArticleReply,
  type ArticlesController,
  type CreateArticleRequest,
  type CreateArticleResult,
  type DeleteArticleRequest,
  type DeleteArticleResult,
  type GetArticleRequest,
  type GetArticleResult,
  type GetArticlesFeedRequest,
  type GetArticlesFeedResult,
  type GetArticlesRequest,
  type GetArticlesResult,
  type UpdateArticleRequest,
  type UpdateArticleResult,
} from '#generated/routers/conduit/articles.js';
import type { Dependencies } from '../dependencies.js';
import { blankFields, errorBody, forbidden, found } from '../errors.js';
import type { ArticleFilter, ViewedArticle } from '../store/articles.js';

/** The most articles one page of a list holds, whatever `limit` asks for. */
export const MAX_PAGE = 100;

/** A list entry: the article without its body, which the spec leaves out of lists. */
function listEntry({ article }: ViewedArticle): Omit<ViewedArticle['article'], 'body'> {
  const { body: _body, ...entry } = article;
  return entry;
}

export class ArticlesControllerImpl implements ArticlesController {
  constructor(private readonly deps: Dependencies) {}

  async getArticlesFeed(
    { query }: GetArticlesFeedRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<GetArticlesFeedResult> {
    const { userId } = context.principals.Token;
    return getArticlesFeedReply.ok(await this.page({ feedOf: userId }, query, userId));
  }

  async getArticles({ query }: GetArticlesRequest, context: OperationContext<'Token'>): Promise<GetArticlesResult> {
    return getArticlesReply.ok(
      await this.page(
        { tag: query.tag, author: query.author, favoritedBy: query.favorited },
        query,
        context.principals.Token?.userId,
      ),
    );
  }

  async createArticle(
    { body }: CreateArticleRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<CreateArticleResult> {
    const { userId } = context.principals.Token;
    const { title, description, body: text, tagList = [] } = body.article;
    const blank = blankFields({ title, description, body: text });
    if (blank.length > 0) return createArticleReply.unprocessableContent(errorBody(...blank));
    const slug = await this.deps.articles.create(userId, { title, description, body: text, tagList });
    return createArticleReply.created({
      article: found(await this.deps.articles.bySlug(slug, userId), `article ${slug}`).article,
    });
  }

  async getArticle({ params }: GetArticleRequest, context: OperationContext<'Token'>): Promise<GetArticleResult> {
    const viewed = found(
      await this.deps.articles.bySlug(params.slug, context.principals.Token?.userId),
      `article ${params.slug}`,
    );
    return getArticleReply.ok({ article: viewed.article });
  }

  async updateArticle(
    { params, body }: UpdateArticleRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<UpdateArticleResult> {
    const { userId } = context.principals.Token;
    const viewed = await this.ownArticle(params.slug, userId, 'edit');
    const { title, description, body: text } = body.article;
    const blank = blankFields({ title, description, body: text });
    if (blank.length > 0) return updateArticleReply.unprocessableContent(errorBody(...blank));
    // A new title gives a new slug; the same title again keeps the links to the article working.
    const retitled = title !== undefined && title !== viewed.article.title ? title : undefined;
    const slug = found(
      await this.deps.articles.update(viewed.id, { title: retitled, description, body: text }),
      `article ${params.slug}`,
    );
    return updateArticleReply.ok({
      article: found(await this.deps.articles.bySlug(slug, userId), `article ${slug}`).article,
    });
  }

  async deleteArticle(
    { params }: DeleteArticleRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<DeleteArticleResult> {
    const viewed = await this.ownArticle(params.slug, context.principals.Token.userId, 'delete');
    await this.deps.articles.delete(viewed.id);
    return deleteArticleReply.noContent();
  }

  private async page(
    filter: ArticleFilter,
    query: { limit: number; offset?: number | undefined },
    viewerId: number | undefined,
  ) {
    // The spec bounds neither from above. A page holds at most MAX_PAGE articles, and an offset
    // past any table (PostgreSQL's bigint ends at 2^63) just gives an empty page.
    const limit = Math.min(query.limit, MAX_PAGE);
    const offset = Math.min(query.offset ?? 0, Number.MAX_SAFE_INTEGER);
    const { articles, count } = await this.deps.articles.list(filter, { limit, offset }, viewerId);
    return { articles: articles.map(listEntry), articlesCount: count };
  }

  /** The article, when `userId` wrote it; a 404 or 403 problem otherwise. */
  private async ownArticle(slug: string, userId: number, action: string): Promise<ViewedArticle> {
    const viewed = found(await this.deps.articles.bySlug(slug, userId), `article ${slug}`);
    if (viewed.authorId !== userId) throw forbidden(`only the author of ${slug} may ${action} it`);
    return viewed;
  }
}
