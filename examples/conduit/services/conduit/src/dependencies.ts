import type { Tokens } from './auth/tokens.js';
import type { Queryable } from './db/database.js';
import { ArticleStore } from './store/articles.js';
import { CommentStore } from './store/comments.js';
import { UserStore } from './store/users.js';

/** What the controllers work with: the stores over one database, and the token issuer. */
export interface Dependencies {
  users: UserStore;
  articles: ArticleStore;
  comments: CommentStore;
  tokens: Tokens;
}

export function createDependencies(db: Queryable, tokens: Tokens): Dependencies {
  return { users: new UserStore(db), articles: new ArticleStore(db), comments: new CommentStore(db), tokens };
}
