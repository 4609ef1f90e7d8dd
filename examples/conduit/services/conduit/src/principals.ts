import type { UserRow } from './store/users.js';

/**
 * What the `Token` security scheme yields once the generated router has checked a request's
 * `Authorization: Token <jwt>` header: every controller's `context.principals.Token` has this type.
 */
export interface Viewer {
  userId: number;
  /** The token the request came with: `GET /user` answers with it. */
  token: string;
  /** The account as it was read to check the token: `GET /user` needs no second read. */
  account: UserRow;
}

declare module '@specfirst/runtime' {
  interface Principals {
    Token: Viewer;
  }
}
