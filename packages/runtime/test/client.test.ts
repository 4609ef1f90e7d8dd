import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOperation, UnexpectedResponseError } from '../src/client.js';

/** A real HTTP server that answers with what it received, so the client's requests can be read back. */
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const status = req.url?.includes('teapot') ? 418 : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          contentType: req.headers['content-type'] ?? null,
          auth: req.headers.authorization ?? null,
          body,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const getUser = { method: 'get', path: '/users/{id}', statuses: ['200'] };

describe('the client', () => {
  it('encodes path parameters, and refuses dot segments, so a call never lands on another endpoint', async () => {
    const { body } = await callOperation('getUser', getUser, '/api', { baseUrl }, { params: { id: 'a b/c?d' } });
    expect((body as { url: string }).url).toBe('/prefix/api/users/a%20b%2Fc%3Fd');
    for (const id of ['.', '..']) {
      await expect(callOperation('getUser', getUser, '/api', { baseUrl }, { params: { id } })).rejects.toThrow(
        `path parameter \`id\` cannot be \`${id}\``,
      );
    }
  });

  it('sends repeated query values, skips undefined ones, and sends JSON bodies with their type', async () => {
    const op = { method: 'post', path: '/search', statuses: ['200'], bodyContentType: 'application/json' };
    const { body } = await callOperation(
      'search',
      op,
      '',
      { baseUrl, headers: () => ({ authorization: 'Bearer t' }) },
      { query: { tag: ['a', 'b'], page: 2, skip: undefined }, body: { q: 'x' } },
    );
    expect(body).toEqual({
      method: 'POST',
      url: '/prefix/search?tag=a&tag=b&page=2',
      contentType: 'application/json',
      auth: 'Bearer t',
      body: '{"q":"x"}',
    });
  });

  it('throws on a status the spec does not declare, with the answer attached', async () => {
    const op = { method: 'get', path: '/teapot', statuses: ['200', '4XX'] };
    await expect(callOperation('brew', { ...op, statuses: ['200'] }, '', { baseUrl })).rejects.toBeInstanceOf(
      UnexpectedResponseError,
    );
    // A declared range covers it.
    expect((await callOperation('brew', op, '', { baseUrl })).status).toBe(418);
  });

  it('refuses to call without a required path parameter', async () => {
    await expect(callOperation('getUser', getUser, '/api', { baseUrl }, { params: {} })).rejects.toThrow(
      'path parameter `id` is missing',
    );
  });
});
