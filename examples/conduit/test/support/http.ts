/** A tiny JSON client for the tests: real HTTP to the running service, no framework in between. */
export interface Reply {
  status: number;
  headers: Headers;
  // The tests look into arbitrary response shapes; each asserts the parts it cares about.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export function client(baseUrl: string) {
  return async function call(
    method: string,
    path: string,
    options: { body?: unknown; token?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token !== undefined) headers['authorization'] = `Token ${options.token}`;
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text === '' ? undefined : JSON.parse(text) };
  };
}

/** Registers a user and gives back its token. */
export async function register(call: ReturnType<typeof client>, username: string): Promise<string> {
  const reply = await call('POST', '/users', {
    body: { user: { username, email: `${username}@example.com`, password: `${username}-password` } },
  });
  if (reply.status !== 201)
    throw new Error(`registering ${username} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.user.token as string;
}
