/**
 * The `specfirst` command. Exit codes: 0 clean, 1 spec errors, 2 usage or internal error.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { checkCommand } from './commands/check.js';
import { graphCommand } from './commands/graph.js';
import type { DeadLettersOptions, ReplayOptions } from './commands/events.js';
import type { InitOptions } from './commands/init.js';
import { irCommand } from './commands/ir.js';
import type { ScaffoldOptions } from './commands/scaffold.js';
import type { SyncOptions } from './commands/sync.js';
import type { TasksDeadLettersOptions, TasksRetryOptions } from './commands/tasks.js';
import { DEFAULT_DEAD_LETTER_COUNT } from './events-output.js';
import { GRAPH_FORMATS, type GraphFormat } from './graph-output.js';
import { type Output, processOutput } from './output.js';
import { DEFAULT_TASK_DEAD_LETTER_COUNT } from './tasks-output.js';

export const EXIT = { ok: 0, specErrors: 1, usage: 2 } as const;

/**
 * `-f, --format <format>`: the one definition every command that prints a result uses, so the
 * flag is spelled, checked and documented alike everywhere. The first choice is the default. In
 * `json`, standard output holds the JSON and nothing else (docs/cli.md has each command's shape).
 */
function formatOption<const F extends string>(choices: readonly [F, ...F[]]): Option {
  return new Option('-f, --format <format>', 'output format').choices(choices).default(choices[0]);
}

/** `--project`, `--redis` and `--prefix`: where the topic is declared and where its streams are, for every `events` subcommand. */
function eventsConnectionOptions(command: Command): Command {
  return command
    .option('-p, --project <path>', 'project folder whose spec declares the topic', '.')
    .option('--redis <url>', 'Redis the services use (default: $REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--prefix <prefix>', 'key prefix the services put before every stream key (default: none)');
}

/** `--project`, `--redis` and `--prefix`: where the workers are declared and where their queues are, for every `tasks` subcommand. */
function tasksConnectionOptions(command: Command): Command {
  return command
    .option('-p, --project <path>', 'project folder whose spec declares the tasks', '.')
    .option('--redis <url>', 'Redis the workers use (default: $REDIS_URL, else redis://127.0.0.1:6379)')
    .option('--prefix <prefix>', "BullMQ key prefix the workers were given (default: BullMQ's, `bull`)");
}

/** `--count`: a whole number from 1 to 10000. */
function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 10_000)
    throw new InvalidArgumentError('expected a whole number from 1 to 10000.');
  return Number(value);
}

/** The end of `specfirst events --help`: what the commands work on, and how to use them after an incident. */
const OPERATING_EVENTS = `
Operating events:
  A consumer that fails a message on every delivery up to its topic's
  retry.attempts (or cannot decode or validate it: a poison message) moves it to
  the topic's dead-letter stream: its deadLetter topic's stream, else
  <topic>:dead-letter. Nothing is dropped. Each dead-letter entry keeps the
  message's fields and adds why it failed, how often, when, and which service
  (consumer group) gave up on it.

  After fixing the cause:
    specfirst events dead-letters order.created            what failed, and why
    specfirst events replay order.created --id <entryId> --dry-run
    specfirst events replay order.created --service billing --all

  A replayed entry goes back onto the topic's stream, atomically (never both
  there and in the dead-letter stream, never neither), and only the service that
  failed it (or --service) handles it again; the other services acknowledge it
  unseen. Give the Redis the services use (--redis, or REDIS_URL) and the key
  prefix they were given (--prefix).`;

/** The end of `specfirst tasks --help`: what the commands work on, and how to use them after an incident. */
const OPERATING_TASKS = `
Operating tasks:
  Each worker service takes its jobs from the queue named after it (mailer).
  A job that fails its last attempt (retry.attempts of its task), fails for
  good at once (invalid args or result, an unknown task) or stalls too often
  goes to the worker's dead-letter queue (mailer-dead-letter) with its args, its
  last error and its attempts. Nothing is dropped.

  After fixing the cause:
    specfirst tasks dead-letters --worker mailer          what failed, and why
    specfirst tasks retry <jobId> --worker mailer --dry-run
    specfirst tasks retry --all --worker mailer

  A retried job goes back onto its worker's queue with the same job id, its
  args and fresh attempts, and leaves the dead-letter queue. Give the Redis the
  workers use (--redis, or REDIS_URL) and the BullMQ prefix they were given
  (--prefix).`;

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

/**
 * The commands that generate code (sync, scaffold, init), `dev`, `events` and `tasks` are imported
 * when they run: loading @specfirst/codegen took about a fifth of a one-shot `specfirst check`,
 * `events` loads the runtime and ioredis, and `tasks` BullMQ, which no other command needs.
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

  const events = program
    .command('events')
    .description("Operate a running system's events: list the dead-letter entries of a topic, replay them after a fix.")
    .addHelpText('after', OPERATING_EVENTS);

  const deadLetters = events
    .command('dead-letters')
    .description('List the dead-letter entries of a topic: which service failed each one, why, when, and its message.')
    .argument('<topic>', 'topic name, as in spec/events.yaml')
    .option('-s, --service <name>', 'only the entries this consuming service dead-lettered')
    .addOption(
      new Option('-n, --count <n>', 'list at most this many entries')
        .argParser(parseCount)
        .default(DEFAULT_DEAD_LETTER_COUNT),
    )
    .option('--start <entryId>', 'list from this dead-letter entry id on (what the last list said comes next)');
  eventsConnectionOptions(deadLetters)
    .addOption(formatOption(['text', 'json']))
    .action(async (topic: string, options: DeadLettersOptions) =>
      setExit(await (await import('./commands/events.js')).deadLettersCommand(topic, options, out)),
    );

  const replay = events
    .command('replay')
    .description(
      'Move dead-letter entries of a topic back onto its stream, each for the service that failed it (or --service).',
    )
    .argument('<topic>', 'topic name, as in spec/events.yaml')
    .option(
      '-s, --service <name>',
      'only entries this service dead-lettered (with --id, also one of a service that no longer consumes the topic); only its group handles them again',
    )
    .addOption(
      new Option('--id <entryId...>', 'the dead-letter entries to replay (ids as `dead-letters` lists them)').conflicts(
        'all',
      ),
    )
    .option('--all', 'replay every dead-letter entry of the topic (of --service, when given)', false)
    .option('--dry-run', 'say what would be replayed, and change nothing', false);
  eventsConnectionOptions(replay)
    .addOption(formatOption(['text', 'json']))
    .action(async (topic: string, options: ReplayOptions) =>
      setExit(await (await import('./commands/events.js')).replayCommand(topic, options, out)),
    );

  const tasks = program
    .command('tasks')
    .description("Operate a running system's tasks: list the dead letters of its workers, retry them after a fix.")
    .addHelpText('after', OPERATING_TASKS);

  const taskDeadLetters = tasks
    .command('dead-letters')
    .description(
      'List the jobs the workers dead-lettered: which task, why, after how many attempts, when, and its args.',
    )
    .option('-w, --worker <service>', 'only this worker service (default: every worker that runs tasks)')
    .addOption(
      new Option('-n, --count <n>', 'list at most this many dead letters per worker, oldest first')
        .argParser(parseCount)
        .default(DEFAULT_TASK_DEAD_LETTER_COUNT),
    );
  tasksConnectionOptions(taskDeadLetters)
    .addOption(formatOption(['text', 'json']))
    .action(async (options: TasksDeadLettersOptions) =>
      setExit(await (await import('./commands/tasks.js')).tasksDeadLettersCommand(options, out)),
    );

  const taskRetry = tasks
    .command('retry')
    .description("Send dead letters back to their worker's queue with the same job id, their args and fresh attempts.")
    .argument('[jobIds...]', 'the dead letters to retry (job ids as `dead-letters` lists them; needs --worker)')
    .option('-w, --worker <service>', 'the worker whose dead letters to retry (with --all: default every worker)')
    .option('--all', 'retry every dead letter (of --worker, when given)', false)
    .option('--dry-run', 'say what would be retried, and change nothing', false);
  tasksConnectionOptions(taskRetry)
    .addOption(formatOption(['text', 'json']))
    .action(async (jobIds: string[], options: TasksRetryOptions) =>
      setExit(await (await import('./commands/tasks.js')).tasksRetryCommand(jobIds, options, out)),
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
