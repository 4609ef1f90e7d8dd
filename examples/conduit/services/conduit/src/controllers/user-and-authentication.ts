/** Registration, login and the current user's account. */
import type { OperationContext } from '@specfirst/runtime';
import type { User } from '#generated/models.js';
import {
  createUserReply,
  getCurrentUserReply,
  loginReply,
  updateCurrentUserReply,
  type CreateUserRequest,
  type CreateUserResult,
  type GetCurrentUserRequest,
  type GetCurrentUserResult,
  type LoginRequest,
  type LoginResult,
  type UpdateCurrentUserRequest,
  type UpdateCurrentUserResult,
  type UserAndAuthenticationController,
} from '#generated/routers/conduit/user-and-authentication.js';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from '../auth/passwords.js';
import { newTokenKey } from '../auth/tokens.js';
import type { Dependencies } from '../dependencies.js';
import { isUniqueViolation } from '../db/database.js';
import { blankFields, errorBody, unauthorized } from '../errors.js';
import type { UserRow } from '../store/users.js';

function userOf(row: UserRow, token: string): User {
  return { email: row.email, token, username: row.username, bio: row.bio, image: row.image };
}

function takenMessages(fields: readonly string[]): string[] {
  return fields.map((field) => `${field} has already been taken`);
}

export class UserAndAuthenticationControllerImpl implements UserAndAuthenticationController {
  constructor(private readonly deps: Dependencies) {}

  private tokenFor(user: UserRow): Promise<string> {
    return this.deps.tokens.issue({ userId: user.id, key: user.token_key });
  }

  async login({ body }: LoginRequest): Promise<LoginResult> {
    const user = await this.deps.users.byEmail(body.user.email);
    // The same answer, after the same work, for an unknown e-mail and a wrong password.
    const valid = user
      ? await verifyPassword(body.user.password, user.password_hash)
      : await verifyAgainstDecoy(body.user.password);
    // The spec's 401 has no content; thrown as a problem, it has the body of every other 401.
    if (!user || !valid) throw unauthorized('the e-mail or the password is wrong');
    return loginReply.ok({ user: userOf(user, await this.tokenFor(user)) });
  }

  async createUser({ body }: CreateUserRequest): Promise<CreateUserResult> {
    const { username, email, password } = body.user;
    const problems = blankFields({ username, email, password });
    if (problems.length > 0) return createUserReply.unprocessableContent(errorBody(...problems));
    const taken = await this.deps.users.taken({ email, username });
    if (taken.length > 0) return createUserReply.unprocessableContent(errorBody(...takenMessages(taken)));
    try {
      const user = await this.deps.users.create({
        username,
        email,
        passwordHash: await hashPassword(password),
        tokenKey: newTokenKey(),
      });
      return createUserReply.created({ user: userOf(user, await this.tokenFor(user)) });
    } catch (error) {
      if (isUniqueViolation(error))
        return createUserReply.unprocessableContent(errorBody('email or username has already been taken'));
      throw error;
    }
  }

  getCurrentUser(_request: GetCurrentUserRequest, context: OperationContext<'Token', 'Token'>): GetCurrentUserResult {
    const { account, token } = context.principals.Token;
    return getCurrentUserReply.ok({ user: userOf(account, token) });
  }

  async updateCurrentUser(
    { body }: UpdateCurrentUserRequest,
    context: OperationContext<'Token', 'Token'>,
  ): Promise<UpdateCurrentUserResult> {
    const { userId, token } = context.principals.Token;
    const { email, username, password, bio, image } = body.user;
    // The spec's description asks for at least one field; its schema cannot say so.
    if ([email, username, password, bio, image].every((value) => value === undefined)) {
      return updateCurrentUserReply.unprocessableContent(
        errorBody('user must have at least one of email, username, password, bio, image'),
      );
    }
    const problems = blankFields({ email, username, password });
    if (problems.length > 0) return updateCurrentUserReply.unprocessableContent(errorBody(...problems));
    const taken = await this.deps.users.taken({ email, username }, userId);
    if (taken.length > 0) return updateCurrentUserReply.unprocessableContent(errorBody(...takenMessages(taken)));
    try {
      const newPassword =
        password === undefined ? undefined : { hash: await hashPassword(password), tokenKey: newTokenKey() };
      const user = await this.deps.users.update(userId, { email, username, bio, image, password: newPassword });
      if (!user) throw unauthorized('the account no longer exists: sign in again');
      // A new password ended every earlier token, the one of this request included: here is a new one.
      return updateCurrentUserReply.ok({ user: userOf(user, newPassword ? await this.tokenFor(user) : token) });
    } catch (error) {
      if (isUniqueViolation(error))
        return updateCurrentUserReply.unprocessableContent(errorBody('email or username has already been taken'));
      throw error;
    }
  }
}
