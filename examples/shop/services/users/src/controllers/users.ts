import type { OperationContext } from '@specfirst/runtime';
import { CALLER_HEADERS } from '@specfirst/spec-core/connectivity';
import type { User } from '#generated/models.js';
import {
  createUserReply,
  getUserReply,
  listUsersReply,
  updateUserReply,
  type CreateUserRequest,
  type GetUserRequest,
  type ListUsersRequest,
  type UpdateUserRequest,
  type UsersController,
} from '#generated/routers/users/users.js';
import type { Customer } from '../../../../lib/principals.js';
import { problem } from '../../../../lib/problems.js';
import type { UserStore } from '../store.js';

/** A customer sees and changes only its own account; an admin, every account. */
const mayAccess = (customer: Customer, user: User | undefined): user is User =>
  user !== undefined && (customer.role === 'admin' || customer.userId === user.id);

const noSuchUser = problem(404, 'No such user');

export class UsersControllerImpl implements UsersController {
  constructor(private readonly users: UserStore) {}

  async createUser({ body }: CreateUserRequest) {
    const user = await this.users.create(body);
    return user
      ? createUserReply.created(user)
      : createUserReply.conflict(problem(409, 'E-mail already registered', `${body.email} has an account; sign in`));
  }

  getUser({ params }: GetUserRequest, { principals, log, req }: OperationContext<'bearer', 'bearer'>) {
    const user = this.users.get(params.id);
    // Another service's call (orders asks for a customer's e-mail), which the caller guard verified.
    const caller = req.get(CALLER_HEADERS.caller);
    if (caller !== undefined) log.info({ userId: params.id, caller, found: user !== undefined }, 'user read');
    return mayAccess(principals.bearer, user) ? getUserReply.ok(user) : getUserReply.notFound(noSuchUser);
  }

  async updateUser({ params, body }: UpdateUserRequest, { principals, log }: OperationContext<'bearer', 'bearer'>) {
    const customer = principals.bearer;
    if (!mayAccess(customer, this.users.get(params.id))) return updateUserReply.notFound(noSuchUser);
    // Only an admin gives or takes the admin role; a customer's `role` is left as it is, and logged.
    const { role, ...fields } = body;
    if (role !== undefined && customer.role !== 'admin') log.warn({ userId: customer.userId }, 'role left unchanged');
    const user = await this.users.update(params.id, customer.role === 'admin' ? body : fields);
    return user ? updateUserReply.ok(user) : updateUserReply.notFound(noSuchUser);
  }

  listUsers({ query }: ListUsersRequest, { principals }: OperationContext<'bearer', 'bearer'>) {
    const visible = this.users
      .list()
      .filter((user) => mayAccess(principals.bearer, user) && (query.role === undefined || user.role === query.role));
    // The cursor is the id of the last user of the previous page.
    const start = query.cursor === undefined ? 0 : visible.findIndex((user) => user.id === query.cursor) + 1;
    const page = visible.slice(start, start + query.limit);
    const last = page.at(-1);
    return start + page.length < visible.length && last
      ? listUsersReply.ok(page, { 'X-Next-Cursor': last.id })
      : listUsersReply.ok(page);
  }
}
