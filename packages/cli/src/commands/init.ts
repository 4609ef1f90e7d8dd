import { existsSync } from 'node:fs';
import path from 'node:path';
import { scaffoldFiles } from '@specfirst/codegen';
import { loadProject, toFileName, type IRService, type LoadResult } from '@specfirst/spec-core';
import { formatDiagnostic, plural, type TextOptions } from '../format.js';
import type { Output } from '../output.js';
import { ChoiceError, checkOptions, resolveChoices, type Choices, type InitOptions } from '../init/choices.js';
import { findCheckout, projectDependencies } from '../init/dependencies.js';
import { inspectTarget, ProjectWriter, type InitFile } from '../init/files.js';
import { PromptCancelled, terminalPrompter, type Prompter } from '../init/prompt.js';
import { processRunner, type Runner } from '../init/run.js';
import { appFile, CONTROLLER_TEMPLATES, mainFile, testFile, type CodeContext } from '../init/template/code.js';
import { agentsFile, readmeFile } from '../init/template/docs.js';
import {
  eslintConfigFile,
  gitFiles,
  huskyFile,
  lintStagedConfigFile,
  packageJsonFile,
  pnpmWorkspaceFile,
  runScript,
  tsconfigFile,
  vitestConfigFile,
} from '../init/template/project.js';
import { LAYOUT, optionAt, specFiles } from '../init/template/spec.js';
import { syncCommand } from './sync.js';

export type { InitOptions } from '../init/choices.js';

/** What init talks to besides the file system; tests replace them. */
export interface InitEnvironment {
  /** Asks for the choices not given as options; undefined when nobody is there to answer. */
  prompter?: Prompter;
  run: Runner;
  /** The SpecFirst checkout this CLI runs from, if any (its packages are then linked). */
  checkout: string | undefined;
}

/**
 * `specfirst init <dir>`: a new project that works out of the box. In order: check the options
 * and the folder (nothing is written yet), ask what was not given (on a terminal), write the spec
 * and let spec-core check it (an invalid name removes everything again: exit 2), write the rest,
 * sync, `git init`, install. Exit code 0 when all of it worked, 1 when the project was written but
 * a later step failed (the message says what to run), 2 for a usage error, 130 when the questions
 * were left with Ctrl+C or Ctrl+D.
 */
export async function initCommand(dir: string, options: InitOptions, out: Output, environment?: Partial<InitEnvironment>): Promise<number> {
  const env: InitEnvironment = {
    run: environment?.run ?? processRunner(out),
    checkout: environment && 'checkout' in environment ? environment.checkout : findCheckout(),
    ...(environment?.prompter ? { prompter: environment.prompter } : {}),
  };
  const root = path.resolve(dir);
  const shown = path.relative(process.cwd(), root) || '.';
  const refuse = (message: string, hint: string): number => {
    out.stderr(`specfirst init: ${message}`);
    out.stderr(`  ${out.colors.cyan('hint:')} ${hint}`);
    return 2;
  };

  try {
    checkOptions(options);
  } catch (error) {
    if (error instanceof ChoiceError) return refuse(error.message, error.hint);
    throw error;
  }
  const target = await inspectTarget(root, shown);
  if ('message' in target) return refuse(target.message, target.hint);

  const prompter = env.prompter ?? terminalPrompter(options.yes);
  let choices: Choices;
  try {
    choices = await resolveChoices(root, options, prompter);
  } catch (error) {
    if (error instanceof ChoiceError) return refuse(error.message, error.hint);
    if (error instanceof PromptCancelled) {
      out.stderr('\nspecfirst init: cancelled; nothing was created');
      return 130;
    }
    throw error;
  } finally {
    prompter?.close();
  }

  const writer = await ProjectWriter.open(root);
  let service: IRService;
  try {
    const spec = specFiles({
      name: choices.name,
      service: choices.service,
      // spec-core's file name for the service: only [a-z0-9-], so the path is safe before the name is
      // checked, and the same as the name once it passed.
      restFile: `rest/${toFileName(choices.service) || 'service'}.yaml`,
      port: choices.port,
      description: choices.description,
    });
    await writer.writeAll(spec);
    const loaded = await loadProject(root, { cache: false });
    const found = loaded.diagnostics.some((d) => d.severity === 'error') ? undefined : loaded.ir.services.find((s) => s.name === choices.service);
    if (found === undefined || toFileName(found.name) !== found.name) {
      reportInvalidSpec(loaded, spec, out);
      await writer.rollback();
      return 2;
    }
    service = found;
    await writer.writeAll(projectFiles(choices, service, loaded, env.checkout));
  } catch (error) {
    await writer.rollback();
    throw error;
  }

  out.stdout(`${out.colors.green('✓')} wrote the project to ${shown}`);
  // In-process, so generated/ exists even without an install; then git before the install, whose
  // `prepare` script (husky) needs the repository to install the hook.
  const synced = (await syncCommand(root, { check: false, watch: false }, quiet(out))) === 0;
  const failed: string[] = [];
  if (options.git) {
    const git = await gitInit(root, target.hasGit, env.run, out);
    if (git !== undefined) failed.push(git);
  }
  if (options.install) {
    out.stdout(`installing dependencies with ${choices.manager}...`);
    const install = await env.run(choices.manager, ['install', '--prefer-offline'], root);
    if (install.code !== 0) {
      out.stderr(out.colors.red(`✖ ${choices.manager} install ${install.error?.code === 'ENOENT' ? `could not start: ${choices.manager} is not installed` : 'failed'}`));
      failed.push(`${choices.manager} install`);
    }
  }
  if (!synced) failed.push(runScript(choices.manager, 'sync'));
  nextSteps(root, shown, choices, service, options, out);
  if (failed.length === 0) return 0;
  out.stderr(out.colors.red(`✖ the project is there, but some steps failed; in ${shown}, run: ${failed.join(' && ')}`));
  return 1;
}

/** spec-core's diagnostics on the spec made from the options, and which option each comes from. */
function reportInvalidSpec(loaded: LoadResult, spec: readonly InitFile[], out: Output): void {
  const text: TextOptions = { colors: out.colors, codeFrame: out.isTTY, cwd: process.cwd() };
  const options = new Set<string>();
  for (const d of loaded.diagnostics) {
    out.stderr(`${formatDiagnostic(d, loaded.root, text)}\n`);
    const option = d.severity === 'error' ? optionAt(spec, d.file.split(path.sep).join('/'), d.line) : undefined;
    if (option !== undefined) options.add(option);
  }
  const which = options.size > 0 ? [...options].join(', ') : 'the options';
  out.stderr(out.colors.red(`✖ specfirst init: ${which} would make an invalid spec (see above); nothing was created`));
  out.stderr(`  ${out.colors.cyan('hint:')} fix the option and run init again; the naming rules are in docs/spec-format.md ("Naming rules")`);
}

/** Every file of the project besides the spec, for the service spec-core read. */
function projectFiles(choices: Choices, service: IRService, loaded: LoadResult, checkout: string | undefined): InitFile[] {
  const project = loaded.ir.project;
  const code: CodeContext = { service: service.name, identifier: service.identifier, port: choices.port, servicesDir: project.servicesDir, outputDir: project.outputDir };
  // The controller files are where codegen's scaffold puts them (and the lint rules look for them):
  // a template with a working implementation where there is one, the scaffold's 501 skeleton otherwise.
  const controllers = scaffoldFiles(loaded.ir, service.name).map((file) => {
    const tag = service.tags.find((t) => t.name === file.tag)!;
    const template = CONTROLLER_TEMPLATES[tag.name];
    return {
      file: { path: file.path, contents: template ? template(code, file.path) : file.contents },
      // The tag's key in `<Service>Controllers`, as codegen makes it: `admin-orders` → `adminOrders`.
      tagKey: tag.identifier[0]!.toLowerCase() + tag.identifier.slice(1),
      className: `${tag.identifier}ControllerImpl`,
    };
  });
  const docs = { name: choices.name, service: service.name, port: choices.port, manager: choices.manager };
  return [
    ...controllers.map((c) => c.file),
    appFile(code, controllers.map((c) => ({ tagKey: c.tagKey, className: c.className, file: c.file.path }))),
    mainFile(code),
    testFile(code),
    packageJsonFile({
      name: choices.name,
      description: choices.description,
      service: service.name,
      manager: choices.manager,
      dependencies: projectDependencies(choices.manager, checkout),
    }),
    tsconfigFile(),
    eslintConfigFile(),
    lintStagedConfigFile(),
    huskyFile(choices.manager),
    vitestConfigFile(),
    ...gitFiles(),
    ...(choices.manager === 'pnpm' ? [pnpmWorkspaceFile()] : []),
    agentsFile(docs),
    readmeFile(docs),
  ];
}

/** `git init`, unless the folder already is (or is inside) a repository. Returns the command to retry on failure. */
async function gitInit(root: string, hasGit: boolean, run: Runner, out: Output): Promise<string | undefined> {
  if (hasGit) {
    out.stdout('git: the folder already is a repository; not running git init');
    return undefined;
  }
  const inside = await run('git', ['rev-parse', '--show-toplevel'], root, { quiet: true });
  if (inside.code === 0) {
    out.stdout('git: the folder is inside a git repository already; not running git init (the pre-commit hook is installed only at a repository root)');
    return undefined;
  }
  const result = await run('git', ['init', '--quiet'], root);
  if (result.code === 0) {
    out.stdout(`${out.colors.green('✓')} git init`);
    return undefined;
  }
  out.stderr(out.colors.red(`✖ git init ${result.error?.code === 'ENOENT' ? 'could not start: git is not installed' : 'failed'}`));
  return 'git init';
}

/** Sync's summary line only: the list of files it wrote is noise in init's output. */
function quiet(out: Output): Output {
  return { ...out, stdout: (line) => (line.startsWith('  ') ? undefined : out.stdout(line)) };
}

function nextSteps(root: string, shown: string, choices: Choices, service: IRService, options: InitOptions, out: Output): void {
  const run = (script: string) => runScript(choices.manager, script);
  const operations = service.operations.length;
  out.stdout('');
  out.stdout(
    `${out.colors.green('✓')} ${choices.name}: the ${service.name} service on port ${choices.port}, ${plural(service.tags.length, 'tag')}, ${plural(operations, 'operation')}`,
  );
  out.stdout('');
  out.stdout('Next:');
  const steps: [string, string][] = [];
  if (shown !== '.') steps.push([`cd ${/\s/.test(shown) ? `"${shown}"` : shown}`, '']);
  if (!options.install) steps.push([`${choices.manager} install`, 'install the dependencies']);
  if (!options.git && !existsSync(path.join(root, '.git'))) steps.push([`git init && ${run('prepare')}`, 'a repository, and its pre-commit hook']);
  steps.push([run('dev'), `serve http://localhost:${choices.port}, restart on every change`]);
  steps.push([run('test'), 'start the app and call it through the generated client']);
  const width = Math.max(...steps.map(([command]) => command.length));
  for (const [command, why] of steps) out.stdout(why ? `  ${command.padEnd(width)}   ${out.colors.dim(why)}` : `  ${command}`);
  out.stdout('');
  out.stdout(`Change the API in ${LAYOUT.spec}/, run ${run('sync')}, implement the generated interfaces: AGENTS.md has the rules.`);
}
