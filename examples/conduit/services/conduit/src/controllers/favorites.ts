/** Favouriting articles. */
import type { OperationContext } from '@specfirst/runtime';
import {
  createArticleFavoriteReply,
  deleteArticleFavoriteReply,
  type CreateArticleFavoriteRequest,
  type CreateArticleFavoriteResult,
  type DeleteArticleFavoriteRequest,
  type DeleteArticleFavoriteResult,
  type FavoritesController,
} from '#generated/routers/conduit/favorites.js';
import type { Dependencies } from '../dependencies.js';
import { found, pointingAt } from '../errors.js';

export class FavoritesControllerImpl implements FavoritesController {
  constructor(private readonly deps: Dependencies) {}

  async createArticleFavorite(
    { params }: CreateArticleFavoriteRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<CreateArticleFavoriteResult> {
    const { userId } = context.principals.Token;
    const article = found(await this.deps.articles.bySlug(params.slug, userId), `article ${params.slug}`);
    await pointingAt(`article ${params.slug}`, this.deps.articles.favorite(userId, article.id));
    return createArticleFavoriteReply.ok({
      article: found(await this.deps.articles.bySlug(params.slug, userId), `article ${params.slug}`).article,
    });
  }

  async deleteArticleFavorite(
    { params }: DeleteArticleFavoriteRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<DeleteArticleFavoriteResult> {
    const { userId } = context.principals.Token;
    const article = found(await this.deps.articles.bySlug(params.slug, userId), `article ${params.slug}`);
    await this.deps.articles.unfavorite(userId, article.id);
    return deleteArticleFavoriteReply.ok({
      article: found(await this.deps.articles.bySlug(params.slug, userId), `article ${params.slug}`).article,
    });
  }
}
