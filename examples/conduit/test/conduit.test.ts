/**
 * What a Conduit client notices beyond RealWorld's own suite: RealWorld's error shape, who may do
 * what, tokens, paging, and a database that is migrated once and keeps its data.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../services/conduit/src/db/database.js';
import { MIGRATIONS_DIR, migrate } from '../services/conduit/src/db/migrate.js';
import { BACKENDS, startTestConduit, type TestConduit } from './support/conduit.js';
import { client, register } from './support/http.js';

describe.each(BACKENDS)('Conduit on %s', (backend) => {
  let conduit: TestConduit;
  let call: ReturnType<typeof client>;
  let jake: string;
  let jane: string;
  beforeAll(async () => {
    conduit = await startTestConduit(backend);
    call = client(conduit.url);
    jake = await register(call, 'jake');
    jane = await register(call, 'jane');
  });
  afterAll(() => conduit?.stop());

  it('answers an invalid request with 422 and RealWorld error body, naming each field', async () => {
    const reply = await call('POST', '/users', { body: { user: { email: 42, username: 'x' } } });
    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({
      errors: { body: expect.arrayContaining(['user.password is required', 'user.email must be string']) },
    });
  });

  it('refuses a second account with the same e-mail or username', async () => {
    const reply = await call('POST', '/users', {
      body: { user: { username: 'jake', email: 'JAKE@example.com', password: 'another-one' } },
    });
    expect(reply.status).toBe(422);
    expect(reply.body.errors.body).toEqual(['email has already been taken', 'username has already been taken']);
  });

  it('logs in with the password, not without it, and never stores it as given', async () => {
    expect(
      (await call('POST', '/users/login', { body: { user: { email: 'jake@example.com', password: 'wrong' } } })).status,
    ).toBe(401);
    const ok = await call('POST', '/users/login', {
      body: { user: { email: 'Jake@Example.com', password: 'jake-password' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ username: 'jake', email: 'jake@example.com', bio: '', image: '' });
    const rows = await conduit.database.query<{ password_hash: string }>(
      'SELECT password_hash FROM users WHERE username = $1',
      ['jake'],
    );
    expect(rows).toEqual([{ password_hash: expect.stringMatching(/^scrypt\$/) }]);
    expect(rows[0]?.password_hash).not.toContain('jake-password');
  });

  it('requires a valid token where the spec requires one', async () => {
    expect((await call('GET', '/user')).status).toBe(401);
    expect((await call('GET', '/user', { token: `${jake}x` })).status).toBe(401);
    const other = await startTestConduit('pglite', { jwtSecret: 'another-secret-that-is-long-enough-for-hs256' });
    try {
      // A token another deployment signed is no token here.
      expect((await client(other.url)('GET', '/user', { token: jake })).status).toBe(401);
    } finally {
      await other.stop();
    }
    const me = await call('GET', '/user', { token: jake });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ username: 'jake', token: jake });
  });

  it('shows the viewer what they favourited and follow where authentication is optional', async () => {
    const created = await call('POST', '/articles', {
      token: jane,
      body: { article: { title: 'Optional auth', description: 'd', body: 'b', tagList: ['zeta', 'alpha', 'zeta'] } },
    });
    expect(created.status).toBe(201);
    const { slug } = created.body.article;
    expect(created.body.article.tagList).toEqual(['alpha', 'zeta']);
    expect((await call('POST', `/articles/${slug}/favorite`, { token: jake })).body.article).toMatchObject({
      favorited: true,
      favoritesCount: 1,
    });
    expect((await call('POST', '/profiles/jane/follow', { token: jake })).body.profile.following).toBe(true);

    const asJake = await call('GET', `/articles/${slug}`, { token: jake });
    expect(asJake.body.article).toMatchObject({
      favorited: true,
      favoritesCount: 1,
      author: { username: 'jane', following: true },
    });
    const anonymous = await call('GET', `/articles/${slug}`);
    expect(anonymous.body.article).toMatchObject({ favorited: false, favoritesCount: 1, author: { following: false } });
    const listed = await call('GET', '/articles?author=jane', { token: jake });
    expect(listed.body.articles[0]).toMatchObject({ slug, favorited: true });
    expect(listed.body.articles[0]).not.toHaveProperty('body');
    expect((await call('GET', '/profiles/jane', { token: jake })).body.profile.following).toBe(true);
    expect((await call('GET', '/profiles/jane')).body.profile.following).toBe(false);
    expect(
      (await call('GET', '/articles/feed', { token: jake })).body.articles.map((a: { slug: string }) => a.slug),
    ).toContain(slug);
    // A token that is sent must be good even where none is needed: the client learns it is signed out.
    expect((await call('GET', `/articles/${slug}`, { token: 'garbage' })).status).toBe(401);
  });

  it('ends every earlier token when the password changes, and gives a new one', async () => {
    const old = await register(call, 'rotating');
    const changed = await call('PUT', '/user', { token: old, body: { user: { password: 'a-brand-new-password' } } });
    expect(changed.status).toBe(200);
    expect(changed.body.user.token).not.toBe(old);
    expect((await call('GET', '/user', { token: old })).status).toBe(401);
    expect((await call('GET', '/user', { token: changed.body.user.token })).body.user.username).toBe('rotating');
    const login = await call('POST', '/users/login', {
      body: { user: { email: 'rotating@example.com', password: 'a-brand-new-password' } },
    });
    expect(login.status).toBe(200);
  });

  it('refuses a comment id that is not a decimal integer before the controller sees it', async () => {
    const { slug } = (
      await call('POST', '/articles', { token: jane, body: { article: { title: 'Ids', description: 'd', body: 'b' } } })
    ).body.article;
    for (const id of ['Infinity', '1e3', '0x10', '%205', '1.5', '9007199254740993']) {
      const reply = await call('DELETE', `/articles/${slug}/comments/${id}`, { token: jane });
      expect(reply.status, id).toBe(422);
      expect(reply.body.errors.body, id).toEqual([expect.stringMatching(/^id \(path\) must be an? (integer|safe)/)]);
    }
    expect(conduit.logs.filter((line) => line.includes('"level":"error"'))).toEqual([]);
  });

  it('refuses a body nested 100,000 levels deep with a 400 problem, not a 500', async () => {
    // Sent as text: JSON.stringify itself cannot write a value this deep.
    const reply = await fetch(`${conduit.url}/articles`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Token ${jane}` },
      body: `{"article":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(await reply.json()).toMatchObject({ code: 'SFR3001', title: 'The request body is nested too deeply' });
  });

  it('lets only the author change or delete an article or a comment', async () => {
    const { slug } = (
      await call('POST', '/articles', {
        token: jane,
        body: { article: { title: 'Mine', description: 'd', body: 'b' } },
      })
    ).body.article;
    const comment = await call('POST', `/articles/${slug}/comments`, {
      token: jane,
      body: { comment: { body: 'first' } },
    });
    expect(comment.status).toBe(200);
    const forbidden = await call('DELETE', `/articles/${slug}`, { token: jake });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
    // A problem that is RealWorld's GenericErrorModel too, as spec/services.yaml declares the 403.
    expect(forbidden.body).toMatchObject({
      status: 403,
      errors: { body: [expect.stringMatching(/^only the author/)] },
    });
    expect(
      (await call('DELETE', `/articles/${slug}/comments/${comment.body.comment.id}`, { token: jake })).status,
    ).toBe(403);
    expect(
      (await call('PUT', `/articles/${slug}`, { token: jake, body: { article: { body: 'hijacked' } } })).status,
    ).toBe(403);

    const retold = await call('PUT', `/articles/${slug}`, {
      token: jane,
      body: { article: { title: 'Mine', body: 'b2' } },
    });
    expect(retold.body.article).toMatchObject({ slug, body: 'b2' }); // the same title keeps the slug, and links
    const renamed = await call('PUT', `/articles/${slug}`, {
      token: jane,
      body: { article: { title: 'A new title' } },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.article.slug).toMatch(/^a-new-title-/);
    expect(renamed.body.article.body).toBe('b2');
    expect((await call('DELETE', `/articles/${renamed.body.article.slug}`, { token: jane })).status).toBe(204);
    const gone = await call('GET', `/articles/${renamed.body.article.slug}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: 404, title: 'Not Found' });
    expect(gone.body.errors).toEqual({ body: [`article ${renamed.body.article.slug} does not exist`] });
  });

  it('pages lists newest first and counts every match', async () => {
    for (const n of [1, 2, 3])
      await call('POST', '/articles', {
        token: jake,
        body: { article: { title: `Paged ${n}`, description: 'd', body: 'b', tagList: ['paged'] } },
      });
    const page = await call('GET', '/articles?tag=paged&limit=2&offset=1');
    expect(page.body.articlesCount).toBe(3);
    expect(page.body.articles.map((a: { title: string }) => a.title)).toEqual(['Paged 2', 'Paged 1']);
    expect((await call('GET', '/articles?limit=0')).status).toBe(422);
    // Paging values past any table are an empty page, not a database error.
    const far = await call('GET', '/articles?tag=paged&limit=9007199254740991&offset=9007199254740991');
    expect(far.status).toBe(200);
    expect(far.body).toEqual({ articles: [], articlesCount: 3 });
    // Past the safe integers a number is no longer exact: refused, not rounded.
    expect((await call('GET', '/articles?tag=paged&offset=99999999999999999999')).status).toBe(422);
    expect((await call('GET', '/tags')).body.tags).toEqual(expect.arrayContaining(['alpha', 'paged', 'zeta']));
  });
});

describe('tokens', () => {
  it('never pass for a later user who got the same id in a fresh database', async () => {
    const first = await startTestConduit('pglite');
    const alice = await register(client(first.url), 'alice');
    await first.stop();
    // Same secret, new empty database: bob gets alice's old id.
    const second = await startTestConduit('pglite');
    try {
      await register(client(second.url), 'bob');
      expect((await client(second.url)('GET', '/user', { token: alice })).status).toBe(401);
    } finally {
      await second.stop();
    }
  });
});

describe('CORS', () => {
  it('lets the configured origins call from a browser, and no others', async () => {
    const conduit = await startTestConduit('pglite', { corsOrigins: ['http://localhost:4200'] });
    try {
      const preflight = (origin: string) =>
        fetch(`${conduit.url}/articles`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type',
          },
        });
      const allowed = await preflight('http://localhost:4200');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:4200');
      expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
      expect((await preflight('https://elsewhere.example')).headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await conduit.stop();
    }
  });

  it('is off unless configured', async () => {
    const conduit = await startTestConduit('pglite');
    try {
      const reply = await fetch(`${conduit.url}/tags`, { headers: { origin: 'http://localhost:4200' } });
      expect(reply.status).toBe(200);
      expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await conduit.stop();
    }
  });
});

describe('the database', () => {
  it('keeps PGlite data in CONDUIT_DATA_DIR across restarts and migrates only once', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'conduit-data-'));
    try {
      const first = await startTestConduit('pglite', { dataDir });
      expect(first.migrations.applied).toEqual(['001_initial.sql']);
      const token = await register(client(first.url), 'persistent');
      await first.stop();

      const second = await startTestConduit('pglite', { dataDir });
      try {
        expect(second.migrations).toEqual({ applied: [], alreadyApplied: ['001_initial.sql'] });
        const me = await client(second.url)('GET', '/user', { token });
        expect(me.body.user.username).toBe('persistent');
      } finally {
        await second.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a migration that was edited after it was applied', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'conduit-migrations-'));
    const db = await openDatabase({});
    try {
      await cp(MIGRATIONS_DIR, dir, { recursive: true });
      await migrate(db, dir);
      const file = path.join(dir, '001_initial.sql');
      await writeFile(file, `${await readFile(file, 'utf8')}\n-- an afterthought\n`);
      await expect(migrate(db, dir)).rejects.toThrow(
        /001_initial\.sql was edited after it was applied; put the change in a new migration file/,
      );
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
