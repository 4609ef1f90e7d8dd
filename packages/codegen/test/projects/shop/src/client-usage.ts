// Compiled with the generated code: the typed client's results narrow on `status`.
import { createUsersClient } from '../generated/clients/users.js';

export async function registerAndFetch(baseUrl: string, email: string): Promise<string> {
  const users = createUsersClient({ baseUrl, headers: { authorization: 'Bearer good-token' } });
  const created = await users.createUser({ body: { email, name: 'Ada', password: 'correct horse battery' } });
  if (created.status !== 201) return `conflict: ${created.body.title}`;
  const fetched = await users.getUser({ params: { id: created.body.id } });
  if (fetched.status === 404) return 'lost';
  const page = await users.listUsers({ query: { limit: 5 } });
  return `${fetched.body.email} ${fetched.body.role} ${page.body.length} ${page.headers.get('x-request-id') !== null}`;
}
