/**
 * The two documents of a new project: AGENTS.md, the rules of the house for coding agents (and
 * people), and a short README. Only validated names reach them (the project and service names);
 * the free-text description is kept out of AGENTS.md, which agents read as instructions.
 */
import type { PackageManager } from '../dependencies.js';
import type { InitFile } from '../files.js';
import { execCommand, runScript } from './project.js';
import { LAYOUT } from './spec.js';

export interface DocsContext {
  name: string;
  service: string;
  port: number;
  manager: PackageManager;
}

export function agentsFile(c: DocsContext): InitFile {
  const run = (script: string) => runScript(c.manager, script);
  const exec = execCommand(c.manager);
  const routers = `${LAYOUT.output}/routers/${c.service}`;
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
   \`implements <Tag>Controller\` from \`${routers}/<tag>.js\`, and \`tsc\` lists what is missing or
   wrong. For a new tag, \`${exec} specfirst scaffold\` writes the skeleton. Answer with the generated reply
   helpers (\`getNoteReply.notFound(...)\`); a status the spec does not declare does not compile.
4. Test through the generated client (\`${LAYOUT.output}/clients/${c.service}.ts\`) against the real app, as
   \`${LAYOUT.services}/${c.service}/test/app.test.ts\` does.
5. Before committing, all of these must pass:

   \`\`\`sh
   ${run('check')}        # the spec is valid and ${LAYOUT.output}/ matches it
   ${run('lint')}
   ${run('typecheck')}
   ${run('test')}
   \`\`\`

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
- Run \`${run('dev')}\` to try the service: it syncs, then serves on port ${c.port} (\`PORT\` overrides) and
  restarts on every change.
`,
  };
}

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
| \`${run('dev')}\` | Sync, then serve on http://localhost:${c.port} (\`PORT\` overrides), restarting on changes. |
| \`${run('sync')}\` | Regenerate \`${LAYOUT.output}/\` from the spec. |
| \`${run('check')}\` | Check the spec, and that \`${LAYOUT.output}/\` matches it. |
| \`${run('lint')}\` | ESLint, with eslint-plugin-spec's rules on \`${LAYOUT.services}/\`. |
| \`${run('typecheck')}\` | \`tsc --noEmit\`, strict. |
| \`${run('test')}\` | Vitest: starts the app and calls it through the generated client. |
| \`${run('build')}\`, \`${run('start')}\` | Compile to \`dist/\`, and run the compiled service. |

Commits run ESLint on the staged files and, when the spec or \`${LAYOUT.output}/\` changed,
\`specfirst check\` and \`specfirst sync --check\` (husky and lint-staged). If the project was created
without git, run \`git init\` and then \`${run('prepare')}\` to install the hook.
`,
  };
}
