/** Comments on articles. */
import type { OperationContext } from '@specfirst/runtime';
import {
  createArticleCommentReply,
  deleteArticleCommentReply,
  getArticleCommentsReply,
  type CommentsController,
  type CreateArticleCommentRequest,
  type CreateArticleCommentResult,
  type DeleteArticleCommentRequest,
  type DeleteArticleCommentResult,
  type GetArticleCommentsRequest,
  type GetArticleCommentsResult,
} from '#generated/routers/conduit/comments.js';
import type { Dependencies } from '../dependencies.js';
import { errorBody, forbidden, found, pointingAt } from '../errors.js';

export class CommentsControllerImpl implements CommentsController {
  constructor(private readonly deps: Dependencies) {}

  async getArticleComments(
    { params }: GetArticleCommentsRequest,
    context: OperationContext<'Token'>,
  ): Promise<GetArticleCommentsResult> {
    const viewerId = context.principals.Token?.userId;
    const article = found(await this.deps.articles.bySlug(params.slug, viewerId), `article ${params.slug}`);
    const comments = await this.deps.comments.forArticle(article.id, viewerId);
    return getArticleCommentsReply.ok({ comments: comments.map((viewed) => viewed.comment) });
  }

  async createArticleComment(
    { params, body }: CreateArticleCommentRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<CreateArticleCommentResult> {
    const { userId } = context.principals.Token;
    if (body.comment.body.trim() === '')
      return createArticleCommentReply.unprocessableContent(errorBody("body can't be blank"));
    const article = found(await this.deps.articles.bySlug(params.slug, userId), `article ${params.slug}`);
    const id = await pointingAt(
      `article ${params.slug}`,
      this.deps.comments.create(article.id, userId, body.comment.body),
    );
    return createArticleCommentReply.ok({
      comment: found(await this.deps.comments.byId(article.id, id, userId), `comment ${id}`).comment,
    });
  }

  async deleteArticleComment(
    { params }: DeleteArticleCommentRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<DeleteArticleCommentResult> {
    const { userId } = context.principals.Token;
    const article = found(await this.deps.articles.bySlug(params.slug, userId), `article ${params.slug}`);
    const viewed = found(
      await this.deps.comments.byId(article.id, params.id, userId),
      `comment ${params.id} on ${params.slug}`,
    );
    if (viewed.authorId !== userId) throw forbidden(`only the author of comment ${params.id} may delete it`);
    await this.deps.comments.delete(params.id);
    return deleteArticleCommentReply.noContent();
  }
}
