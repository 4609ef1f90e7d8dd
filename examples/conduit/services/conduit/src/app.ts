/**
 * Conduit's composition: the generated app, given a controller per tag of the spec, how to check
 * the `Token` scheme, and how RealWorld wants invalid requests answered.
 */
import type { Express, Logger, Request, ValidationProblem } from '@specfirst/runtime';
import { createConduitApp } from '../../../generated/routers/conduit/index.js';
import { tokenFromHeader } from './auth/tokens.js';
import { ArticlesControllerImpl } from './controllers/articles.js';
import { CommentsControllerImpl } from './controllers/comments.js';
import { FavoritesControllerImpl } from './controllers/favorites.js';
import { ProfileControllerImpl } from './controllers/profile.js';
import { TagsControllerImpl } from './controllers/tags.js';
import { UserAndAuthenticationControllerImpl } from './controllers/user-and-authentication.js';
import type { Dependencies } from './dependencies.js';
import { errorBody } from './errors.js';
import type { Viewer } from './principals.js';

export interface AppOptions {
  logger?: Logger;
}

export function createApp(deps: Dependencies, options: AppOptions = {}): Express {
  return createConduitApp(
    {
      articles: new ArticlesControllerImpl(deps),
      comments: new CommentsControllerImpl(deps),
      favorites: new FavoritesControllerImpl(deps),
      profile: new ProfileControllerImpl(deps),
      tags: new TagsControllerImpl(deps),
      userAndAuthentication: new UserAndAuthenticationControllerImpl(deps),
    },
    {
      ...(options.logger ? { logger: options.logger } : {}),
      authenticate: { Token: (req) => viewerOf(req, deps) },
      // RealWorld declares `422 {"errors": {"body": [...]}}` for requests it cannot accept.
      validationErrorResponse: (problem) => ({ status: 422, body: errorBody(...messagesOf(problem)) }),
    },
  );
}

/** The viewer an `Authorization: Token <jwt>` header proves, or null (the router then answers 401). */
async function viewerOf(req: Request, deps: Dependencies): Promise<Viewer | null> {
  const token = tokenFromHeader(req.get('authorization'));
  if (token === undefined) return null;
  const claims = await deps.tokens.verify(token);
  return claims ? { userId: claims.userId, token } : null;
}

/** `/body/user/email must be string` → `user.email must be string`: the field as the client sent it. */
function messagesOf(problem: ValidationProblem): string[] {
  return problem.errors.map(({ pointer, message }) => {
    const [part, ...path] = pointer.split('/').slice(1).map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
    const field = path.join('.');
    if (part === 'body') return field === '' ? `body ${message}` : `${field} ${message}`;
    return field === '' ? `${part ?? 'request'} ${message}` : `${field} (${part === 'params' ? 'path' : part}) ${message}`;
  });
}
