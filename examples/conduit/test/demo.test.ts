/**
 * The Quickstart's demo as a newcomer sees it: the server `pnpm demo` ends by starting (`pnpm start`
 * runs `specfirst sync` and then this) prints where it listens, its OpenAPI document, its API
 * reference and curls to try; each of those answers, and Ctrl+C stops it cleanly. The sync is left
 * out here: it would rewrite generated/ in the repository if it were stale, which spec.test.ts
 * must be the one to report.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EXAMPLE = path.resolve(import.meta.dirname, '..');

describe('the demo server', () => {
  const output: string[] = [];
  let child: ChildProcessByStdio<null, Readable, Readable>;
  let banner: string;

  beforeAll(async () => {
    // Port 0: the test must not depend on 3000 being free; the banner then names the real port.
    child = spawn('pnpm', ['exec', 'tsx', 'services/conduit/src/main.ts'], {
      cwd: EXAMPLE,
      env: { ...process.env, PORT: '0' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    banner = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner after 40 s:\n${output.join('')}`)), 40_000);
      const look = () => {
        const text = output.join('');
        if (/Press Ctrl\+C to stop/.test(text)) {
          clearTimeout(timer);
          resolve(text);
        }
      };
      child.stdout.on('data', look);
      child.once('exit', (code) => reject(new Error(`the server exited with ${code}:\n${output.join('')}`)));
    });
  });
  afterAll(() => {
    try {
      signalGroup('SIGKILL');
    } catch {
      // Already gone, as it should be after the last test.
    }
  });

  /** pnpm, tsx and Node share a process group (`detached`): signal them all, as a terminal does. */
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) throw new Error('pnpm start has no process id: it did not start');
    process.kill(-child.pid, signal);
  };

  const urlIn = (label: RegExp): string => {
    const match = new RegExp(`${label.source}\\s*(http://\\S+)`).exec(banner);
    if (!match?.[1]) throw new Error(`the banner has no ${label.source} URL:\n${banner}`);
    return match[1];
  };

  it('prints the API URL on localhost and answers there', async () => {
    const api = urlIn(/listening on/);
    expect(api).toMatch(/^http:\/\/localhost:\d+\/api$/);
    const tags = await fetch(`${api}/tags`);
    expect(tags.status).toBe(200);
    expect(await tags.json()).toEqual({ tags: [] });
  });

  it('serves the OpenAPI document and an API reference page where it says', async () => {
    const document = await fetch(urlIn(/OpenAPI document:/));
    expect(document.status).toBe(200);
    const openapi = (await document.json()) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, unknown>;
    };
    expect(openapi.openapi).toBe('3.1.0');
    expect(openapi.info.title).toBe('RealWorld Conduit API');
    expect(Object.keys(openapi.paths)).toContain('/articles/{slug}');
    const page = await fetch(urlIn(/API reference:/));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('RealWorld Conduit API');
    expect(html).toContain('/articles/{slug}/favorite');
  });

  it('prints curl commands that work as printed', async () => {
    const curls = banner
      .split('\n')
      .map((line) => line.replace(/^.*?(?=curl )/, ''))
      .filter((line) => line.startsWith('curl '));
    expect(curls.length).toBeGreaterThanOrEqual(2);
    for (const command of curls) {
      const { stdout } = await promisify(execFile)('sh', ['-c', `${command} --silent --show-error --fail`]);
      expect(() => JSON.parse(stdout)).not.toThrow();
    }
  });

  it('stops on Ctrl+C, leaving nothing listening', async () => {
    const api = urlIn(/listening on/);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // A terminal's Ctrl+C signals the whole foreground process group: pnpm, tsx, Node.
    signalGroup('SIGINT');
    await exited;
    // pnpm may exit before Node has closed the server; give it a moment before calling it a leak.
    let stillAnswering = true;
    for (let attempt = 0; attempt < 50 && stillAnswering; attempt++) {
      stillAnswering = await fetch(`${api}/tags`).then(
        () => true,
        () => false,
      );
      if (stillAnswering) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stillAnswering).toBe(false);
    expect(output.join('')).not.toMatch(/error/i);
  });
});

describe('the demo on a port that is taken', () => {
  const listen = (port: number): Promise<Server | undefined> =>
    new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
    });
  const close = (server: Server | undefined): Promise<void> =>
    new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));

  it('names a port that is free, not one that is taken too', async () => {
    // The port asked for, and the one above it (the old hint's fixed suggestion, in spirit): both taken.
    const asked = await listen(0);
    if (asked === undefined) throw new Error('cannot listen on 127.0.0.1');
    const port = (asked.address() as { port: number }).port;
    const next = await listen(port + 1);
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
      // Started as `pnpm dev`, the hint names `pnpm dev`; otherwise the Quickstart's `pnpm demo`.
      delete env['npm_lifecycle_event'];
      const child = spawn('pnpm', ['exec', 'tsx', 'services/conduit/src/main.ts'], {
        cwd: EXAMPLE,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`Conduit could not start: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
      const suggested = /hint: another program listens on port (\d+); port (\d+) is free: PORT=(\d+) pnpm demo\n/.exec(
        stderr,
      );
      if (suggested === null) throw new Error(`no port hint in:\n${stderr}`);
      const [named, free, again] = suggested.slice(1).map(Number) as [number, number, number];
      expect(named).toBe(port);
      expect(again).toBe(free);
      expect(free).not.toBe(port);
      // port + 1 is taken, by this test or by someone else: either way it must not be suggested.
      expect(free).not.toBe(port + 1);
      // And the suggestion holds: the port can be listened on.
      const taken = await listen(free);
      expect(taken, `port ${free} was suggested but is not free`).toBeDefined();
      await close(taken);
    } finally {
      await close(asked);
      await close(next);
    }
  });
});
