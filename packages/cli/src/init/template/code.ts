/**
 * The hand-written code of a new project: the service's composition file, its entry point, a
 * controller per tag and a test. The controllers are templates written for the operations of
 * spec.ts, with a small in-memory implementation, so the project's test has something real to
 * call. They import the types `sync` generates; the init test type-checks a new project, so a
 * change in the generator that breaks them fails there. A tag without a template (none today) gets
 * codegen's own skeleton (`specfirst scaffold`) instead.
 *
 * Only names that spec-core has validated reach this file (service names are kebab-case,
 * identifiers PascalCase). Generated names and modules come from `@specfirst/codegen/names`, as
 * the generator writes them; generated code is imported as `#generated/…`, which the project's
 * package.json declares (GENERATED_IMPORTS in project.ts).
 */
import {
  appFactory,
  clientFactory,
  clientInterface,
  clientModule,
  controllerClass,
  controllerInterface,
  generatedImport,
  MODELS_MODULE,
  relativeSpecifier,
  serviceIndexModule,
  servicePortConst,
  tagRouterModule,
} from '@specfirst/codegen/names';
import type { IRService, IRTag } from '@specfirst/spec-core';
import type { InitFile } from '../files.js';

export interface CodeContext {
  /** The service, as spec-core read it: its name (`api`) and identifier (`Api`). */
  service: Pick<IRService, 'name' | 'identifier'>;
  /** Folders relative to the project root, `/`-separated. */
  servicesDir: string;
}

const serviceDir = (c: CodeContext): string => `${c.servicesDir}/${c.service.name}`;

/**
 * The controller templates, by tag name, for the file `scaffoldFiles` plans for that tag. They
 * import generated code as `#generated/…`, which the project's package.json declares.
 */
export const CONTROLLER_TEMPLATES: Readonly<
  Record<string, (c: CodeContext, tag: Pick<IRTag, 'identifier' | 'fileName'>) => string>
> = {
  notes: (c, tag) => {
    const router = generatedImport(tagRouterModule(c.service, tag));
    const models = generatedImport(MODELS_MODULE);
    return `/**
 * The \`notes\` operations of \`${c.service.name}\`, kept in memory: enough to try the service and to test it.
 * Swap the Map for a database when notes must outlive the process. This file is yours; the
 * generated \`${controllerInterface(tag)}\` interface says what each method receives and may answer.
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
  type ${controllerInterface(tag)},
  type UpdateNoteRequest,
  type UpdateNoteResult,
} from '${router}';

/** The 404 of the operations on one note, as the spec declares it (a \`Problem\`). */
function noSuchNote(id: string): M.Problem {
  return { type: 'about:blank', title: 'Not Found', status: 404, detail: \`there is no note \${id}\` };
}

export class ${controllerClass(tag)} implements ${controllerInterface(tag)} {
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

  health: (c, tag) => {
    const router = generatedImport(tagRouterModule(c.service, tag));
    return `/** The \`health\` operations of \`${c.service.name}\`: for load balancers and uptime checks. This file is yours. */
import { getHealthReply, type GetHealthResult, type ${controllerInterface(tag)} } from '${router}';

export class ${controllerClass(tag)} implements ${controllerInterface(tag)} {
  getHealth(): GetHealthResult {
    return getHealthReply.ok({ status: 'ok', uptimeSeconds: process.uptime() });
  }
}
`;
  },
};

/** `services/<service>/src/app.ts`: listed under `apps` in specfirst.yaml, so it may create the app. */
export function appFile(
  c: CodeContext,
  controllers: readonly { tagKey: string; className: string; file: string }[],
): InitFile {
  const file = `${serviceDir(c)}/src/app.ts`;
  const index = generatedImport(serviceIndexModule(c.service));
  const imports = controllers.map(
    (k) => `import { ${k.className} } from '${relativeSpecifier(file, k.file.replace(/\.ts$/, ''))}';`,
  );
  const members = controllers.map((k) => `    ${k.tagKey}: new ${k.className}(),`);
  return {
    path: file,
    contents: `/**
 * Puts the \`${c.service.name}\` service together: the generated app (routing, validation, problems)
 * with one controller per tag. This is the composition file of the service (\`apps\` in
 * specfirst.yaml): add middleware or options here, but routes only in the spec.
 */
import { ${appFactory(c.service)} } from '${index}';
${imports.join('\n')}

/** A new app with its own controllers (and so its own in-memory notes): each test gets a fresh one. */
export function createApp() {
  return ${appFactory(c.service)}({
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
  const index = generatedImport(serviceIndexModule(c.service));
  const portConst = servicePortConst(c.service);
  return {
    path: file,
    contents: `/**
 * Starts \`${c.service.name}\` on the port the spec gives it (\`${portConst}\`, generated from spec/services.yaml).
 * PORT overrides it, e.g. \`PORT=0\` for any free port. On SIGTERM or SIGINT it stops taking new
 * connections, lets the requests in flight finish (for ${GRACE_SECONDS} s at most), and exits.
 */
import { createServer, type AddressInfo } from 'node:net';
import { ${portConst} } from '${index}';
import { createApp } from './app.js';

const port = process.env.PORT === undefined || process.env.PORT === '' ? ${portConst} : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(\`${c.service.name}: PORT must be a port number (0 to 65535), not \${JSON.stringify(process.env.PORT)}\`);
  process.exit(1);
}

const server = createApp().listen(port, (error) => {
  if (error) {
    console.error(\`${c.service.name}: cannot listen on port \${port}: \${error.message}\`);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') suggestFreePort();
    else process.exit(1);
    return;
  }
  const { port: actual } = server.address() as AddressInfo;
  console.log(\`${c.service.name} listening on http://localhost:\${actual}\`);
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
  console.log(\`${c.service.name}: \${signal}, finishing the requests in flight\`);
  // Idle keep-alive connections close at once; busy ones once their response is sent.
  server.close(() => process.exit(0));
  setTimeout(() => {
    console.error(\`${c.service.name}: requests still running after ${GRACE_SECONDS} s; exiting anyway\`);
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
  const client = generatedImport(clientModule(c.service));
  const app = relativeSpecifier(file, `${serviceDir(c)}/src/app`);
  const [Client, create] = [clientInterface(c.service), clientFactory(c.service)];
  return {
    path: file,
    contents: `/**
 * Starts the real \`${c.service.name}\` app on a free port and calls it over HTTP through the generated,
 * typed client: what the spec says is what the service does. Files under test/ are exempt from the
 * services lint rules.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ${create}, type ${Client} } from '${client}';
import { createApp } from '${app}';

let server: Server;
let api: ${Client};

beforeAll(async () => {
  server = await new Promise<Server>((resolve, reject) => {
    const listening = createApp().listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(listening)));
  });
  const { port } = server.address() as AddressInfo;
  api = ${create}({ baseUrl: \`http://127.0.0.1:\${port}\` });
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

describe('${c.service.name}', () => {
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
