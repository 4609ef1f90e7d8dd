/**
 * Conduit's composition: the generated app, given a controller per tag of the spec, how to check
 * the `Token` scheme, and how RealWorld wants invalid requests answered.
 */
import { type Express, type Logger, type Request, type ValidationProblem } from '@specfirst/runtime';
import { parsePointer } from '@specfirst/spec-core/json-pointer';
import cors from 'cors';
import express from 'express';
import { createConduitApp } from '#generated/routers/conduit/index.js';
import { tokenFromHeader } from './auth/tokens.js';
import { ArticlesControllerImpl } from './controllers/articles.js';
import { CommentsControllerImpl } from './controllers/comments.js';
import { FavoritesControllerImpl } from './controllers/favorites.js';
import { ProfileControllerImpl } from './controllers/profile.js';
import { TagsControllerImpl } from './controllers/tags.js';
import { UserAndAuthenticationControllerImpl } from './controllers/user-and-authentication.js';
import type { Dependencies } from './dependencies.js';
import { errorBody, unauthorized } from './errors.js';
import type { Viewer } from './principals.js';

export interface AppOptions {
  logger?: Logger;
  /**
   * Origins whose browser pages may call the API (`['*']` for any): a RealWorld frontend runs on
   * another origin than its backend. None by default. Tokens travel in a header, not a cookie.
   */
  corsOrigins?: readonly string[];
}

export function createApp(deps: Dependencies, options: AppOptions = {}): Express {
  const app = express();
  if (options.corsOrigins && options.corsOrigins.length > 0) {
    const origins = options.corsOrigins;
    app.use(cors({ origin: origins.includes('*') ? '*' : [...origins], maxAge: 600 }));
  }
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
      app,
      ...(options.logger ? { logger: options.logger } : {}),
      authenticate: { Token: (req) => viewerOf(req, deps) },
      // PostgreSQL cannot store U+0000 in `text`: a NUL anywhere in a parameter or the body is an
      // invalid request (422 below), never a failed insert or lookup (a 500).
      refuseNul: true,
      // RealWorld declares `422 {"errors": {"body": [...]}}` for requests it cannot accept.
      validationErrorResponse: (problem) => ({ status: 422, body: errorBody(...messagesOf(problem)) }),
    },
  );
}

/**
 * The viewer an `Authorization: Token <jwt>` header proves; null without one (the router then
 * answers 401 where a token is required, and lets the request through where it is optional).
 * A token that is there but no longer good (expired, of a deleted user, from before a password
 * change) is a 401 even where a token is optional: the client must learn that it is signed out.
 */
async function viewerOf(req: Request, deps: Dependencies): Promise<Viewer | null> {
  const header = req.get('authorization');
  if (header === undefined) return null;
  const token = tokenFromHeader(header);
  const claims = token === undefined ? undefined : await deps.tokens.verify(token);
  const user = claims && (await deps.users.byId(claims.userId));
  if (token === undefined || !claims || user?.token_key !== claims.key) {
    throw unauthorized(
      token === undefined
        ? 'the Authorization header must be `Token <jwt>`'
        : 'the token is not valid (any more): sign in again',
    );
  }
  return { userId: user.id, token, account: user };
}

/** `/body/user/email must be string` → `user.email must be string`: the field as the client sent it. */
function messagesOf(problem: ValidationProblem): string[] {
  return problem.errors.map(({ pointer, message }) => {
    const [part, ...path] = parsePointer(pointer);
    const field = path.join('.');
    if (part === 'body') return field === '' ? `body ${message}` : `${field} ${message}`;
    return field === ''
      ? `${part ?? 'request'} ${message}`
      : `${field} (${part === 'params' ? 'path' : part}) ${message}`;
  });
}
