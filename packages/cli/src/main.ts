/**
 * The `specfirst` command. Exit codes: 0 clean, 1 spec errors, 2 usage or internal error.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { checkCommand } from './commands/check.js';
import { graphCommand } from './commands/graph.js';
import type { InitOptions } from './commands/init.js';
import { irCommand } from './commands/ir.js';
import type { ScaffoldOptions } from './commands/scaffold.js';
import type { SyncOptions } from './commands/sync.js';
import { GRAPH_FORMATS, type GraphFormat } from './graph-output.js';
import { type Output, processOutput } from './output.js';

export const EXIT = { ok: 0, specErrors: 1, usage: 2 } as const;

/**
 * `-f, --format <format>`: the one definition every command that prints a result uses, so the
 * flag is spelled, checked and documented alike everywhere. The first choice is the default. In
 * `json`, standard output holds the JSON and nothing else (docs/cli.md has each command's shape).
 */
function formatOption<const F extends string>(choices: readonly [F, ...F[]]): Option {
  return new Option('-f, --format <format>', 'output format').choices(choices).default(choices[0]);
}

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/**
 * The commands that generate code (sync, scaffold, init) and `dev` are imported when they run:
 * loading @specfirst/codegen took about a fifth of a one-shot `specfirst check`.
 */
export function buildProgram(out: Output, setExit: (code: number) => void): Command {
  const program = new Command('specfirst')
    .description('Spec-first APIs for TypeScript: check the spec, generate code, keep services on it.')
    .version(version, '-v, --version')
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: (s) => out.stdout(s.trimEnd()), writeErr: (s) => out.stderr(s.trimEnd()) })
    .exitOverride();

  program
    .command('check')
    .description('Validate a project (or a standalone OpenAPI 3.0/3.1 document) and report every problem.')
    .argument(
      '[paths...]',
      'project folders, files inside projects, or OpenAPI documents (default: the current folder)',
    )
    .addOption(formatOption(['text', 'json']))
    .action(async (paths: string[], options: { format: 'text' | 'json' }) =>
      setExit(await checkCommand(paths, options, out)),
    );

  program
    .command('ir')
    .description('Print the intermediate representation (IR) as JSON.')
    .argument('[path]', 'project folder or OpenAPI document', '.')
    .option('--pretty', 'indent the JSON', false)
    .addOption(formatOption(['json']))
    .action(async (target: string, options: { pretty: boolean; format: 'json' }) =>
      setExit(await irCommand(target, options, out)),
    );

  program
    .command('graph')
    .description('Show which service talks to which: calls, events and tasks.')
    .argument('[path]', 'project folder (or an OpenAPI document)', '.')
    .addOption(formatOption(GRAPH_FORMATS))
    .action(async (target: string, options: { format: GraphFormat }) =>
      setExit(await graphCommand(target, options, out)),
    );

  program
    .command('sync')
    .description('Generate models, validators, routers, clients and OpenAPI documents from the spec.')
    .argument('[path]', 'project folder or OpenAPI document', '.')
    .option('-o, --out <dir>', "output folder (default: the project's `output`, usually generated/)")
    .option('--check', 'write nothing; exit 1 and name the files when the output is stale or was edited', false)
    .option('-w, --watch', 'sync again whenever a spec file changes (with --format json: one line per run)', false)
    .addOption(formatOption(['text', 'json']))
    .action(async (target: string, options: SyncOptions) =>
      setExit(await (await import('./commands/sync.js')).syncCommand(target, options, out)),
    );

  program
    .command('dev')
    .description('Sync, run your service with the command given after `--`, and sync again on every spec change.')
    .argument(
      '<command...>',
      'the command that runs the service and restarts it when its files change, e.g. `tsx watch services/api/src/main.ts`',
    )
    .option('-p, --project <path>', 'project folder; the command runs in it', '.')
    .usage('[options] -- <command...>')
    .action(async (command: string[], options: { project: string }) =>
      setExit(await (await import('./commands/dev.js')).devCommand(options.project, command, out)),
    );

  program
    .command('scaffold')
    .description('Write controller skeletons (services/<service>/src/controllers/<tag>.ts) where none exist yet.')
    .argument('[service]', 'only this service (default: every HTTP service)')
    .option('-p, --project <path>', 'project folder', '.')
    .addOption(formatOption(['text', 'json']))
    .action(async (service: string | undefined, options: ScaffoldOptions) =>
      setExit(await (await import('./commands/scaffold.js')).scaffoldCommand(service, options, out)),
    );

  program
    .command('init')
    .description('Create a new project: a spec, a service that implements it, a test, lint rules and git hooks.')
    .argument('<dir>', 'folder to create the project in (new, or empty)')
    .option('--name <name>', "project name (default: the folder's name in kebab-case)")
    .option('-s, --service <name>', 'name of the HTTP service, kebab-case (default: "api")')
    .option('-p, --port <port>', 'port the service listens on (default: 3000)')
    .option('--description <text>', 'one line describing the service')
    .addOption(
      new Option(
        '--package-manager <manager>',
        'package manager to install with and to name in scripts (default: the one running specfirst, else pnpm)',
      ).choices(['pnpm', 'npm']),
    )
    .option('--no-install', 'do not install the dependencies')
    .option('--no-git', 'do not run git init, nor make the first commit')
    .option('-y, --yes', 'never ask: take the default of every choice not given', false)
    .addOption(formatOption(['text', 'json']))
    .action(async (dir: string, options: InitOptions) =>
      setExit(await (await import('./commands/init.js')).initCommand(dir, options, out)),
    );

  return program;
}

/** Runs the command line and returns the exit code; never throws. */
export async function main(argv: string[], out: Output = processOutput()): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(out, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    out.stderr(`specfirst: internal error: ${(error as Error).message ?? String(error)}`);
    out.stderr('This is a bug in SpecFirst, not in your spec; please report it with the command you ran.');
    if (process.env.SPECFIRST_DEBUG) out.stderr((error as Error).stack ?? '');
    return EXIT.usage;
  }
}
