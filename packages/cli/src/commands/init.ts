import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { scaffoldFiles } from '@specfirst/codegen';
import { controllerClass, controllerKey } from '@specfirst/codegen/names';
import { loadProject, toFileName, type IRService, type LoadResult } from '@specfirst/spec-core';
import { formatDiagnostic, plural, type TextOptions } from '../format.js';
import type { Output } from '../output.js';
import { ChoiceError, checkOptions, resolveChoices, type Choices, type InitOptions } from '../init/choices.js';
import {
  findPackageSource,
  PackageSourceError,
  projectDependencies,
  type Dependencies,
  type PackageManager,
  type PackageSource,
} from '../init/dependencies.js';
import { inspectTarget, ProjectWriter, type InitFile } from '../init/files.js';
import { PromptCancelled, terminalPrompter, type Prompter } from '../init/prompt.js';
import { processRunner, type Runner } from '../init/run.js';
import { appFile, CONTROLLER_TEMPLATES, mainFile, testFile, type CodeContext } from '../init/template/code.js';
import { agentsFile, readmeFile } from '../init/template/docs.js';
import {
  editorFiles,
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
  /** Where the project gets SpecFirst's packages (a checkout, the CLI's vendored tarballs, the registry). */
  packages: PackageSource;
}

/** A step after the files are written, and how it went. */
interface StepReport {
  step: 'sync' | 'git init' | 'install' | 'verify' | 'commit';
  command: string;
  ok: boolean;
}

/** The message of the first commit init makes. */
export const FIRST_COMMIT_MESSAGE = 'Start the project with specfirst init';

/**
 * `specfirst init <dir>`: a new project that works out of the box. In order: check the options,
 * the folder and where the SpecFirst packages come from (nothing is written yet), ask what was not
 * given (on a terminal), write the spec and let spec-core check it (an invalid name removes
 * everything again: exit 2), write the rest, then the steps: sync, `git init`, install, check with
 * the installed CLI that generated/ is what it would sync, and commit. Success is said only once
 * every step worked; otherwise init names the failed step, the command it ran and what to do, and
 * exits 1 (the project stays). 2 for a usage error, 130 when the questions were left with Ctrl+C or
 * Ctrl+D.
 */
export async function initCommand(
  dir: string,
  options: InitOptions,
  output: Output,
  environment?: Partial<InitEnvironment>,
): Promise<number> {
  // With --format json, stdout carries one JSON object; what people read goes to stderr.
  const json = options.format === 'json';
  const out: Output = json ? { ...output, stdout: output.stderr } : output;
  const root = path.resolve(dir);
  const shown = path.relative(process.cwd(), root) || '.';
  const refuse = (message: string, hint: string): number => {
    out.stderr(`specfirst init: ${message}`);
    out.stderr(`  ${out.colors.cyan('hint:')} ${hint}`);
    return 2;
  };

  let env: InitEnvironment;
  try {
    checkOptions(options);
    env = {
      run: environment?.run ?? processRunner(out),
      packages: environment?.packages ?? findPackageSource(),
      ...(environment?.prompter ? { prompter: environment.prompter } : {}),
    };
  } catch (error) {
    if (error instanceof ChoiceError || error instanceof PackageSourceError) return refuse(error.message, error.hint);
    throw error;
  }
  const target = await inspectTarget(root, shown);
  if ('message' in target) return refuse(target.message, target.hint);

  const prompter = env.prompter ?? terminalPrompter(options.yes || json);
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
    const found = loaded.diagnostics.some((d) => d.severity === 'error')
      ? undefined
      : loaded.ir.services.find((s) => s.name === choices.service);
    if (found === undefined || toFileName(found.name) !== found.name) {
      reportInvalidSpec(loaded, spec, out);
      await writer.rollback();
      return 2;
    }
    service = found;
    const dependencies = projectDependencies(choices.manager, env.packages, root);
    await writer.writeAll([
      ...projectFiles(choices, service, loaded, dependencies),
      ...(await copiedFiles(dependencies)),
    ]);
  } catch (error) {
    await writer.rollback();
    if (error instanceof PackageSourceError) return refuse(error.message, error.hint);
    throw error;
  }
  out.stdout(`${out.colors.green('✓')} wrote the project to ${shown}`);

  const steps: StepReport[] = [];
  const plan = await plannedSteps(root, choices, target.hasGit, options, env, out);
  const failed = await runSteps(plan, steps);
  if (json) output.stdout(JSON.stringify(initReport(root, choices, service, env.packages, steps, failed), null, 2));
  if (failed === undefined) {
    nextSteps(root, shown, choices, service, options, out);
    return 0;
  }
  reportFailure(shown, failed, plan, steps, out);
  return 1;
}

/** Why a step failed, and what to do about it. */
interface StepFailure {
  step: StepReport['step'];
  command: string;
  why: string;
  hint: string;
}

/** One step after the files are written: its name, the command it stands for, and how it goes. */
interface Step {
  step: StepReport['step'];
  command: string;
  run(): Promise<{ why: string; hint: string } | undefined>;
}

/**
 * The steps after the files are written, in order: the first sync (in this process, so generated/
 * exists even without an install), `git init`, the install, a check with the project's own,
 * installed CLI that generated/ is what it would sync, and the first commit. Git comes before the
 * install, whose `prepare` script (husky) needs the repository to install the hook; the commit
 * comes last, through that hook. Options leave steps out; nothing is committed in a repository
 * init did not create.
 */
async function plannedSteps(
  root: string,
  choices: Choices,
  hasGit: boolean,
  options: InitOptions,
  env: InitEnvironment,
  out: Output,
): Promise<Step[]> {
  const manager = choices.manager;
  const plan: Step[] = [
    {
      step: 'sync',
      command: runScript(manager, 'sync'),
      run: async () =>
        (await syncCommand(root, { check: false, watch: false, listFiles: false }, out)) === 0
          ? undefined
          : { why: 'reported the problems above', hint: 'fix them in the spec, then run the command again' },
    },
  ];
  const initialise = options.git && (await gitWanted(root, hasGit, env.run, out));
  if (initialise) {
    plan.push({
      step: 'git init',
      command: 'git init',
      run: async () => {
        const result = await env.run('git', ['init', '--quiet'], root);
        if (result.code === 0) {
          out.stdout(`${out.colors.green('✓')} git init`);
          return undefined;
        }
        return {
          why:
            result.error?.code === 'ENOENT'
              ? 'could not start: git is not installed'
              : `exited with code ${String(result.code)}`,
          hint: 'install git (https://git-scm.com), or run init again with --no-git',
        };
      },
    });
  }
  if (options.install) {
    const install = [manager, 'install', '--prefer-offline'];
    plan.push({
      step: 'install',
      command: install.join(' '),
      run: async () => {
        out.stdout(`installing dependencies with ${manager}...`);
        const result = await env.run(install[0]!, install.slice(1), root);
        if (result.code === 0) return undefined;
        if (result.error?.code === 'ENOENT') {
          const other = manager === 'pnpm' ? 'npm' : 'pnpm';
          return {
            why: `could not start: ${manager} is not installed`,
            hint: `install ${manager} (${manager === 'pnpm' ? 'npm i -g pnpm' : 'it comes with Node.js'}), or run init again with --package-manager ${other}`,
          };
        }
        return {
          why: `exited with code ${String(result.code)} (its output is above)`,
          hint: `read ${manager}'s message above (a 404 names a package the registry does not have; ENOTFOUND or ETIMEDOUT means no network), fix its cause, and run the command again; docs/troubleshooting.md has the usual causes`,
        };
      },
    });
    // The project's own specfirst, as installed, must read the spec and find generated/ current.
    const verify = verifyCommand(manager);
    plan.push({
      step: 'verify',
      command: verify.join(' '),
      run: async () => {
        const result = await env.run(verify[0]!, verify.slice(1), root, { onlyOnFailure: true });
        if (result.code === 0) return undefined;
        return {
          why:
            result.error?.code === 'ENOENT'
              ? `could not start: ${verify[0]!} is not installed`
              : `exited with code ${String(result.code)}: the installed specfirst does not find generated/ current (its output is above)`,
          hint: `run \`${runScript(manager, 'check')}\` in the project to see it again; if node_modules/.bin/specfirst is missing, the install did not finish: run \`${manager} install\``,
        };
      },
    });
  }
  if (initialise) {
    plan.push({
      step: 'commit',
      command: `git add -A && git commit -m "${FIRST_COMMIT_MESSAGE}"`,
      run: async () => {
        const added = await env.run('git', ['add', '-A'], root);
        // The pre-commit hook runs here too (after an install): its progress is shown only if it fails.
        const result =
          added.code === 0
            ? await env.run('git', ['commit', '--quiet', '-m', FIRST_COMMIT_MESSAGE], root, { onlyOnFailure: true })
            : added;
        if (result.code === 0) {
          out.stdout(`${out.colors.green('✓')} first commit: ${FIRST_COMMIT_MESSAGE}`);
          return undefined;
        }
        return {
          why: `exited with code ${String(result.code)} (git's message is above)`,
          hint: 'if git asks who you are, set `git config --global user.name "Your Name"` and `git config --global user.email you@example.com`; then run the command',
        };
      },
    });
  }
  return plan;
}

/** Runs the steps in order until one fails; records each in `steps`. */
async function runSteps(plan: readonly Step[], steps: StepReport[]): Promise<StepFailure | undefined> {
  for (const { step, command, run } of plan) {
    const failed = await run();
    steps.push({ step, command, ok: failed === undefined });
    if (failed !== undefined) return { step, command, ...failed };
  }
  return undefined;
}

/** The installed CLI's check that generated/ is what it would sync; `npx --no` never downloads a stand-in. */
function verifyCommand(manager: PackageManager): string[] {
  return [...(manager === 'pnpm' ? ['pnpm', 'exec'] : ['npx', '--no']), 'specfirst', 'sync', '--check'];
}

/** The vendored tarballs, read and checked against the integrity the CLI's list gives. */
async function copiedFiles(dependencies: Dependencies): Promise<InitFile[]> {
  const files: InitFile[] = [];
  for (const copy of dependencies.copies) {
    const bytes = await readFile(copy.from);
    const integrity = `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
    if (integrity !== copy.integrity) {
      throw new PackageSourceError(
        `${copy.from} is not the tarball the CLI was packed with (its sha512 differs)`,
        'reinstall @specfirst/cli from its tarball',
      );
    }
    files.push({ path: copy.to, contents: bytes });
  }
  return files;
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
  const hints =
    options.size > 0
      ? [...options].map((option) => OPTION_HINTS[option] ?? OPTION_HINTS['--name']!)
      : [OPTION_HINTS['--name']!];
  for (const hint of new Set(hints)) out.stderr(`  ${out.colors.cyan('hint:')} ${hint}`);
}

/** What each option must be, and where the rule is written down. */
const OPTION_HINTS: Readonly<Record<string, string>> = {
  '--name': 'fix the option and run init again; the naming rules are in docs/spec-format.md ("Naming rules")',
  '--service': 'fix the option and run init again; the naming rules are in docs/spec-format.md ("Naming rules")',
  '--port':
    'give a port from 1 to 65535 that nothing else on the machine uses, e.g. --port 3000; see docs/spec-format.md ("`spec/services.yaml`")',
  '--description': 'describe the service in one plain sentence',
};

/** Every file of the project besides the spec, for the service spec-core read. */
function projectFiles(
  choices: Choices,
  service: IRService,
  loaded: LoadResult,
  dependencies: Dependencies,
): InitFile[] {
  const project = loaded.ir.project;
  const code: CodeContext = { service, servicesDir: project.servicesDir };
  // The controller files are where codegen's scaffold puts them (and the lint rules look for them):
  // a template with a working implementation where there is one, the scaffold's 501 skeleton otherwise.
  // The project's package.json declares `#generated/*` (packageJsonFile), so the skeletons import that way too.
  const controllers = scaffoldFiles(loaded.ir, { service: service.name, generatedImport: true }).map((file) => {
    const tag = service.tags.find((t) => t.name === file.tag)!;
    const template = CONTROLLER_TEMPLATES[tag.name];
    return {
      file: { path: file.path, contents: template ? template(code, tag) : file.contents },
      tagKey: controllerKey(tag),
      className: controllerClass(tag),
    };
  });
  const docs = {
    name: choices.name,
    service: service.name,
    port: choices.port,
    manager: choices.manager,
    vendored: dependencies.copies.length > 0,
  };
  return [
    ...controllers.map((c) => c.file),
    appFile(
      code,
      controllers.map((c) => ({ tagKey: c.tagKey, className: c.className, file: c.file.path })),
    ),
    mainFile(code),
    testFile(code),
    packageJsonFile({
      name: choices.name,
      description: choices.description,
      service: service.name,
      manager: choices.manager,
      dependencies,
    }),
    tsconfigFile(),
    eslintConfigFile(),
    lintStagedConfigFile(),
    huskyFile(choices.manager),
    vitestConfigFile(),
    ...gitFiles(),
    ...editorFiles(),
    ...(choices.manager === 'pnpm' ? [pnpmWorkspaceFile(dependencies.overrides)] : []),
    agentsFile(docs),
    readmeFile(docs),
  ];
}

/** Whether to `git init`: not when the folder already is (or is inside) a repository. */
async function gitWanted(root: string, hasGit: boolean, run: Runner, out: Output): Promise<boolean> {
  if (hasGit) {
    out.stdout('git: the folder already is a repository; not running git init (nor committing)');
    return false;
  }
  const inside = await run('git', ['rev-parse', '--show-toplevel'], root, { quiet: true });
  if (inside.code === 0) {
    out.stdout(
      'git: the folder is inside a git repository already; not running git init (the pre-commit hook is installed only at a repository root)',
    );
    return false;
  }
  return true;
}

function nextSteps(
  root: string,
  shown: string,
  choices: Choices,
  service: IRService,
  options: InitOptions,
  out: Output,
): void {
  const run = (script: string) => runScript(choices.manager, script);
  out.stdout('');
  out.stdout(
    `${out.colors.green('✓')} ${choices.name}: the ${service.name} service on port ${choices.port}, ${plural(service.tags.length, 'tag')}, ${plural(service.operations.length, 'operation')}`,
  );
  out.stdout('');
  out.stdout('Next:');
  const todo: [string, string][] = [];
  if (shown !== '.') todo.push([`cd ${/\s/.test(shown) ? `"${shown}"` : shown}`, '']);
  if (!options.install) todo.push([`${choices.manager} install`, 'install the dependencies']);
  if (!options.git && !existsSync(path.join(root, '.git')))
    todo.push([`git init && ${run('prepare')}`, 'a repository, and its pre-commit hook']);
  todo.push([run('dev'), `serve http://localhost:${choices.port}; restart on every change, spec included`]);
  todo.push([run('test'), 'start the app and call it through the generated client']);
  const width = Math.max(...todo.map(([command]) => command.length));
  for (const [command, why] of todo)
    out.stdout(why ? `  ${command.padEnd(width)}   ${out.colors.dim(why)}` : `  ${command}`);
  out.stdout('');
  out.stdout(
    `Change the API in ${LAYOUT.spec}/, run ${run('sync')}, implement the generated interfaces: AGENTS.md has the rules.`,
  );
}

/** The order of the steps when a person finishes the job. */
const BY_HAND: readonly StepReport['step'][] = ['git init', 'install', 'sync', 'verify', 'commit'];

/**
 * The commands that finish the job after `failed`: it and every step it kept from running, in the
 * order a person runs them (by hand, the sync is the project's own `specfirst`, which needs the
 * install first).
 */
export function commandsLeft(
  planned: readonly Pick<StepReport, 'step' | 'command'>[],
  failed: StepReport['step'],
): string[] {
  const left = planned.slice(planned.findIndex((s) => s.step === failed));
  return [...left].sort((a, b) => BY_HAND.indexOf(a.step) - BY_HAND.indexOf(b.step)).map((s) => s.command);
}

/** Names the step that failed, the command it ran, what to do, and the commands that finish the job. */
function reportFailure(
  shown: string,
  failed: StepFailure,
  planned: readonly Step[],
  steps: readonly StepReport[],
  out: Output,
): void {
  const c = out.colors;
  out.stderr('');
  out.stderr(c.red(`✖ ${failed.step} failed: \`${failed.command}\` ${failed.why}`));
  out.stderr(`  ${c.cyan('hint:')} ${failed.hint}`);
  const done = steps.filter((s) => s.ok).map((s) => s.step);
  const remaining = commandsLeft(planned, failed.step);
  out.stderr(
    `The project is in ${shown}${done.length > 0 ? ` (done: ${done.join(', ')})` : ''}. Once that is fixed, finish there with:`,
  );
  out.stderr(`  ${remaining.join(' && ')}`);
}

/** What `--format json` prints: the project, and each step with its command and outcome. */
function initReport(
  root: string,
  choices: Choices,
  service: IRService,
  packages: PackageSource,
  steps: readonly StepReport[],
  failed: StepFailure | undefined,
) {
  return {
    ok: failed === undefined,
    project: root,
    name: choices.name,
    service: { name: service.name, port: choices.port, operations: service.operations.length },
    packageManager: choices.manager,
    packages: packages.kind,
    steps,
    ...(failed ? { failed } : {}),
  };
}
