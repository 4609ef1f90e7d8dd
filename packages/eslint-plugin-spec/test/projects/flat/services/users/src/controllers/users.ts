// The controller for tag `users`, without `implements UsersController`: reported, with the fix.
export class Users {
  getUser() {
    return { status: 404, body: { type: 'about:blank', title: 'No such user', status: 404 } };
  }
}
