import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { API_REFERENCE_CSP, renderApiReference } from '../src/reference/api-reference.js';
import { routeMatches } from '../src/reference/express-path.js';
import { escapeHtml, html } from '../src/reference/html.js';
import { USERS_DOCUMENT } from './support.js';

/** The elements and attributes the page is made of; anything else came from the document. */
const ELEMENTS = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'div',
  'nav',
  'main',
  'header',
  'section',
  'article',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'span',
  'a',
  'code',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'ul',
  'li',
  'br',
]);
const ATTRIBUTES = new Set(['lang', 'charset', 'name', 'content', 'class', 'id', 'href', 'aria-label']);

/** Every tag of the page: its name and attribute names. Attribute values are quoted, and cannot hold `"`. */
function tags(page: string): { name: string; attributes: string[] }[] {
  return [...page.matchAll(/<\/?([!a-zA-Z][\w-]*)([^>]*)>/g)].map((m) => ({
    name: m[1]!.toLowerCase(),
    attributes: [...m[2]!.matchAll(/\s([^\s="]+)(?:="[^"]*")?/g)].map((a) => a[1]!.toLowerCase()),
  }));
}

/** Internal links all lead somewhere, and no id is used twice. */
function expectConsistentAnchors(page: string): void {
  const ids = [...page.matchAll(/ id="([^"]*)"/g)].map((m) => m[1]!);
  expect(new Set(ids).size).toBe(ids.length);
  for (const [, target] of page.matchAll(/ href="#([^"]*)"/g)) expect(ids, `#${target}`).toContain(target);
}

describe('renderApiReference', () => {
  const page = renderApiReference(USERS_DOCUMENT, { openapiHref: '/api/openapi.json' });

  it('titles the page with the API, its version, servers and description', () => {
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain('<title>users 1.0.0 · API reference</title>');
    expect(page).toContain('<h1>users</h1>');
    expect(page).toContain(
      '<span class="badge">version 1.0.0</span><span class="badge">server <code>/api</code></span><span class="badge">license: MIT License, https://opensource.org/licenses/MIT</span><span class="badge">contact: Shop team, api@example.com</span><a class="badge" href="/api/openapi.json">OpenAPI document</a>',
    );
    expect(page).toContain('<p class="text">Customer accounts.\nSecond line.</p>');
  });

  it('groups operations by tag, in the order the document declares its tags', () => {
    const order = [...page.matchAll(/<section id="([^"]+)"><h2>([^<]+)<\/h2>/g)].map((m) => m[2]);
    expect(order).toEqual(['Authentication', 'users', 'sessions', 'Models']);
    expect(page).toContain('<p class="text">Register and look up customers</p>');
    const users = page.slice(page.indexOf('<section id="tag-users">'), page.indexOf('<section id="tag-sessions">'));
    expect(users).toContain(
      '<h3><span class="method post">post</span><span class="path">/users</span><span class="summary">Register a customer</span></h3>',
    );
    expect(users).toContain('<h3><span class="method get">get</span><span class="path">/users/{id}</span></h3>');
    expect(users).toContain('<p class="text">Only for signed-in callers.</p>');
  });

  it('shows parameters, request bodies, responses and security', () => {
    const getUser = page.slice(
      page.indexOf('id="op-getUser"'),
      page.indexOf('</article>', page.indexOf('id="op-getUser"')),
    );
    expect(getUser).toContain(
      '<tr><td><code>id</code></td><td>path</td><td><span class="type">string</span> <span class="muted">(uuid)</span></td><td><span class="badge required">required</span></td>',
    );
    expect(getUser).toContain(
      '<td><code>expand</code></td><td>query</td><td>(<code>&quot;orders&quot;</code> | <code>&quot;address&quot;</code>)[]</td><td></td><td class="text">Related records to include</td>',
    );
    expect(getUser).toContain(
      '<span class="badge">auth: <a href="#authentication"><code>bearer</code></a> or <a href="#authentication"><code>apiKey</code></a> (users:read)</span>',
    );
    expect(getUser).toContain('<tr><td><code>404</code></td><td class="text">No such user</td><td></td><td></td></tr>');

    const createUser = page.slice(
      page.indexOf('id="op-createUser"'),
      page.indexOf('</article>', page.indexOf('id="op-createUser"')),
    );
    expect(createUser).toContain('<span class="badge">public</span>');
    expect(createUser).toContain(
      '<p><code>application/json</code>: <a class="model" href="#model-UserCreate">UserCreate</a></p>',
    );
    expect(createUser).toContain(
      '<tr><td><code>201</code></td><td class="text">Created</td><td><a class="model" href="#model-User">User</a> <span class="muted">(application/json)</span></td><td><code>Location</code> (required)</td></tr>',
    );
    expect(createUser).toContain(
      '<a class="model" href="#model-Problem">Problem</a> <span class="muted">(application/problem+json)</span>',
    );

    // An inline body gets its properties listed; the deprecated operation says so.
    const createSession = page.slice(
      page.indexOf('id="op-createSession"'),
      page.indexOf('</article>', page.indexOf('id="op-createSession"')),
    );
    expect(page).toContain('<article class="op deprecated" id="op-createSession">');
    expect(createSession).toContain('<span class="badge">deprecated</span>');
    expect(createSession).toContain(
      '<p><code>application/x-www-form-urlencoded</code>: { email: <span class="type">string</span>; password: <span class="type">string</span> }</p>',
    );
    expect(createSession).toContain(
      '<tr><td><code>password</code></td><td><span class="type">string</span></td><td><span class="badge required">required</span><span class="badge">write-only</span></td>',
    );
  });

  it('lists the security schemes and every model with its properties', () => {
    expect(page).toContain('<tr><td><code>bearer</code></td><td>HTTP bearer (JWT)</td><td class="text"></td></tr>');
    expect(page).toContain(
      '<tr><td><code>apiKey</code></td><td>API key in header `X-Api-Key`</td><td class="text">For other services</td></tr>',
    );
    const user = page.slice(
      page.indexOf('id="model-User"'),
      page.indexOf('</article>', page.indexOf('id="model-User"')),
    );
    expect(user).toContain('<p class="text">A customer account.</p>');
    expect(user).toContain(
      '<td><code>id</code></td><td><span class="type">string</span> <span class="muted">(uuid)</span></td><td><span class="badge required">required</span><span class="badge">read-only</span></td>',
    );
    expect(user).toContain(
      '<td><code>role</code></td><td><code>&quot;customer&quot;</code> | <code>&quot;admin&quot;</code></td><td><span class="badge">default <code>&quot;customer&quot;</code></span></td>',
    );
    expect(user).toContain(
      '<td><code>nickname</code></td><td><span class="type">string</span> | <span class="type">null</span></td>',
    );
    expect(user).toContain('<td><code>tags</code></td><td><span class="type">string</span>[]</td>');
    expect(user).toContain('<td><code>address</code></td><td><a class="model" href="#model-Address">Address</a></td>');
    expect(page).toContain('<tr><td class="muted">other names</td><td><span class="type">string</span></td>');
    expect(page).toContain(
      '<article class="model-card" id="model-Role"><h3>Role</h3>\n\n<p><code>&quot;customer&quot;</code> | <code>&quot;admin&quot;</code></p>',
    );
    expectConsistentAnchors(page);
  });

  it('allows its stylesheet, and nothing else, by the hash in API_REFERENCE_CSP', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    expect(API_REFERENCE_CSP).toBe(
      `default-src 'none'; style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(tags(page).filter((t) => t.attributes.includes('style'))).toEqual([]);
  });

  it('links to the document only at a path of this server', () => {
    // Browsers read `/\host` as `//host`.
    for (const href of [
      '//evil.example/openapi.json',
      '/\\evil.example/openapi.json',
      'https://evil.example/openapi.json',
      'javascript:alert(1)',
    ]) {
      expect(renderApiReference(USERS_DOCUMENT, { openapiHref: href }), href).not.toContain('OpenAPI document</a>');
    }
  });

  it('renders anything that is not an OpenAPI document as a near-empty page instead of throwing', () => {
    for (const odd of [
      undefined,
      null,
      'openapi',
      42,
      [],
      { paths: { '/x': { get: null, post: 'no' } }, components: { schemas: { A: 7 } } },
      { info: { title: 7 }, paths: [] },
    ]) {
      expect(renderApiReference(odd), JSON.stringify(odd)).toContain('<h1>API</h1>');
    }
  });

  it('follows local $refs to parameters, bodies and responses, and stops on cycles', () => {
    const page = renderApiReference({
      paths: {
        '/a': {
          parameters: [{ $ref: '#/components/parameters/Limit' }],
          get: {
            responses: { '200': { $ref: '#/components/responses/Loop' } },
            requestBody: { $ref: '#/components/requestBodies/Body' },
          },
        },
      },
      components: {
        parameters: { Limit: { name: 'limit', in: 'query', schema: { type: 'integer' } } },
        responses: { Loop: { $ref: '#/components/responses/Loop' } },
        requestBodies: { Body: { required: true, content: { 'text/plain': {} } } },
      },
    });
    expect(page).toContain('<td><code>limit</code></td><td>query</td><td><span class="type">integer</span></td>');
    expect(page).toContain('<p><code>text/plain</code>: <span class="type">any</span></p>');
    expect(page).toContain('<tr><td><code>200</code></td><td class="text"></td>');
    expect(page).toContain('<h2>default</h2>');
  });
});

describe('spec text is untrusted', () => {
  const PAYLOAD = `</style><script>alert(1)</script><img src=x onerror=alert(2)>"'&amp;<!--`;
  /** Names of OpenAPI's own members; every other key and every string value gets the payload. */
  const STRUCTURE = new Set([
    'openapi',
    'info',
    'title',
    'version',
    'description',
    'license',
    'contact',
    'email',
    'servers',
    'url',
    'tags',
    'name',
    'paths',
    'get',
    'post',
    'put',
    'delete',
    'patch',
    'operationId',
    'summary',
    'parameters',
    'in',
    'required',
    'schema',
    'requestBody',
    'content',
    'responses',
    'headers',
    'security',
    'components',
    'schemas',
    'securitySchemes',
    'type',
    'properties',
    'items',
    '$ref',
    'enum',
    'format',
    'scheme',
    'bearerFormat',
    'deprecated',
    'readOnly',
    'writeOnly',
    'default',
    'additionalProperties',
    'oneOf',
    'const',
  ]);
  const poison = (value: unknown): unknown => {
    if (typeof value === 'string') return value + PAYLOAD;
    if (Array.isArray(value)) return value.map(poison);
    if (typeof value === 'object' && value !== null)
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [STRUCTURE.has(k) ? k : k + PAYLOAD, poison(v)]));
    return value;
  };
  const hostile = poison(USERS_DOCUMENT);
  const page = renderApiReference(hostile, { openapiHref: '/api/openapi.json' });

  it('every string of the document, keys included, reaches the page escaped', () => {
    expect(page.startsWith('<!doctype html>\n')).toBe(true);
    const escaped = escapeHtml(PAYLOAD);
    // Titles, tags, paths, ids, summaries, parameter names and types, content types, statuses, schemes, models...
    expect(page.split(escaped).length - 1).toBeGreaterThan(60);
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<!--');
    expect(page.match(/<\/style>/g)).toHaveLength(1);
    for (const tag of tags(page).slice(1)) {
      expect(ELEMENTS, tag.name).toContain(tag.name);
      for (const attribute of tag.attributes) expect(ATTRIBUTES, `${tag.name} ${attribute}`).toContain(attribute);
    }
    // Links lead only to anchors of the page and to the document; no spec text becomes a URL.
    expect([...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!).filter((href) => !href.startsWith('#'))).toEqual([
      '/api/openapi.json',
    ]);
    expectConsistentAnchors(page);
  });

  it('the poisoned models still link up', () => {
    expect(page).toMatch(
      /<a class="model" href="#model-User-style-script-alert-1-script-img-src-x-onerror-alert-2-amp">User&lt;\/style&gt;&lt;script&gt;/,
    );
  });
});

describe('html', () => {
  it('escapes interpolated text, keeps markup made by html, and drops false, null and undefined', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p title="${`"'&`}">${inner}${[1, '<', false, null, undefined]}</p>`.value).toBe(
      '<p title="&quot;&#39;&amp;"><b>&lt;i&gt;</b>1&lt;</p>',
    );
  });
});

describe('routeMatches: does an Express route serve a path?', () => {
  it.each([
    ['/docs', '/docs', true],
    ['/docs', '/Docs', true], // Express routes ignore case
    ['/docs', '/docs/', true], // and allow a trailing slash
    ['/docs', '/docs/x', false],
    ['/:page', '/docs', true],
    ['/:page', '/a/b', false],
    ['/:"page"', '/openapi.json', true],
    ['/files/:id.json', '/files/openapi.json', true],
    ['/files/:id.json', '/files/openapi.yaml', false],
    ['/*rest', '/docs/deeper', true],
    ['/docs{/:page}', '/docs', true],
    ['/docs{/:page}', '/docs/2', true],
    ['/v\\:1/docs', '/v:1/docs', true],
    ['/openapi.json', '/openapiXjson', false],
    ['/users/:id', '/docs', false],
  ])('%s serves %s: %s', (route, path, expected) => {
    expect(routeMatches(route, path)).toBe(expected);
  });
});
