/**
 * What a hostile client found (issue #12, points 13–15), on both databases: text PostgreSQL cannot
 * store, ids past its `integer`, tokens that are signed but say too little or too much, and error
 * answers that all have the same shape.
 */
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestConduit, TEST_JWT_SECRET, type TestConduit } from './support/conduit.js';
import { client, register } from './support/http.js';

/** A token as Conduit signs them, with claims a test chooses (Conduit's own issuer never signs these). */
function signed(claims: { sub?: string; key?: string; exp?: number }): Promise<string> {
  const jwt = new SignJWT(claims.key === undefined ? {} : { key: claims.key })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('conduit')
    .setIssuedAt();
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

const NUL = '\u0000';
const IN_AN_HOUR = () => Math.floor(Date.now() / 1000) + 3600;

describe.each(BACKENDS)('Conduit on %s, against hostile input', (backend) => {
  let conduit: TestConduit;
  let call: ReturnType<typeof client>;
  let mallory: string;
  let slug: string;
  let commentId: number;
  beforeAll(async () => {
    conduit = await startTestConduit(backend);
    call = client(conduit.url);
    mallory = await register(call, 'mallory');
    const article = await call('POST', '/articles', {
      token: mallory,
      body: { article: { title: 'Target', description: 'd', body: 'b' } },
    });
    slug = article.body.article.slug;
    commentId = (await call('POST', `/articles/${slug}/comments`, { token: mallory, body: { comment: { body: 'c' } } }))
      .body.comment.id;
  });
  afterAll(() => conduit?.stop());

  describe('a NUL character is refused with 422 and RealWorld error body, naming the field', () => {
    const cases: [string, string, string, (ctx: { slug: string }) => unknown, string][] = [
      [
        'registration username',
        'POST',
        '/users',
        () => ({
          user: { username: `a${NUL}b`, email: 'nul@example.com', password: 'p' },
        }),
        'user.username',
      ],
      [
        'login e-mail',
        'POST',
        '/users/login',
        () => ({ user: { email: `x${NUL}@example.com`, password: 'p' } }),
        'user.email',
      ],
      [
        'login password',
        'POST',
        '/users/login',
        () => ({ user: { email: 'x@example.com', password: NUL } }),
        'user.password',
      ],
      ['user update bio', 'PUT', '/user', () => ({ user: { bio: `bio${NUL}` } }), 'user.bio'],
      [
        'article title',
        'POST',
        '/articles',
        () => ({
          article: { title: `t${NUL}`, description: 'd', body: 'b' },
        }),
        'article.title',
      ],
      [
        'article tag',
        'POST',
        '/articles',
        () => ({
          article: { title: 't', description: 'd', body: 'b', tagList: ['ok', `x${NUL}`] },
        }),
        'article.tagList.1',
      ],
      ['article update body', 'PUT', '/articles/:slug', () => ({ article: { body: NUL } }), 'article.body'],
      ['comment body', 'POST', '/articles/:slug/comments', () => ({ comment: { body: `c${NUL}` } }), 'comment.body'],
    ];
    it.each(cases)('in the body: %s', async (_name, method, path, body, field) => {
      const reply = await call(method, path.replace(':slug', slug), { token: mallory, body: body({ slug }) });
      expect(reply.status).toBe(422);
      expect(reply.body).toEqual({ errors: { body: [`${field} must not contain the NUL character (U+0000)`] } });
    });

    const urls: [string, string, string][] = [
      ['GET', '/articles/a%00b', 'slug (path)'],
      ['GET', '/articles/a%00b/comments', 'slug (path)'],
      ['POST', '/articles/a%00b/favorite', 'slug (path)'],
      ['DELETE', '/articles/a%00b', 'slug (path)'],
      ['GET', '/profiles/%00', 'username (path)'],
      ['POST', '/profiles/m%00/follow', 'username (path)'],
      ['GET', '/articles?tag=%00', 'tag (query)'],
      ['GET', '/articles?author=a%00', 'author (query)'],
      ['GET', '/articles?favorited=%00x', 'favorited (query)'],
    ];
    it.each(urls)('in the URL: %s %s', async (method, path, field) => {
      const reply = await call(method, path, { token: mallory });
      expect(reply.status).toBe(422);
      expect(reply.body).toEqual({ errors: { body: [`${field} must not contain the NUL character (U+0000)`] } });
    });

    it('and nothing was stored', async () => {
      const rows = await conduit.database.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM users WHERE email = 'nul@example.com'",
      );
      expect(rows).toEqual([{ n: 0 }]);
    });
  });

  describe('an id past what the database holds is a 404, not a database error', () => {
    it.each(['2147483648', '99999999999', '-2147483649', '9007199254740991', '0'])(
      'DELETE a comment %s',
      async (id) => {
        const reply = await call('DELETE', `/articles/${slug}/comments/${id}`, { token: mallory });
        expect(reply.status).toBe(404);
        expect(reply.body).toMatchObject({ status: 404, title: 'Not Found' });
      },
    );

    it('and the comment that exists is still deleted', async () => {
      expect((await call('DELETE', `/articles/${slug}/comments/${commentId}`, { token: mallory })).status).toBe(204);
    });
  });

  describe('tokens', () => {
    it.each(['2147483648', '99999999999', '9007199254740993', '-1', '0', '1.5', 'abc', ''])(
      'refuses a signed token whose subject is %j with 401',
      async (sub) => {
        const token = await signed({ sub, key: 'any', exp: IN_AN_HOUR() });
        const reply = await call('GET', '/user', { token });
        expect(reply.status).toBe(401);
        expect(reply.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      },
    );

    it('refuses a token without an expiry, though it is signed and names a real key', async () => {
      const [row] = await conduit.database.query<{ id: number; token_key: string }>(
        "SELECT id, token_key FROM users WHERE username = 'mallory'",
      );
      if (row === undefined) throw new Error('mallory is not in the database');
      const withExpiry = await signed({ sub: String(row.id), key: row.token_key, exp: IN_AN_HOUR() });
      expect((await call('GET', '/user', { token: withExpiry })).status).toBe(200);
      const forever = await signed({ sub: String(row.id), key: row.token_key });
      const reply = await call('GET', '/user', { token: forever });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ status: 401, title: 'Unauthorized' });
    });

    it('answers a wrong password with the same 401 body as every other 401', async () => {
      const wrong = await call('POST', '/users/login', {
        body: { user: { email: 'mallory@example.com', password: 'not-it' } },
      });
      const unknown = await call('POST', '/users/login', {
        body: { user: { email: 'nobody@example.com', password: 'not-it' } },
      });
      const noToken = await call('GET', '/user');
      for (const reply of [wrong, unknown, noToken]) {
        expect(reply.status).toBe(401);
        expect(reply.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
        expect(Object.keys(reply.body).sort()).toEqual(['detail', 'instance', 'status', 'title', 'type']);
      }
      expect(wrong.body).toEqual(unknown.body);
    });
  });

  it('gives every problem response an `instance`: the request it answers', async () => {
    const answers = await Promise.all([
      call('GET', '/user'), // 401 from the router
      call('GET', '/user', { token: 'garbage' }), // 401 from the Token check
      call('GET', '/articles/no-such-article'), // 404 from a controller
      call('GET', '/no/such/path?x=1'), // 404 from the app
      call('PATCH', '/tags'), // 405
      fetch(`${conduit.url}/users/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' }),
      fetch(`${conduit.url}/users/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"user":',
      }),
      fetch(`${conduit.url}/users/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: { email: 'x'.repeat(2 * 1024 * 1024), password: 'p' } }),
      }),
      fetch(`${conduit.url}/articles/%E0%A4%A`), // a path that does not decode
    ]);
    const paths = [
      '/api/user',
      '/api/user',
      '/api/articles/no-such-article',
      '/api/no/such/path?x=1',
      '/api/tags',
      '/api/users/login',
      '/api/users/login',
      '/api/users/login',
      '/api/articles/%E0%A4%A',
    ];
    const seen = await Promise.all(
      answers.map(async (answer) => {
        if (answer instanceof Response) return { status: answer.status, body: await answer.json() };
        return { status: answer.status, body: answer.body };
      }),
    );
    expect(seen.map(({ status, body }) => [status, body.instance])).toEqual(
      [401, 401, 404, 404, 405, 415, 400, 413, 400].map((status, i) => [status, paths[i]]),
    );
  });

  // Last: every request above was answered without an unhandled error (a 500 logs one).
  it('logged no unhandled error', () => {
    expect(conduit.logs.filter((line) => line.includes('unhandled error'))).toEqual([]);
  });
});
