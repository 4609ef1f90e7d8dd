/**
 * docs/cli-reference.md, made from the `specfirst` command's own help: the one place that knows
 * the page's layout. scripts/cli-reference.mjs writes the page with it; packages/cli's
 * cli-reference test renders it in memory and compares, so the page cannot drift from the CLI.
 */
import { fileURLToPath } from 'node:url';

/** Where the page lives. */
export const REFERENCE_FILE = fileURLToPath(new URL('../../docs/cli-reference.md', import.meta.url));
/** How to bring the page up to date (it reads the built CLI). */
export const REGENERATE = 'pnpm docs:cli';
/** Columns the help is wrapped at, whatever the terminal: the page must not depend on who ran it. */
export const HELP_WIDTH = 80;

/**
 * The Markdown page for the program `buildProgram` makes (packages/cli's export of that name):
 * the top-level help, then every command and subcommand that help lists, each with its
 * description and the exact text `--help` prints for it.
 */
export function renderCliReference(buildProgram) {
  const program = buildProgram(silentOutput(), () => undefined);
  const sections = [program, ...subcommands(program)].map((command) => ({
    command,
    name: commandPath(command),
    help: helpText(command),
  }));
  const lines = [
    '# `specfirst` command reference',
    '',
    `<!-- Generated from the CLI's own help by scripts/cli-reference.mjs. Do not edit: run \`${REGENERATE}\`. -->`,
    '',
    `Generated from \`specfirst --help\` and \`specfirst <command> --help\`: run \`${REGENERATE}\` after changing a command (a test fails until you do). What the commands do, with examples, exit codes and output formats: [cli.md](cli.md).`,
    '',
    ...sections.map(
      ({ command, name }) =>
        `- [\`${name}\`](#${anchor(name)})${command.description() ? `: ${firstSentence(command.description())}` : ''}`,
    ),
    '',
  ];
  for (const { name, help } of sections) {
    lines.push(`## \`${name}\``, '', '```text', help, '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Every command below `command` that its help lists (hidden ones and the implicit `help` are left out), depth first. */
function subcommands(command) {
  return command
    .createHelp()
    .visibleCommands(command)
    .filter((sub) => command.commands.includes(sub))
    .flatMap((sub) => [sub, ...subcommands(sub)]);
}

/** What `--help` prints (texts added with `addHelpText` included), at a fixed width and without colour. */
function helpText(command) {
  let text = '';
  command.configureHelp({ ...command.configureHelp(), helpWidth: HELP_WIDTH });
  command.configureOutput({
    writeOut: (s) => (text += s),
    writeErr: (s) => (text += s),
    getOutHelpWidth: () => HELP_WIDTH,
    getOutHasColors: () => false,
  });
  for (const ancestor of ancestors(command))
    ancestor.configureOutput({ getOutHelpWidth: () => HELP_WIDTH, getOutHasColors: () => false });
  command.outputHelp();
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

function ancestors(command) {
  const found = [];
  for (let at = command.parent; at; at = at.parent) found.push(at);
  return found;
}

function commandPath(command) {
  return [...ancestors(command).reverse(), command].map((c) => c.name()).join(' ');
}

/** GitHub's heading anchor: lower case, punctuation other than `-` and `_` dropped, spaces to `-`. */
function anchor(heading) {
  return heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

function firstSentence(text) {
  const match = /^.*?[.!?](?=\s|$)/s.exec(text);
  return (match ? match[0] : text).replace(/\s+/g, ' ');
}

/** Building the program runs no command, so nothing is written; colours are plain. */
function silentOutput() {
  const plain = new Proxy({}, { get: (_target, key) => (key === 'isColorSupported' ? false : (s) => String(s)) });
  return { stdout: () => undefined, stderr: () => undefined, colors: plain, isTTY: false };
}
