/**
 * The spec of a new project, in SpecFirst's own YAML format: one HTTP service with two tags
 * (`notes`, `health`) and a `Note` model whose read-only fields make its `NoteCreate` and
 * `NoteUpdate` variants differ from it. The controller templates (code.ts) implement exactly these
 * operations; the init test type-checks them against what `sync` generates from this spec.
 *
 * Everything that comes from the command line is written as a JSON string, which YAML reads as a
 * double-quoted scalar: no value can add a key, a line or a comment. spec-core then checks the
 * names (init refuses the project when it reports an error).
 */
import type { InitFile } from '../files.js';

export interface SpecChoices {
  /** Project name (`name` in specfirst.yaml). */
  name: string;
  /** Service name, the key in spec/services.yaml. */
  service: string;
  /** The REST file, relative to spec/: `rest/<service>.yaml`, made from a safe file name. */
  restFile: string;
  port: number;
  description: string;
}

/** Where a new project keeps things: spec-core's defaults, written out so they can be found. */
export const LAYOUT = { spec: 'spec', output: 'generated', services: 'services' } as const;

const q = (value: string): string => JSON.stringify(value);

/** Which of spec-core's JSON Schemas checks which spec files, in an editor. */
export const SPEC_SCHEMAS: Readonly<
  Record<'specfirst' | 'services' | 'models' | 'rest' | 'events' | 'tasks', readonly string[]>
> = {
  specfirst: ['specfirst.yaml'],
  services: [`${LAYOUT.spec}/services.yaml`],
  models: [`${LAYOUT.spec}/models.yaml`],
  rest: [`${LAYOUT.spec}/rest/*.yaml`],
  events: [`${LAYOUT.spec}/events.yaml`],
  tasks: [`${LAYOUT.spec}/tasks.yaml`],
};

/** A schema's file in the project, from its root. */
export function schemaPath(schema: keyof typeof SPEC_SCHEMAS): string {
  return `node_modules/@specfirst/spec-core/schemas/${schema}.schema.json`;
}

/** The first line of a spec file: its JSON Schema, relative to the file, for the YAML language server. */
function modeline(schema: keyof typeof SPEC_SCHEMAS, file: string): string {
  return `# yaml-language-server: $schema=${'../'.repeat(file.split('/').length - 1)}${schemaPath(schema)}`;
}

export function specFiles(choices: SpecChoices): InitFile[] {
  return [
    {
      path: 'specfirst.yaml',
      contents: `${modeline('specfirst', 'specfirst.yaml')}
# The project root. The spec lives in spec/; \`specfirst sync\` writes generated/ from it.
name: ${q(choices.name)}
spec: ${LAYOUT.spec}
output: ${LAYOUT.output}
services: ${LAYOUT.services}
# Composition files: the only files that may create the Express app and mount the generated
# routers (eslint-plugin-spec's no-manual-router and require-controller-implements read this).
apps:
  - ${LAYOUT.services}/*/src/app.ts
`,
    },
    {
      path: `${LAYOUT.spec}/services.yaml`,
      contents: `${modeline('services', `${LAYOUT.spec}/services.yaml`)}
services:
  ${q(choices.service)}:
    type: http
    description: ${q(choices.description)}
    port: ${choices.port}
    rest: ${q(choices.restFile)}
`,
    },
    {
      path: `${LAYOUT.spec}/models.yaml`,
      contents: `${modeline('models', `${LAYOUT.spec}/models.yaml`)}
models:
  Note:
    description: Something to remember.
    properties:
      # Read-only fields are set by the server: NoteCreate and NoteUpdate leave them out.
      id: { type: string, format: uuid, readonly: true }
      title: { type: string, minLength: 1, maxLength: 200 }
      done: { type: boolean, default: false }
      createdAt: { type: string, format: date-time, readonly: true }

  Health:
    properties:
      status: { const: ok }
      uptimeSeconds: { type: number, minimum: 0 }

  Problem:
    description: RFC 9457 problem details.
    properties:
      type: { type: string, default: 'about:blank' }
      title: string
      status: { type: integer, minimum: 100, maximum: 599 }
      detail: string?
    additionalProperties: true
`,
    },
    {
      path: `${LAYOUT.spec}/${choices.restFile}`,
      contents: `${modeline('rest', `${LAYOUT.spec}/${choices.restFile}`)}
# One router per tag: generated/routers/<service>/notes.ts and health.ts.
tags:
  notes:
    description: Create, read, update and delete notes.
    operations:
      listNotes:
        method: get
        path: /notes
        summary: List notes, oldest first
        params:
          query:
            limit: { type: integer, minimum: 1, maximum: 100, default: 20 }
        responses:
          200: Note[]
      createNote:
        method: post
        path: /notes
        body: NoteCreate
        responses:
          201: Note
      getNote:
        method: get
        path: /notes/{id}
        params:
          path:
            id: { type: string, format: uuid }
        responses:
          200: Note
          404: Problem
      updateNote:
        method: patch
        path: /notes/{id}
        params:
          path:
            id: { type: string, format: uuid }
        body: NoteUpdate
        responses:
          200: Note
          404: Problem
      deleteNote:
        method: delete
        path: /notes/{id}
        params:
          path:
            id: { type: string, format: uuid }
        responses:
          204: null
          404: Problem
  health:
    description: Whether the service is up.
    operations:
      getHealth:
        method: get
        path: /health
        responses:
          200: Health
`,
    },
  ];
}

/** Which option a line of the spec came from, to name it next to spec-core's diagnostic. */
export function optionAt(files: readonly InitFile[], file: string, line: number): string | undefined {
  const contents = files.find((f) => f.path === file)?.contents;
  const text = typeof contents === 'string' ? contents.split('\n')[line - 1] : undefined;
  if (text === undefined) return undefined;
  if (file === 'specfirst.yaml') return text.startsWith('name:') ? '--name' : undefined;
  if (file !== `${LAYOUT.spec}/services.yaml`) return undefined;
  if (text.startsWith('  "')) return '--service';
  if (text.startsWith('    port:')) return '--port';
  if (text.startsWith('    description:')) return '--description';
  return undefined;
}
