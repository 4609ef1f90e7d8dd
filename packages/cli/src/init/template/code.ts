/**
 * The hand-written code of a new project: the service's composition file, its entry point, a
 * controller per tag and a test. The controllers are templates written for the operations of
 * spec.ts, with a small in-memory implementation, so the project's test has something real to
 * call. They import the types `sync` generates; the init test type-checks a new project, so a
 * change in the generator that breaks them fails there. A tag without a template (none today) gets
 * codegen's own skeleton (`specfirst scaffold`) instead.
 *
 * Only names that spec-core has validated reach this file (service names are kebab-case,
 * identifiers PascalCase), and each is written where the generator writes the same name.
 */
import path from 'node:path';
import type { InitFile } from '../files.js';

export interface CodeContext {
  /** Service name, as in the spec (`api`, `order-service`). */
  service: string;
  /** Its identifier in generated code (`Api` in `createApiApp`), from the IR. */
  identifier: string;
  /** The generated constant holding its port from the spec (`apiPort`), as codegen names it. */
  portConst: string;
  /** Folders relative to the project root, `/`-separated. */
  servicesDir: string;
  outputDir: string;
}

/** An import specifier from one project file to another, both relative to the root. */
function specifier(from: string, to: string): string {
  const relative = path.posix.relative(path.posix.dirname(from), to);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

const serviceDir = (c: CodeContext): string => `${c.servicesDir}/${c.service}`;

/** The controller templates, by tag name, for the file `scaffoldFiles` plans for that tag. */
export const CONTROLLER_TEMPLATES: Readonly<Record<string, (c: CodeContext, file: string) => string>> = {
  notes: (c, file) => {
    const router = specifier(file, `${c.outputDir}/routers/${c.service}/notes.js`);
    const models = specifier(file, `${c.outputDir}/models.js`);
    return `/**
 * The \`notes\` operations of \`${c.service}\`, kept in memory: enough to try the service and to test it.
 * Swap the Map for a database when notes must outlive the process. This file is yours; the
 * generated \`NotesController\` interface says what each method receives and may answer.
 */
import { randomUUID } from 'node:crypto';
import type * as M from '${models}';
import {
  createNoteReply,
  deleteNoteReply,
  getNoteReply,
  listNotesReply,
  updateNoteReply,
  type CreateNoteRequest,
  type CreateNoteResult,
  type DeleteNoteRequest,
  type DeleteNoteResult,
  type GetNoteRequest,
  type GetNoteResult,
  type ListNotesRequest,
  type ListNotesResult,
  type NotesController,
  type UpdateNoteRequest,
  type UpdateNoteResult,
} from '${router}';

/** The 404 of the operations on one note, as the spec declares it (a \`Problem\`). */
function noSuchNote(id: string): M.Problem {
  return { type: 'about:blank', title: 'Not Found', status: 404, detail: \`there is no note \${id}\` };
}

export class NotesControllerImpl implements NotesController {
  /** A Map keeps insertion order: listing is oldest first, as the spec's summary says. */
  readonly #notes = new Map<string, M.Note>();

  // Requests arrive validated, with defaults filled in: \`query.limit\` is always a number from 1 to 100.
  listNotes({ query }: ListNotesRequest): ListNotesResult {
    return listNotesReply.ok([...this.#notes.values()].slice(0, query.limit));
  }

  createNote({ body }: CreateNoteRequest): CreateNoteResult {
    const note: M.Note = { id: randomUUID(), title: body.title, done: body.done ?? false, createdAt: new Date().toISOString() };
    this.#notes.set(note.id, note);
    return createNoteReply.created(note);
  }

  getNote({ params }: GetNoteRequest): GetNoteResult {
    const note = this.#notes.get(params.id);
    return note ? getNoteReply.ok(note) : getNoteReply.notFound(noSuchNote(params.id));
  }

  // \`body\` is a NoteUpdate: every field optional, and \`id\` and \`createdAt\` cannot be sent.
  updateNote({ params, body }: UpdateNoteRequest): UpdateNoteResult {
    const note = this.#notes.get(params.id);
    if (note === undefined) return updateNoteReply.notFound(noSuchNote(params.id));
    const updated: M.Note = { ...note, ...body };
    this.#notes.set(updated.id, updated);
    return updateNoteReply.ok(updated);
  }

  deleteNote({ params }: DeleteNoteRequest): DeleteNoteResult {
    return this.#notes.delete(params.id) ? deleteNoteReply.noContent() : deleteNoteReply.notFound(noSuchNote(params.id));
  }
}
`;
  },

  health: (c, file) => {
    const router = specifier(file, `${c.outputDir}/routers/${c.service}/health.js`);
    return `/** The \`health\` operations of \`${c.service}\`: for load balancers and uptime checks. This file is yours. */
import { getHealthReply, type GetHealthResult, type HealthController } from '${router}';

export class HealthControllerImpl implements HealthController {
  getHealth(): GetHealthResult {
    return getHealthReply.ok({ status: 'ok', uptimeSeconds: process.uptime() });
  }
}
`;
  },
};

/** `services/<service>/src/app.ts`: listed under `apps` in specfirst.yaml, so it may create the app. */
export function appFile(c: CodeContext, controllers: readonly { tagKey: string; className: string; file: string }[]): InitFile {
  const file = `${serviceDir(c)}/src/app.ts`;
  const index = specifier(file, `${c.outputDir}/routers/${c.service}/index.js`);
  const imports = controllers.map((k) => `import { ${k.className} } from '${specifier(file, k.file.replace(/\.ts$/, '.js'))}';`);
  const members = controllers.map((k) => `    ${k.tagKey}: new ${k.className}(),`);
  return {
    path: file,
    contents: `/**
 * Puts the \`${c.service}\` service together: the generated app (routing, validation, problems)
 * with one controller per tag. This is the composition file of the service (\`apps\` in
 * specfirst.yaml): add middleware or options here, but routes only in the spec.
 */
import { create${c.identifier}App } from '${index}';
${imports.join('\n')}

/** A new app with its own controllers (and so its own in-memory notes): each test gets a fresh one. */
export function createApp() {
  return create${c.identifier}App({
${members.join('\n')}
  });
}
`,
  };
}

/** How long the starter's main.ts lets requests in flight finish after SIGTERM or SIGINT. */
const GRACE_SECONDS = 10;

/** `services/<service>/src/main.ts`: what `dev` and `start` run. */
export function mainFile(c: CodeContext): InitFile {
  const file = `${serviceDir(c)}/src/main.ts`;
  const index = specifier(file, `${c.outputDir}/routers/${c.service}/index.js`);
  return {
    path: file,
    contents: `/**
 * Starts \`${c.service}\` on the port the spec gives it (\`${c.portConst}\`, generated from spec/services.yaml).
 * PORT overrides it, e.g. \`PORT=0\` for any free port. On SIGTERM or SIGINT it stops taking new
 * connections, lets the requests in flight finish (for ${GRACE_SECONDS} s at most), and exits.
 */
import { createServer, type AddressInfo } from 'node:net';
import { ${c.portConst} } from '${index}';
import { createApp } from './app.js';

const port = process.env.PORT === undefined || process.env.PORT === '' ? ${c.portConst} : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(\`${c.service}: PORT must be a port number (0 to 65535), not \${JSON.stringify(process.env.PORT)}\`);
  process.exit(1);
}

const server = createApp().listen(port, (error) => {
  if (error) {
    console.error(\`${c.service}: cannot listen on port \${port}: \${error.message}\`);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') suggestFreePort();
    else process.exit(1);
    return;
  }
  const { port: actual } = server.address() as AddressInfo;
  console.log(\`${c.service} listening on http://localhost:\${actual}\`);
});

/** Port taken: name one that is free right now (with the script that started this, if one did), and exit. */
function suggestFreePort(): void {
  const probe = createServer().listen(0, () => {
    const { port: free } = probe.address() as AddressInfo;
    const script = process.env.npm_lifecycle_event;
    const manager = process.env.npm_config_user_agent?.startsWith('npm/') ? 'npm run' : 'pnpm';
    probe.close(() => {
      console.error(\`  hint: stop what uses it, or start on a free port: PORT=\${free}\${script ? \` \${manager} \${script}\` : ''}\`);
      process.exit(1);
    });
  });
}

function stop(signal: NodeJS.Signals): void {
  console.log(\`${c.service}: \${signal}, finishing the requests in flight\`);
  // Idle keep-alive connections close at once; busy ones once their response is sent.
  server.close(() => process.exit(0));
  setTimeout(() => {
    console.error(\`${c.service}: requests still running after ${GRACE_SECONDS} s; exiting anyway\`);
    process.exit(1);
  }, ${GRACE_SECONDS}_000).unref();
}
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
`,
  };
}

/** `services/<service>/test/app.test.ts`: the real app on a free port, called through the generated client. */
export function testFile(c: CodeContext): InitFile {
  const file = `${serviceDir(c)}/test/app.test.ts`;
  const client = specifier(file, `${c.outputDir}/clients/${c.service}.js`);
  const app = specifier(file, `${serviceDir(c)}/src/app.js`);
  return {
    path: file,
    contents: `/**
 * Starts the real \`${c.service}\` app on a free port and calls it over HTTP through the generated,
 * typed client: what the spec says is what the service does. Files under test/ are exempt from the
 * services lint rules.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create${c.identifier}Client, type ${c.identifier}Client } from '${client}';
import { createApp } from '${app}';

let server: Server;
let api: ${c.identifier}Client;

beforeAll(async () => {
  server = await new Promise<Server>((resolve, reject) => {
    const listening = createApp().listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  api = create${c.identifier}Client({ baseUrl: \`http://127.0.0.1:\${port}\` });
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('${c.service}', () => {
  it('answers its health check', async () => {
    const health = await api.getHealth();
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  });

  it('creates, reads, updates, lists and deletes a note', async () => {
    const created = await api.createNote({ body: { title: 'Try SpecFirst' } });
    expect(created.status).toBe(201);
    // \`done\` has a default in the spec; \`id\` and \`createdAt\` are set by the server.
    expect(created.body).toMatchObject({ title: 'Try SpecFirst', done: false });
    const { id } = created.body;

    expect(await api.getNote({ params: { id } })).toMatchObject({ status: 200, body: { id, title: 'Try SpecFirst' } });
    expect(await api.updateNote({ params: { id }, body: { done: true } })).toMatchObject({ status: 200, body: { id, done: true } });
    const listed = await api.listNotes();
    expect(listed.body.map((note) => note.id)).toContain(id);

    expect((await api.deleteNote({ params: { id } })).status).toBe(204);
    expect(await api.getNote({ params: { id } })).toMatchObject({ status: 404, body: { title: 'Not Found' } });
  });

  it('answers 404 with a Problem for a note that does not exist', async () => {
    const missing = await api.getNote({ params: { id: randomUUID() } });
    // A result is a union discriminated on \`status\`: checking the status narrows \`body\` to the type
    // the spec declares for it, a \`Problem\` for 404 (a \`Note\` for 200). Only declared statuses
    // exist: \`missing.status === 409\` does not compile.
    if (missing.status !== 404) expect.unreachable(\`expected 404, got \${missing.status}\`);
    expect(missing.body.detail).toContain('there is no note');
  });

  it('refuses what the spec does not allow before a controller runs', async () => {
    // An empty title breaks \`minLength: 1\`: the generated router answers 400, which the spec does
    // not declare for createNote, so the client throws instead of returning it.
    await expect(api.createNote({ body: { title: '' } })).rejects.toMatchObject({ status: 400 });
  });
});
`,
  };
}
