/**
 * The two documents of a new project: AGENTS.md, the rules of the house for coding agents (and
 * people), and a short README. Only validated names reach them (the project and service names);
 * the free-text description is kept out of AGENTS.md, which agents read as instructions.
 */
import { PROJECT_VENDOR_FOLDER, type PackageManager } from '../dependencies.js';
import type { InitFile } from '../files.js';
import { execCommand, runScript } from './project.js';
import { LAYOUT } from './spec.js';

export interface DocsContext {
  name: string;
  service: string;
  port: number;
  manager: PackageManager;
  /** The SpecFirst packages are tarballs in the project's vendor folder. */
  vendored: boolean;
}

export function agentsFile(c: DocsContext): InitFile {
  const run = (script: string) => runScript(c.manager, script);
  const exec = execCommand(c.manager);
  const routers = `#generated/routers/${c.service}`;
  return {
    path: 'AGENTS.md',
    contents: `# Working in ${c.name}

This is a SpecFirst project: the spec in \`${LAYOUT.spec}/\` is the single description of every endpoint and
data model. Code follows the spec, never the other way round.

## How to change the API

1. Edit the spec: models in \`${LAYOUT.spec}/models.yaml\`, endpoints in \`${LAYOUT.spec}/rest/${c.service}.yaml\`, services in
   \`${LAYOUT.spec}/services.yaml\`. Constraints (\`minLength\`, \`pattern\`, \`enum\`, \`default\`...) go there too.
2. Run \`${run('sync')}\`. It rewrites \`${LAYOUT.output}/\`: model types, validators, one router and one
   \`<Tag>Controller\` interface per tag, a typed client, an OpenAPI document.
3. Implement the generated interface in \`${LAYOUT.services}/${c.service}/src/controllers/<tag>.ts\`: the class
   \`implements <Tag>Controller\` from \`${routers}/<tag>.js\` (\`#generated/…\` is \`${LAYOUT.output}/…\`, declared
   under \`imports\` in package.json), and \`tsc\` lists what is missing or wrong. For a new tag,
   \`${exec} specfirst scaffold\` writes the skeleton. Answer with the generated reply helpers
   (\`getNoteReply.notFound(...)\`); a status the spec does not declare does not compile.
4. Test through the generated client (\`${LAYOUT.output}/clients/${c.service}.ts\`) against the real app, as
   \`${LAYOUT.services}/${c.service}/test/app.test.ts\` does.
5. Before committing, all of these must pass:

   \`\`\`sh
   ${run('check')}        # the spec is valid and ${LAYOUT.output}/ matches it
   ${run('lint')}
   ${run('typecheck')}
   ${run('test')}
   \`\`\`

## The spec in one screen

The full reference is SpecFirst's \`docs/spec-format.md\`. Every key, with what it means, is also in the
JSON Schemas in \`node_modules/@specfirst/spec-core/schemas/\`, from which the editor completes spec files.

\`\`\`yaml
# ${LAYOUT.spec}/models.yaml
models:
  Email: { type: string, format: email, maxLength: 254 }  # a named scalar: \`type Email = string\`, checked wherever it is used
  Priority: { enum: [low, normal, high] }                  # \`'low' | 'normal' | 'high'\`
  Note:
    properties:
      id: { type: string, format: uuid, readonly: true }   # set by the server: not in NoteCreate or NoteUpdate
      title: { type: string, minLength: 1, maxLength: 200 } # required: every property is, unless...
      body: string?                                        # ...it ends in \`?\` (or has \`optional: true\`): \`body?: string\`
      done: { type: boolean, default: false }              # a default: \`done?: boolean\` in NoteCreate (filled in on requests), \`done: boolean\` in Note (always stored)
      priority: Priority                                   # another model, by name
      tags: { type: array, items: string, maxItems: 10, uniqueItems: true }  # \`string[]\` is the short form
      owner: { $ref: Email, nullable: true }               # must be there, may be null: \`owner: Email | null\`
\`\`\`

\`\`\`yaml
# ${LAYOUT.spec}/rest/${c.service}.yaml, under tags: <tag>: operations:
listNotes:
  method: get
  path: /notes
  params:
    query:
      priority: Priority?                                  # a model as a parameter type, optional
      limit: { type: integer, minimum: 1, maximum: 100, default: 20 }  # always a number in the controller
  responses:
    200: Note[]
createNote:
  method: post
  path: /notes
  body: NoteCreate                                         # POST takes the Create variant, PATCH the Update one
  responses:
    201: Note
    409: Problem                                           # each declared status gets a reply helper and a client result
\`\`\`

- Every model \`X\` has two variants: \`XCreate\` leaves out the \`readonly\` fields; \`XUpdate\` also makes
  every field optional and drops the defaults, so a PATCH never resets what it leaves out.
- There are no \`required:\` lists: properties, parameters and bodies are required unless marked optional.
- Names: models PascalCase, operations camelCase, services kebab-case; tags letters, digits, \`-\` and \`_\`.
- A client result is a union on \`status\`: \`if (result.status === 404)\` narrows \`result.body\` to that
  response's type (see \`${LAYOUT.services}/${c.service}/test/app.test.ts\`).

## Rules

- **Never edit \`${LAYOUT.output}/\`.** \`sync\` overwrites it; \`check\`, \`lint\` and the pre-commit hook fail on a hand
  edit. Commit it together with the spec change that produced it.
- **No ad-hoc validation** in \`${LAYOUT.services}/\`: no zod, yup, joi, valibot, class-validator... The generated
  router validates every request against the spec before a controller runs. A missing check belongs
  in the spec.
- **No hand-made routes or routers**: no \`express.Router()\`, no \`app.get(...)\`. Add the operation to the
  spec. Only \`${LAYOUT.services}/${c.service}/src/app.ts\` creates the app, from the generated \`create...App\`.
- **Use the generated types** from \`${LAYOUT.output}/models.ts\`; do not declare your own \`Note\`,
  \`NoteCreate\`...
- **Do not silence the \`spec/*\` lint rules** (\`eslint-disable\`). If one is wrong, say so instead.
- Run \`${run('dev')}\` to try the service: it syncs, serves on port ${c.port} (\`PORT\` overrides), and syncs
  and restarts on every change, spec included. A spec error is printed, and the last good code keeps running.
${c.vendored ? vendorRule : ''}`,
  };
}

/** Only for projects that install SpecFirst from the tarballs init copied into them. */
const vendorRule = `- **\`${PROJECT_VENDOR_FOLDER}/\` holds the SpecFirst packages** this project installs (they are not on the npm
  registry yet). Commit it; never edit it. An upgrade replaces them (SpecFirst's \`docs/upgrading.md\`).
`;

export function readmeFile(c: DocsContext): InitFile {
  const run = (script: string) => runScript(c.manager, script);
  return {
    path: 'README.md',
    contents: `# ${c.name}

A spec-first API made with SpecFirst: the spec in \`${LAYOUT.spec}/\`
describes the \`${c.service}\` service; \`specfirst sync\` turns it into types, validators, routers, a typed
client and an OpenAPI document in \`${LAYOUT.output}/\`; the controllers in \`${LAYOUT.services}/${c.service}/src/controllers/\`
implement the generated interfaces. See [AGENTS.md](AGENTS.md) for how to change it.

| Command | What it does |
| --- | --- |
| \`${run('dev')}\` | Sync and serve on http://localhost:${c.port} (\`PORT\` overrides); sync again and restart on every change, spec included. |
| \`${run('sync')}\` | Regenerate \`${LAYOUT.output}/\` from the spec. |
| \`${run('check')}\` | Check the spec, and that \`${LAYOUT.output}/\` matches it. |
| \`${run('lint')}\` | ESLint, with eslint-plugin-spec's rules on \`${LAYOUT.services}/\`. |
| \`${run('typecheck')}\` | \`tsc --noEmit\`, strict and incremental. |
| \`${run('test')}\` | Vitest: starts the app and calls it through the generated client. |
| \`${run('build')}\`, \`${run('start')}\` | Compile to \`dist/\`, and run the compiled service. |

Commits run ESLint on the staged files and, when the spec or \`${LAYOUT.output}/\` changed,
\`specfirst check\`, \`specfirst sync --check\` and ESLint on all of \`${LAYOUT.services}/\`; and they
type-check when code, the spec or \`${LAYOUT.output}/\` changed (husky and lint-staged). If the project was created
without git, run \`git init\` and then \`${run('prepare')}\` to install the hook.

In VS Code, open the folder and accept the recommended extensions (ESLint, YAML): spec errors show
on their line, and spec files complete from SpecFirst's JSON Schemas (\`.vscode/settings.json\`).
`,
  };
}
